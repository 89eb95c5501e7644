using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Forcelink.Emulator.Hosting;
using Forcelink.Emulator.Ids;
using Forcelink.Emulator.Records;
using Forcelink.Emulator.Schema;

namespace Forcelink.Emulator.Org;

internal sealed record OrgUser(string Id, UserOptions Options);

internal sealed class Session(string token, OrgUser user, AppOptions app, DateTimeOffset issuedAt)
{
    public string Token { get; } = token;
    public OrgUser User { get; } = user;
    public AppOptions App { get; } = app;
    public DateTimeOffset IssuedAt { get; } = issuedAt;
    public DateTimeOffset LastUsed { get; set; } = issuedAt;
}

internal sealed record RequestLogEntry(DateTimeOffset At, string Method, string Path, int Status, double DurationMilliseconds, string? TokenPrefix);

/// <summary>Everything one emulated org knows: configuration, users, sessions, counters, faults and records.</summary>
internal sealed class EmulatedOrg : IDisposable
{
    private const int RequestLogCapacity = 500;

    private readonly Dictionary<string, PermissionOptions> _profiles = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, PermissionOptions> _permissionSets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _loginWindows = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _loginCounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly LinkedList<RequestLogEntry> _requestLog = new();
    private readonly byte[] _signingKey = RandomNumberGenerator.GetBytes(32);
    private readonly Lock _countersLock = new();
    private readonly List<FaultRule> _faults;
    private readonly Random _random;
    private DateOnly _apiDay;
    private int _apiUsed;

    public EmulatedOrg(EmulatorOptions options)
    {
        Options = options.Org;
        TimeProvider = options.TimeProvider;
        _random = new Random(options.RandomSeed);
        OrgId = RecordIds.TryNormalize(Options.OrgId, out var orgId)
            ? orgId
            : throw new ArgumentException($"Org id '{Options.OrgId}' is not a 15- or 18-character Salesforce id.", nameof(options));
        _faults = [.. Options.Faults];
        foreach (var builtIn in BuiltInProfiles())
        {
            _profiles[builtIn.Name] = builtIn;
        }

        foreach (var profile in Options.Profiles)
        {
            _profiles[profile.Name] = profile;
        }

        foreach (var set in Options.PermissionSets)
        {
            _permissionSets[set.Name] = set;
        }

        var objects = CustomObjects.Extend(StandardObjects.Create(), Options.CustomFields).Concat(CustomObjects.Build(Options.CustomObjects)).ToList();
        objects.AddRange(ContentObjects.Create(objects));
        Store = new RecordStore(options.DataFile, objects, pod: OrgId.Substring(3, 2));
        Blobs = new BlobStore(options.DataFile);
        foreach (var user in Options.Users.ToList())
        {
            EnsureUserRecord(user);
        }

        EnsureOrganizationRecord();

        Users = [.. Options.Users.Select(u => new OrgUser(FindUserId(u.Username)!, u))];
        SeedRecords();
        _apiDay = DateOnly.FromDateTime(TimeProvider.GetUtcNow().UtcDateTime);
        BulkJobs = new Bulk.BulkJobStore(TimeProvider, OrgId.Substring(3, 2));
    }

    public OrgOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    public string OrgId { get; }

    public string OrgId15 => OrgId[..15];

    public RecordStore Store { get; }

    /// <summary>The bytes of ContentVersion records, kept out of the record store so files of any size stream.</summary>
    public BlobStore Blobs { get; }
    /// <summary>Bulk API 2.0 jobs, their files and the daily bulk counters.</summary>
    public Bulk.BulkJobStore BulkJobs { get; }

    public List<OrgUser> Users { get; }

    /// <summary>Serialises API work: the record store and SQLite connection are single-threaded by design.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public byte[] SigningKey => _signingKey;

    public OrgUser? FindUser(string username) =>
        Users.FirstOrDefault(u => string.Equals(u.Options.Username, username, StringComparison.OrdinalIgnoreCase));

    public AppOptions? FindApp(string consumerKey) =>
        Options.Apps.FirstOrDefault(a => string.Equals(a.ConsumerKey, consumerKey, StringComparison.Ordinal));

    public OrgUser AddUser(UserOptions user)
    {
        if (FindUser(user.Username) is { } existing)
        {
            Users.Remove(existing);
            Options.Users.RemoveAll(u => string.Equals(u.Username, user.Username, StringComparison.OrdinalIgnoreCase));
        }

        Options.Users.Add(user);
        EnsureUserRecord(user);
        var added = new OrgUser(FindUserId(user.Username)!, user);
        Users.Add(added);
        return added;
    }

    public void AddApp(AppOptions app)
    {
        Options.Apps.RemoveAll(a => string.Equals(a.ConsumerKey, app.ConsumerKey, StringComparison.Ordinal));
        Options.Apps.Add(app);
    }

    public void AddProfile(PermissionOptions profile) => _profiles[profile.Name] = profile;

    public void AddPermissionSet(PermissionOptions set) => _permissionSets[set.Name] = set;

    public static bool IsPreAuthorized(OrgUser user, AppOptions app) => app.Policy switch
    {
        AppPolicy.AdminApproved =>
            app.Profiles.Contains(user.Options.Profile, StringComparer.OrdinalIgnoreCase)
            || user.Options.PermissionSets.Intersect(app.PermissionSets, StringComparer.OrdinalIgnoreCase).Any(),
        _ => user.Options.ApprovedApps.Contains(app.ConsumerKey, StringComparer.Ordinal),
    };

    public ObjectPermissions PermissionsFor(OrgUser user, string objectName)
    {
        if (objectName == "Organization")
        {
            // Every user may read the company information; nobody creates, edits or deletes it through the API.
            return new ObjectPermissions { Read = true };
        }

        var result = new ObjectPermissions();
        var grants = user.Options.PermissionSets.Select(s => _permissionSets.GetValueOrDefault(s))
            .Prepend(_profiles.GetValueOrDefault(user.Options.Profile));
        foreach (var grant in grants)
        {
            if (grant is null)
            {
                continue;
            }

            if (grant.AllObjects)
            {
                return ObjectPermissions.Full;
            }

            if (grant.Objects.TryGetValue(objectName, out var permissions))
            {
                result = result.Union(permissions);
            }
        }

        return result;
    }

    /// <summary>Counts a login; false when the user already used the hourly allowance (rolling window).</summary>
    public bool TryRecordLogin(OrgUser user)
    {
        var now = TimeProvider.GetUtcNow();
        lock (_countersLock)
        {
            if (!_loginWindows.TryGetValue(user.Options.Username, out var window))
            {
                _loginWindows[user.Options.Username] = window = new Queue<DateTimeOffset>();
            }

            while (window.Count > 0 && window.Peek() <= now - TimeSpan.FromHours(1))
            {
                window.Dequeue();
            }

            if (window.Count >= Options.LoginRateLimitPerHour)
            {
                return false;
            }

            window.Enqueue(now);
            _loginCounts[user.Options.Username] = _loginCounts.GetValueOrDefault(user.Options.Username) + 1;
            return true;
        }
    }

    public IReadOnlyDictionary<string, int> LoginCounts
    {
        get
        {
            lock (_countersLock)
            {
                return new Dictionary<string, int>(_loginCounts, StringComparer.OrdinalIgnoreCase);
            }
        }
    }

    public int LoginCount(string username)
    {
        lock (_countersLock)
        {
            return _loginCounts.GetValueOrDefault(username);
        }
    }

    public Session IssueSession(OrgUser user, AppOptions app)
    {
        // Salesforce session ids: 15-char org id, '!', then an opaque secret.
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(72))
            .Replace('+', '.').Replace('/', '_').TrimEnd('=');
        var session = new Session($"{OrgId15}!{secret}", user, app, TimeProvider.GetUtcNow());
        _sessions[session.Token] = session;
        return session;
    }

    /// <summary>The live session for a bearer token, slid forward; null when unknown, revoked or timed out.</summary>
    public Session? Authenticate(string? token)
    {
        if (token is null || !_sessions.TryGetValue(token, out var session))
        {
            return null;
        }

        var now = TimeProvider.GetUtcNow();
        if (now - session.LastUsed >= (session.App.SessionTimeout ?? Options.SessionTimeout))
        {
            _sessions.TryRemove(token, out _);
            return null;
        }

        session.LastUsed = now;
        return session;
    }

    public bool Revoke(string token) => _sessions.TryRemove(token, out _);

    public int RevokeAll(string? username)
    {
        var revoked = 0;
        foreach (var session in _sessions.Values)
        {
            if ((username is null || string.Equals(session.User.Options.Username, username, StringComparison.OrdinalIgnoreCase))
                && _sessions.TryRemove(session.Token, out _))
            {
                revoked++;
            }
        }

        return revoked;
    }

    public int ActiveSessionCount => _sessions.Count;

    public string Sign(string text) =>
        Convert.ToBase64String(HMACSHA256.HashData(_signingKey, Encoding.UTF8.GetBytes(text)));

    /// <summary>Counts one API call; false (not counted) when the daily allowance is spent.</summary>
    public bool TryCountApiCall()
    {
        lock (_countersLock)
        {
            RollApiDay();
            if (_apiUsed >= Options.DailyApiLimit)
            {
                return false;
            }

            _apiUsed++;
            return true;
        }
    }

    public int ApiUsed
    {
        get
        {
            lock (_countersLock)
            {
                RollApiDay();
                return _apiUsed;
            }
        }
    }

    public void SetApiUsed(int used)
    {
        lock (_countersLock)
        {
            RollApiDay();
            _apiUsed = used;
        }
    }

    public string LimitInfo => $"api-usage={ApiUsed}/{Options.DailyApiLimit}";

    public IReadOnlyList<FaultRule> Faults
    {
        get
        {
            lock (_countersLock)
            {
                return [.. _faults];
            }
        }
    }

    public void AddFault(FaultRule rule)
    {
        lock (_countersLock)
        {
            _faults.Add(rule);
        }
    }

    public void ClearFaults()
    {
        lock (_countersLock)
        {
            _faults.Clear();
        }
    }

    /// <summary>The faults hitting this request, in rule order; "next N" rules are consumed here.</summary>
    public List<FaultRule> DrawFaults(string path)
    {
        var hits = new List<FaultRule>();
        lock (_countersLock)
        {
            foreach (var rule in _faults.ToList())
            {
                if (!path.StartsWith(rule.PathPrefix, StringComparison.OrdinalIgnoreCase) || rule.Count is <= 0)
                {
                    continue;
                }

                // Always draw, so the sequence of outcomes depends only on the seed and the request order.
                var roll = _random.NextDouble();
                if (roll >= rule.Probability)
                {
                    continue;
                }

                if (rule.Count is { } remaining)
                {
                    rule.Count = remaining - 1;
                    if (remaining - 1 == 0)
                    {
                        _faults.Remove(rule);
                    }
                }

                hits.Add(rule);
            }

            _faultsHit += hits.Count;
        }

        return hits;
    }

    private int _faultsHit;

    /// <summary>How many faults have hit requests since the org started: soak runs report it beside what they survived.</summary>
    public int FaultsHit
    {
        get
        {
            lock (_countersLock)
            {
                return _faultsHit;
            }
        }
    }

    private int _pendingLatencies;

    /// <summary>Requests currently held by a latency fault; lets FakeTimeProvider tests advance time once the timer exists.</summary>
    public int PendingLatencies => Volatile.Read(ref _pendingLatencies);

    public void LatencyStarted() => Interlocked.Increment(ref _pendingLatencies);

    public void LatencyEnded() => Interlocked.Decrement(ref _pendingLatencies);

    public void Log(RequestLogEntry entry)
    {
        lock (_requestLog)
        {
            _requestLog.AddLast(entry);
            if (_requestLog.Count > RequestLogCapacity)
            {
                _requestLog.RemoveFirst();
            }
        }
    }

    public IReadOnlyList<RequestLogEntry> RequestLog
    {
        get
        {
            lock (_requestLog)
            {
                return [.. _requestLog];
            }
        }
    }

    /// <summary>Drops records, bulk jobs, sessions, counters, faults and the request log; configuration stays.</summary>
    public void Reset()
    {
        Store.Clear();
        Blobs.Clear();
        BulkJobs.Clear();
        foreach (var user in Options.Users)
        {
            EnsureUserRecord(user);
        }

        EnsureOrganizationRecord();

        var refreshed = Options.Users.Select(u => new OrgUser(FindUserId(u.Username)!, u)).ToList();
        Users.Clear();
        Users.AddRange(refreshed);
        _sessions.Clear();
        lock (_countersLock)
        {
            _loginWindows.Clear();
            _loginCounts.Clear();
            _apiUsed = 0;
            _faults.Clear();
        }

        lock (_requestLog)
        {
            _requestLog.Clear();
        }
    }

    public void Dispose()
    {
        Store.Dispose();
        Blobs.Dispose();
        BulkJobs.Dispose();
        Gate.Dispose();
    }

    private void RollApiDay()
    {
        // A calendar-day (UTC) window: simpler than Salesforce's rolling 24 hours and documented as such.
        var today = DateOnly.FromDateTime(TimeProvider.GetUtcNow().UtcDateTime);
        if (today != _apiDay)
        {
            _apiDay = today;
            _apiUsed = 0;
        }
    }

    /// <summary>A System Administrator session for work done by the emulator itself (seeding, admin inserts).</summary>
    public Session SystemSession()
    {
        var admin = new OrgUser(Users.FirstOrDefault()?.Id ?? OrgId, new UserOptions { Username = "admin@emulator.invalid", Profile = "System Administrator" });
        return new Session("system", admin, new AppOptions(), TimeProvider.GetUtcNow());
    }

    /// <summary>
    /// Inserts records through the save rules as a System Administrator, all or nothing. Returns the new ids, or the
    /// first failure with its index. The caller holds <see cref="Gate"/> (or the host is not serving yet).
    /// </summary>
    public (IReadOnlyList<string> Ids, string? Error) InsertRecords(string objectName, IEnumerable<System.Text.Json.JsonElement> records)
    {
        if (Store.Find(objectName) is not { } schema)
        {
            return ([], $"unknown object '{objectName}'");
        }

        var writer = new Api.RecordWriter(this);
        var session = SystemSession();
        var ids = new List<string>();
        Store.Begin();
        foreach (var record in records)
        {
            var result = writer.Create(schema, record, session);
            if (!result.Success)
            {
                Store.Rollback();
                return ([], $"record {ids.Count} of {schema.Name} rejected: {result.Errors[0].Code} {result.Errors[0].Message}");
            }

            ids.Add(result.Id!);
        }

        Store.Commit();
        return (ids, null);
    }

    private void SeedRecords()
    {
        foreach (var (objectName, records) in Options.Records)
        {
            if (Store.Find(objectName) is { } schema && Store.Count(schema.Name, includeDeleted: true) > 0)
            {
                continue;
            }

            if (InsertRecords(objectName, records).Error is { } error)
            {
                throw new ArgumentException($"Seed records: {error}");
            }
        }
    }

    private string? FindUserId(string username)
    {
        var schema = Store.Find("User")!;
        return Store.Rows(schema.Name, includeDeleted: false)
            .FirstOrDefault(r => string.Equals(r.GetValueOrDefault("Username") as string, username, StringComparison.OrdinalIgnoreCase))
            ?.GetValueOrDefault("Id") as string;
    }

    private void EnsureOrganizationRecord()
    {
        if (Store.Get(OrgId) is not null)
        {
            return;
        }

        var schema = Store.Find("Organization")!;
        var now = TimeProvider.GetUtcNow();
        var sandbox = Options.Kind == OrgKind.Sandbox;
        var fields = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in schema.Fields)
        {
            fields[field.Name] = field.DefaultValue;
        }

        fields["Id"] = OrgId;
        // Not a field of Organization, but the store's soft-delete bookkeeping reads it on every row.
        fields["IsDeleted"] = false;
        fields["Name"] = Options.Name;
        fields["OrganizationType"] = StandardObjects.Edition;
        fields["InstanceName"] = sandbox ? "EMU1S" : "EMU1";
        fields["IsSandbox"] = sandbox;
        fields["LanguageLocaleKey"] = "en_US";
        fields["DefaultLocaleSidKey"] = "en_US";
        fields["TimeZoneSidKey"] = "GMT";
        // Salesforce names the first admin as the org's creator; the first configured user stands for it.
        var creator = Options.Users.Select(u => FindUserId(u.Username)).FirstOrDefault();
        fields["CreatedDate"] = now;
        fields["CreatedById"] = creator;
        fields["LastModifiedById"] = creator;
        fields["LastModifiedDate"] = now;
        fields["SystemModstamp"] = now;
        Store.Put(schema, fields);
    }

    private void EnsureUserRecord(UserOptions user)
    {
        if (FindUserId(user.Username) is not null)
        {
            return;
        }

        var schema = Store.Find("User")!;
        var id = Store.NewId(schema);
        var now = TimeProvider.GetUtcNow();
        var alias = (user.FirstName.Length > 0 ? user.FirstName[..1] : "") + user.LastName;
        Store.Put(schema, new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Id"] = id,
            ["IsDeleted"] = false,
            ["CreatedDate"] = now,
            ["CreatedById"] = id,
            ["LastModifiedDate"] = now,
            ["LastModifiedById"] = id,
            ["SystemModstamp"] = now,
            ["Username"] = user.Username,
            ["LastName"] = user.LastName,
            ["FirstName"] = user.FirstName,
            ["Name"] = $"{user.FirstName} {user.LastName}".Trim(),
            ["Alias"] = alias.Length > 8 ? alias[..8] : alias,
            ["Email"] = user.Email ?? user.Username,
            ["IsActive"] = true,
        });
    }

    private static IEnumerable<PermissionOptions> BuiltInProfiles()
    {
        yield return new PermissionOptions { Name = "System Administrator", AllObjects = true };
        var standard = new PermissionOptions { Name = "Standard User" };
        foreach (var name in new[] { "Account", "Contact", "Lead", "Case", ContentObjects.Document, ContentObjects.Version, ContentObjects.Link })
        {
            standard.Objects[name] = new ObjectPermissions { Read = true, Create = true, Edit = true, Delete = true };
        }

        standard.Objects["User"] = new ObjectPermissions { Read = true };
        yield return standard;
        var readOnly = new PermissionOptions { Name = "Read Only" };
        foreach (var name in new[] { "Account", "Contact", "Lead", "Case", "User" })
        {
            readOnly.Objects[name] = new ObjectPermissions { Read = true };
        }

        yield return readOnly;
    }
}
