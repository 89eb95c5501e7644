using Forcelink.Emulator.Bulk;
using Forcelink.Emulator.Hosting;
using Forcelink.Emulator.Ids;
using Forcelink.Emulator.Records;
using Forcelink.Emulator.Schema;

namespace Forcelink.Emulator.Org;

/// <summary>One emulated org: its configuration and the parts that each keep one kind of its state.</summary>
internal sealed class EmulatedOrg : IDisposable
{
    public EmulatedOrg(EmulatorOptions options)
    {
        Options = options.Org;
        TimeProvider = options.TimeProvider;
        OrgId = RecordIds.TryNormalize(Options.OrgId, out var orgId)
            ? orgId
            : throw new ArgumentException($"Org id '{Options.OrgId}' is not a 15- or 18-character Salesforce id.", nameof(options));
        FaultInjector = new FaultInjector(Options.Faults, options.RandomSeed);
        var objects = CustomObjects.Extend(StandardObjects.Create(), Options.CustomFields).Concat(CustomObjects.Build(Options.CustomObjects)).ToList();
        objects.AddRange(ContentObjects.Create(objects));
        Store = new RecordStore(options.DataFile, objects, pod: OrgId.Substring(3, 2));
        Blobs = new BlobStore(options.DataFile);
        Directory = new OrgDirectory(Options, Store, TimeProvider);
        Sessions = new SessionStore(OrgId15, Options, TimeProvider);
        Logins = new LoginLimiter(Options, TimeProvider);
        Usage = new ApiUsage(Options, TimeProvider);
        Records = new OrgRecords(this);
        Records.EnsureOrganizationRecord();
        Records.Seed();
        BulkJobs = new BulkJobStore(TimeProvider, OrgId.Substring(3, 2));
    }

    public OrgOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    public string OrgId { get; }

    public string OrgId15 => OrgId[..15];

    public RecordStore Store { get; }

    /// <summary>The bytes of ContentVersion records, kept out of the record store so files of any size stream.</summary>
    public BlobStore Blobs { get; }

    /// <summary>Bulk API 2.0 jobs, their files and the daily bulk counters.</summary>
    public BulkJobStore BulkJobs { get; }

    public OrgDirectory Directory { get; }

    public SessionStore Sessions { get; }

    public LoginLimiter Logins { get; }

    public ApiUsage Usage { get; }

    public FaultInjector FaultInjector { get; }

    public RequestLog Requests { get; } = new();

    public OrgRecords Records { get; }

    /// <summary>Serialises API work: the record store and SQLite connection are single-threaded by design.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    // What tests and the benches read and steer, named as they always were.
    public List<OrgUser> Users => Directory.Users;

    public OrgUser? FindUser(string username) => Directory.FindUser(username);

    public AppOptions? FindApp(string consumerKey) => Directory.FindApp(consumerKey);

    public byte[] SigningKey => Sessions.SigningKey;

    public bool Revoke(string token) => Sessions.Revoke(token);

    public int RevokeAll(string? username) => Sessions.RevokeAll(username);

    public int ActiveSessionCount => Sessions.ActiveCount;

    public int LoginCount(string username) => Logins.Count(username);

    public int ApiUsed => Usage.Used;

    public void SetApiUsed(int used) => Usage.SetUsed(used);

    public IReadOnlyList<FaultRule> Faults => FaultInjector.Rules;

    public void AddFault(FaultRule rule) => FaultInjector.Add(rule);

    public void ClearFaults() => FaultInjector.Clear();

    public int FaultsHit => FaultInjector.Hits;

    public int PendingLatencies => FaultInjector.PendingLatencies;

    public IReadOnlyList<RequestLogEntry> RequestLog => Requests.Entries;

    /// <summary>Drops records, bulk jobs, sessions, counters, faults and the request log; configuration stays.</summary>
    public void Reset()
    {
        Store.Clear();
        Blobs.Clear();
        BulkJobs.Clear();
        Directory.Reload();
        Records.EnsureOrganizationRecord();
        Sessions.Clear();
        Logins.Clear();
        Usage.Clear();
        FaultInjector.Clear();
        Requests.Clear();
    }

    public void Dispose()
    {
        Store.Dispose();
        Blobs.Dispose();
        BulkJobs.Dispose();
        Gate.Dispose();
    }
}
