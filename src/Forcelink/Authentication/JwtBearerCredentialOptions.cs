using Forcelink.Configuration;
namespace Forcelink.Authentication;

/// <summary>
/// Settings of <see cref="JwtBearerCredential"/>: who logs in, to which org, through which connected app.
/// Validated once when the credential is created; every problem is reported together.
/// </summary>
public sealed class JwtBearerCredentialOptions
{
    /// <summary>The most Salesforce documents for the assertion's lifetime ("within 3 minutes").</summary>
    public static readonly TimeSpan MaxAssertionLifetime = TimeSpan.FromMinutes(3);

    /// <summary>The login host whose <c>/services/oauth2/token</c> receives the assertion.</summary>
    /// <value>The default is <c>https://login.salesforce.com</c> (production and Developer Edition). Use
    /// <c>https://test.salesforce.com</c> for sandboxes, or the org's My Domain URL
    /// (<c>https://example.my.salesforce.com</c>), never its Lightning URL (<c>*.lightning.force.com</c>).</value>
    public Uri LoginUrl { get; set; } = new("https://login.salesforce.com");

    /// <summary>The connected app's Consumer Key (client id), sent as the <c>iss</c> claim. Required.</summary>
    public string? ConsumerKey { get; set; }

    /// <summary>The Salesforce username of the integration user, sent as the <c>sub</c> claim. Required.</summary>
    public string? Username { get; set; }

    /// <summary>The <c>aud</c> claim.</summary>
    /// <value>The default (<see langword="null"/>) derives it from <see cref="LoginUrl"/>: <c>https://test.salesforce.com</c>
    /// for sandbox hosts (<c>test.salesforce.com</c>, <c>*.sandbox.my.salesforce.com</c>, <c>*.scratch.my.salesforce.com</c>),
    /// the site URL for Experience Cloud sites (<c>*.my.site.com</c>, <c>*.force.com</c>), the login URL itself for hosts that
    /// are not Salesforce's (such as the emulator), and <c>https://login.salesforce.com</c> otherwise. Set it explicitly
    /// for GovCloud, or to the My Domain URL for External Client Apps that reject the generic audiences.</value>
    public string? Audience { get; set; }

    /// <summary>How long each signed assertion is valid (its <c>exp</c> claim).</summary>
    /// <value>The default is 3 minutes, the most Salesforce documents; allowed: 10 seconds to 3 minutes.</value>
    public TimeSpan AssertionLifetime { get; set; } = MaxAssertionLifetime;

    /// <summary>Whether to sign a new assertion against Salesforce's clock when it reports the assertion expired
    /// and its <c>Date</c> header shows this machine's clock is behind.</summary>
    /// <value>The default is <see langword="true"/>: one corrected retry, and a warning in the log.</value>
    public bool CorrectClockSkew { get; set; } = true;

    /// <summary>How many times a login is tried again after a transient failure at the token endpoint: HTTP 500, 502, 503
    /// or 504, a dropped or refused connection, or no answer within 10 seconds. Refusals (400, 401, 403, such as
    /// <c>invalid_grant</c>) are never tried again. Each attempt signs a new assertion.</summary>
    /// <value>The default is 3 (at most 4 attempts); 0 turns retries off; allowed: 0 to 10. Backoff is exponential with
    /// jitter: about 1, 2 and 4 seconds, never more than 8 seconds between attempts.</value>
    public int MaxLoginRetries { get; set; } = 3;

    /// <summary>How long after the first attempt a login may still be tried again: no retry starts whose backoff would
    /// end later.</summary>
    /// <value>The default is 20 seconds, within the lease a Lambda container holds while it logs in for the fleet;
    /// allowed: 0 to 2 minutes.</value>
    public TimeSpan MaxLoginRetryDuration { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Lists every problem with these settings, each with its fix; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate() => [.. Problems().Select(p => p.ToString())];

    /// <summary>The problems of <see cref="Validate"/>, each naming its property, so hosts can name their own setting instead.</summary>
    internal List<OptionProblem> Problems()
    {
        var errors = new List<OptionProblem>();
        if (string.IsNullOrWhiteSpace(ConsumerKey))
        {
            errors.Add(new("ConsumerKey", "is required", "copy the Consumer Key from Setup > App Manager > your app > View > Manage Consumer Details."));
        }

        if (string.IsNullOrWhiteSpace(Username))
        {
            errors.Add(new("Username", "is required", "the username of the Salesforce integration user, such as integration@example.com."));
        }
        else if (!Username.Contains('@', StringComparison.Ordinal) || Username.Trim() != Username)
        {
            errors.Add(new("Username", $"'{Username}' is not a Salesforce username", $"they have the form of an email address (name@domain), without spaces."));
        }

        ValidateLoginUrl(LoginUrl, errors);

        if (Audience is { } audience && string.IsNullOrWhiteSpace(audience))
        {
            errors.Add(new("Audience", "is empty", "leave it unset to derive it from LoginUrl, or set a URL such as https://login.salesforce.com."));
        }

        if (AssertionLifetime < TimeSpan.FromSeconds(10) || AssertionLifetime > MaxAssertionLifetime)
        {
            errors.Add(new("AssertionLifetime", $"{AssertionLifetime} is out of range", $"use 10 seconds to 3 minutes (Salesforce documents 'within 3 minutes')."));
        }

        if (MaxLoginRetries is < 0 or > 10)
        {
            errors.Add(new("MaxLoginRetries", $"{MaxLoginRetries} is out of range", $"use 0 (no retries) to 10."));
        }

        if (MaxLoginRetryDuration < TimeSpan.Zero || MaxLoginRetryDuration > TimeSpan.FromMinutes(2))
        {
            errors.Add(new("MaxLoginRetryDuration", $"{MaxLoginRetryDuration} is out of range", $"use 0 to 2 minutes."));
        }

        return errors;
    }

    /// <summary>The audience the credential sends: <see cref="Audience"/> when set, else derived from <see cref="LoginUrl"/>.</summary>
    public string ResolveAudience() => Audience ?? LoginAudience.Default(LoginUrl);

    private static void ValidateLoginUrl(Uri? loginUrl, List<OptionProblem> errors)
    {
        if (loginUrl is null)
        {
            errors.Add(new("LoginUrl", "is required", "https://login.salesforce.com for production, https://test.salesforce.com for sandboxes, or your My Domain URL."));
            return;
        }

        if (!loginUrl.IsAbsoluteUri)
        {
            errors.Add(new("LoginUrl", $"'{loginUrl}' is not an absolute URL", $"write it with its scheme, such as https://login.salesforce.com."));
            return;
        }

        if (!TransportSecurity.IsAllowed(loginUrl))
        {
            errors.Add(new("LoginUrl", $"'{loginUrl}' must use https (plain http is allowed only for a local emulator on 127.0.0.1 or localhost).", ""));
        }

        if (loginUrl.Host.EndsWith(".lightning.force.com", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new("LoginUrl", $"'{loginUrl}' is a Lightning URL, which has no OAuth endpoint", $"use the My Domain URL instead (https://<mydomain>.my.salesforce.com; Setup > My Domain shows it)."));
        }

        if (!string.IsNullOrEmpty(loginUrl.Query) || !string.IsNullOrEmpty(loginUrl.Fragment))
        {
            errors.Add(new("LoginUrl", $"'{loginUrl}' has a query or fragment", $"give only the scheme, host and (for Experience Cloud sites) the site path."));
        }

        if (loginUrl.AbsolutePath.Contains("/services/", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new("LoginUrl", $"'{loginUrl}' includes a path under /services/", $"give only the host, such as https://login.salesforce.com; Forcelink adds /services/oauth2/token."));
        }
    }
}
