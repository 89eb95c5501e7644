namespace Forcelink.Emulator.Hosting;

internal enum OrgKind
{
    Production,
    Sandbox,
}

internal enum AppKind
{
    ConnectedApp,
    ExternalClientApp,
}

internal enum AppPolicy
{
    /// <summary>"Admin approved users are pre-authorized": the user's profile or a permission set must be assigned to the app.</summary>
    AdminApproved,

    /// <summary>"All users may self-authorize": the user must have approved the app before (listed in <see cref="UserOptions.ApprovedApps"/>).</summary>
    SelfAuthorize,
}

/// <summary>How the emulator starts. Also the shape of the <c>--seed</c> JSON file (see docs/emulator.md).</summary>
internal sealed class EmulatorOptions
{
    /// <summary>0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>SQLite file for records; in-memory when null.</summary>
    public string? DataFile { get; set; }

    /// <summary>Seed of the Random that drives fault probabilities, so a fault run replays identically.</summary>
    public int RandomSeed { get; set; } = 1;

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public OrgOptions Org { get; set; } = new();

    /// <summary>Every problem with the configuration, so one run reports them all.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Port is < 0 or > 65535)
        {
            errors.Add($"port {Port} is outside 0..65535");
        }

        if (!Ids.RecordIds.TryNormalize(Org.OrgId, out var orgId) || !orgId.StartsWith("00D", StringComparison.Ordinal))
        {
            errors.Add($"orgId '{Org.OrgId}' is not a 15- or 18-character 00D id");
        }

        if (Org.SessionTimeout <= TimeSpan.Zero)
        {
            errors.Add("sessionTimeout must be positive");
        }

        if (Org.DailyApiLimit < 0 || Org.LoginRateLimitPerHour < 0)
        {
            errors.Add("dailyApiLimit and loginRateLimitPerHour must not be negative");
        }

        foreach (var app in Org.Apps)
        {
            if (string.IsNullOrWhiteSpace(app.ConsumerKey))
            {
                errors.Add($"app '{app.Name}' has no consumerKey");
            }

            errors.AddRange(app.ValidateCredentials(certificateProblem: e => $"has no readable PEM certificate ({e})").Select(e => $"app '{app.Name}' {e}"));
            if (app.ClientCredentialsUser is { } runAs
                && !Org.Users.Any(u => string.Equals(u.Username, runAs, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"app '{app.Name}': clientCredentialsUser '{runAs}' is not one of the org's users");
            }
        }

        foreach (var duplicate in Org.Apps.GroupBy(a => a.ConsumerKey, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"consumer key '{duplicate.Key}' is used by several apps");
        }

        foreach (var user in Org.Users.Where(u => string.IsNullOrWhiteSpace(u.Username)))
        {
            errors.Add($"a user ({user.FirstName} {user.LastName}) has no username");
        }

        foreach (var duplicate in Org.Users.GroupBy(u => u.Username, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add($"username '{duplicate.Key}' is defined several times");
        }

        errors.AddRange(Org.Faults.SelectMany((rule, i) => rule.Validate().Select(e => $"faults[{i}]: {e}")));
        errors.AddRange(Org.ApexRest.SelectMany((route, i) => route.Validate().Select(e => $"apexRest[{i}]: {e}")));
        errors.AddRange(Org.Bulk.Validate());

        foreach (var custom in Org.CustomObjects)
        {
            if (!custom.Name.EndsWith("__c", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"custom object '{custom.Name}' must end with __c");
            }

            errors.AddRange(custom.Fields.Where(f => !f.Name.EndsWith("__c", StringComparison.OrdinalIgnoreCase))
                .Select(f => $"custom field '{custom.Name}.{f.Name}' must end with __c"));
        }

        return errors;
    }
}

internal sealed class OrgOptions
{
    /// <summary>15- or 18-character org id; a fixed default keeps tokens and ids stable across runs.</summary>
    public string OrgId { get; set; } = "00D5g000004SxYz";

    public OrgKind Kind { get; set; } = OrgKind.Production;

    /// <summary>Organization.Name (company name), what the Salesforce CLI shows as the org's name.</summary>
    public string Name { get; set; } = "Forcelink Emulator";

    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromHours(2);

    public int DailyApiLimit { get; set; } = 100_000;

    public int LoginRateLimitPerHour { get; set; } = 3_600;

    /// <summary>
    /// Plays a generic login host (login.salesforce.com, test.salesforce.com) rather than the org's My Domain: the
    /// <c>client_credentials</c> grant is refused with "request not supported on this domain", as Salesforce does there.
    /// A switch because the emulator, on 127.0.0.1, has no host name to tell the two apart by.
    /// </summary>
    public bool GenericLoginHost { get; set; }

    public List<AppOptions> Apps { get; set; } = [];

    public List<UserOptions> Users { get; set; } = [];

    /// <summary>Added to the built-in "System Administrator", "Standard User" and "Read Only" profiles.</summary>
    public List<PermissionOptions> Profiles { get; set; } = [];

    public List<PermissionOptions> PermissionSets { get; set; } = [];

    public List<CustomObjectOptions> CustomObjects { get; set; } = [];

    public List<FaultRule> Faults { get; set; } = [];

    /// <summary>Apex REST services at <c>/services/apexrest/</c>, each a fixed answer or an echo.</summary>
    public List<ApexRestOptions> ApexRest { get; set; } = [];

    public Bulk.BulkOptions Bulk { get; set; } = new();

    /// <summary>Custom (<c>__c</c>) fields added to standard objects, by object name: <c>{"Lead":[{"Name":"Ext_Id__c","ExternalId":true}]}</c>.</summary>
    public Dictionary<string, List<CustomFieldOptions>> CustomFields { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Records inserted at start (through the save rules) into objects that have none yet, keyed by object name.</summary>
    public Dictionary<string, List<System.Text.Json.JsonElement>> Records { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

internal sealed class AppOptions
{
    public string Name { get; set; } = "Forcelink";

    public string ConsumerKey { get; set; } = "";

    /// <summary>PEM text of the X.509 certificate uploaded to the app.</summary>
    public string CertificatePem { get; set; } = "";

    /// <summary>Seed files only: path of a PEM certificate, relative to the seed file; loaded into <see cref="CertificatePem"/>.</summary>
    public string? CertificateFile { get; set; }

    public AppKind Kind { get; set; } = AppKind.ConnectedApp;

    public AppPolicy Policy { get; set; } = AppPolicy.AdminApproved;

    public List<string> Profiles { get; set; } = [];

    public List<string> PermissionSets { get; set; } = [];

    /// <summary>The app's session policy; the org's timeout applies when null.</summary>
    public TimeSpan? SessionTimeout { get; set; }

    /// <summary>The Consumer Secret the <c>client_credentials</c> grant checks; that grant is refused ("invalid client credentials") when null.</summary>
    public string? ConsumerSecret { get; set; }

    /// <summary>Username of the client credentials flow's Run As user; "no client credentials user enabled" when null.</summary>
    public string? ClientCredentialsUser { get; set; }

    /// <summary>Every problem with the app's credentials: a readable certificate (JWT) or a consumer secret (client credentials), at least one.</summary>
    /// <param name="certificateProblem">Phrases an unreadable certificate, given the reason; seed files and the admin API word it differently.</param>
    public IReadOnlyList<string> ValidateCredentials(Func<string, string> certificateProblem)
    {
        var errors = new List<string>();
        if (CertificatePem.Length > 0 || ConsumerSecret is null)
        {
            try
            {
                using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(CertificatePem);
            }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                errors.Add(certificateProblem(e.Message.TrimEnd('.')) + (ConsumerSecret is null ? "; a client-credentials-only app may give a consumerSecret instead" : ""));
            }
        }

        if (ConsumerSecret is { } secret && string.IsNullOrWhiteSpace(secret))
        {
            errors.Add("consumerSecret must not be empty (omit it for a JWT-only app)");
        }

        if (ClientCredentialsUser is { } user && string.IsNullOrWhiteSpace(user))
        {
            errors.Add("clientCredentialsUser must be a username (omit it for no Run As user)");
        }

        return errors;
    }
}

internal sealed class UserOptions
{
    public string Username { get; set; } = "";

    public string FirstName { get; set; } = "Integration";

    public string LastName { get; set; } = "User";

    public string? Email { get; set; }

    public string Profile { get; set; } = "System Administrator";

    public List<string> PermissionSets { get; set; } = [];

    /// <summary>Consumer keys of self-authorize apps this user approved earlier.</summary>
    public List<string> ApprovedApps { get; set; } = [];
}

internal sealed class PermissionOptions
{
    public string Name { get; set; } = "";

    /// <summary>Full access to every object (what System Administrator has).</summary>
    public bool AllObjects { get; set; }

    public Dictionary<string, ObjectPermissions> Objects { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

internal sealed class ObjectPermissions
{
    public bool Read { get; set; }

    public bool Create { get; set; }

    public bool Edit { get; set; }

    public bool Delete { get; set; }

    public static ObjectPermissions Full => new() { Read = true, Create = true, Edit = true, Delete = true };

    public ObjectPermissions Union(ObjectPermissions other) => new()
    {
        Read = Read || other.Read,
        Create = Create || other.Create,
        Edit = Edit || other.Edit,
        Delete = Delete || other.Delete,
    };
}

internal sealed class CustomObjectOptions
{
    public string Name { get; set; } = "";

    public string? Label { get; set; }

    public string? PluralLabel { get; set; }

    /// <summary>Generated (a00, a01, ...) when null.</summary>
    public string? KeyPrefix { get; set; }

    public List<CustomFieldOptions> Fields { get; set; } = [];
}

internal sealed class CustomFieldOptions
{
    public string Name { get; set; } = "";

    public string? Label { get; set; }

    /// <summary>Describe type name: string, textarea, picklist, email, phone, url, boolean, int, double, currency, percent, date, datetime, reference.</summary>
    public string Type { get; set; } = "string";

    public int? Length { get; set; }

    public bool Required { get; set; }

    public bool ExternalId { get; set; }

    public bool Unique { get; set; }

    public List<string> PicklistValues { get; set; } = [];

    public bool RestrictedPicklist { get; set; }

    public string? DefaultValue { get; set; }

    public List<string> ReferenceTo { get; set; } = [];
}

internal enum FaultKind
{
    /// <summary>Delays the response (through the TimeProvider) and lets the request through.</summary>
    Latency,
    ServiceUnavailable,
    BadGateway,
    GatewayTimeout,
    DropConnection,
    UnableToLockRow,
    HtmlErrorPage,

    /// <summary>Processes the request (records saved, token issued) and then aborts the connection instead of answering.</summary>
    CommitThenDropConnection,

    /// <summary>Processes the request and then answers 500 UNKNOWN_EXCEPTION instead of the real response.</summary>
    CommitThenServerError,
}

internal sealed class FaultRule
{
    public string PathPrefix { get; set; } = "/services/";

    public FaultKind Kind { get; set; }

    /// <summary>Share of matching requests hit, 0..1.</summary>
    public double Probability { get; set; } = 1;

    /// <summary>Hit only the next N matching requests; unlimited when null.</summary>
    public int? Count { get; set; }

    public int LatencyMilliseconds { get; set; }

    /// <summary>Overrides the fault's usual status (e.g. the HTML page's 500).</summary>
    public int? StatusCode { get; set; }

    /// <summary>Every problem with the rule, each naming the field (as spelt in JSON) and its allowed range.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(PathPrefix) || PathPrefix[0] != '/')
        {
            errors.Add($"pathPrefix must start with '/', got '{PathPrefix}'");
        }

        if (!Enum.IsDefined(Kind))
        {
            errors.Add($"kind must be one of {string.Join(", ", Enum.GetNames<FaultKind>())}, got {(int)Kind}");
        }

        // Written as a negated range so that NaN is refused too.
        if (!(Probability is >= 0 and <= 1))
        {
            errors.Add(FormattableString.Invariant($"probability must be from 0 to 1, got {Probability}"));
        }

        if (Count is < 1)
        {
            errors.Add($"count must be at least 1 (or null for every matching request), got {Count}");
        }

        if (LatencyMilliseconds < 0)
        {
            errors.Add($"latencyMilliseconds must be from 0 to {int.MaxValue}, got {LatencyMilliseconds}");
        }

        if (StatusCode is < 200 or > 599)
        {
            errors.Add($"statusCode must be from 200 to 599 (or null for the fault's usual status), got {StatusCode}");
        }

        return errors;
    }
}
