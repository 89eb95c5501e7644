using Forcelink.Configuration;
namespace Forcelink.Authentication;

/// <summary>
/// Settings of <see cref="ClientCredentialsCredential"/>: which org (its My Domain) and which app (consumer key and
/// secret). Validated once when the credential is created; every problem is reported together.
/// </summary>
public sealed class ClientCredentialsCredentialOptions
{
    /// <summary>The org's My Domain URL, whose <c>/services/oauth2/token</c> receives the request. Required.</summary>
    /// <value>No default: Salesforce serves the client credentials flow only on the org's own My Domain
    /// (<c>https://example.my.salesforce.com</c>, or <c>https://example--dev.sandbox.my.salesforce.com</c> for a sandbox),
    /// never on <c>login.salesforce.com</c> or <c>test.salesforce.com</c>. Plain <c>http</c> is allowed only for a
    /// local emulator on 127.0.0.1 or localhost.</value>
    public Uri? LoginUrl { get; set; }

    /// <summary>The app's Consumer Key (client id). Required.</summary>
    public string? ConsumerKey { get; set; }

    /// <summary>The app's Consumer Secret (client secret). Required. A secret: never logged, and never part of an exception message.</summary>
    public string? ConsumerSecret { get; set; }

    /// <summary>Whether the consumer key and secret travel as <c>client_id</c> and <c>client_secret</c> form fields instead
    /// of an HTTP Basic <c>Authorization</c> header.</summary>
    /// <value>The default is <see langword="true"/>: the form fields, which is what Salesforce's own examples of this
    /// flow send and what simple-salesforce and jsforce send. <see langword="false"/> sends HTTP Basic (RFC 6749 §2.3.1),
    /// which Salesforce also advertises (<c>client_secret_basic</c>) but which some orgs and proxies have refused.</value>
    public bool SendCredentialsInBody { get; set; } = true;

    /// <summary>How many times a login is tried again after a transient failure at the token endpoint, as
    /// <see cref="JwtBearerCredentialOptions.MaxLoginRetries"/>: HTTP 500, 502, 503 or 504, a dropped or refused
    /// connection, or no answer within 10 seconds. Refusals are never tried again.</summary>
    /// <value>The default is 3 (at most 4 attempts); 0 turns retries off; allowed: 0 to 10.</value>
    public int MaxLoginRetries { get; set; } = 3;

    /// <summary>How long after the first attempt a login may still be tried again.</summary>
    /// <value>The default is 20 seconds; allowed: 0 to 2 minutes.</value>
    public TimeSpan MaxLoginRetryDuration { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Lists every problem with these settings, each with its fix; empty when they are valid. Never quotes the secret.</summary>
    public IReadOnlyList<string> Validate() => [.. Problems().Select(p => p.ToString())];

    /// <summary>The problems of <see cref="Validate"/>, each naming its property, so hosts can name their own setting instead.</summary>
    internal List<OptionProblem> Problems()
    {
        var errors = new List<OptionProblem>();
        ValidateLoginUrl(LoginUrl, errors);
        if (string.IsNullOrWhiteSpace(ConsumerKey))
        {
            errors.Add(new("ConsumerKey", "is required", "copy the Consumer Key from Setup > App Manager > your app > View > Manage Consumer Details."));
        }

        if (string.IsNullOrWhiteSpace(ConsumerSecret))
        {
            errors.Add(new("ConsumerSecret", "is required", "copy the Consumer Secret from Setup > App Manager > your app > View > Manage Consumer Details."));
        }
        else if (ConsumerSecret.Trim() != ConsumerSecret)
        {
            errors.Add(new("ConsumerSecret", $"starts or ends with white space ({ConsumerSecret.Length} characters)", $"Salesforce's secrets never do; remove it (a file holding the secret may end in a line break)."));
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

    /// <summary>Hosts of My Domains: commercial, sandbox and scratch (<c>*.my.salesforce.com</c>), Government Cloud and Alibaba Cloud.</summary>
    private static readonly string[] MyDomainSuffixes = [".my.salesforce.com", ".my.salesforce.mil", ".my.sfcrmproducts.cn"];

    private static void ValidateLoginUrl(Uri? loginUrl, List<OptionProblem> errors)
    {
        const string Fix = "use your My Domain URL, https://<mydomain>.my.salesforce.com (Setup > My Domain shows it)";
        if (loginUrl is null)
        {
            errors.Add(new("LoginUrl", $"is required", $"the client credentials flow works only on the org's My Domain; {Fix}."));
            return;
        }

        if (!loginUrl.IsAbsoluteUri)
        {
            errors.Add(new("LoginUrl", $"'{loginUrl}' is not an absolute URL", $"{Fix}."));
            return;
        }

        if (!TransportSecurity.IsAllowed(loginUrl))
        {
            errors.Add(new("LoginUrl", $"'{loginUrl}' must use https (plain http is allowed only for a local emulator on 127.0.0.1 or localhost).", ""));
        }

        var host = loginUrl.Host.ToLowerInvariant();
        if (host is "login.salesforce.com" or "test.salesforce.com")
        {
            errors.Add(new("LoginUrl", $"'{loginUrl}' is the generic login host, which refuses the client credentials flow ('request not supported on this domain')", $"{Fix}."));
        }
        else if (host.EndsWith(".lightning.force.com", StringComparison.Ordinal))
        {
            errors.Add(new("LoginUrl", $"'{loginUrl}' is a Lightning URL, which has no OAuth endpoint", $"{Fix}."));
        }
        else if (!TransportSecurity.IsLoopback(loginUrl) && !MyDomainSuffixes.Any(s => host.EndsWith(s, StringComparison.Ordinal)))
        {
            errors.Add(new("LoginUrl", $"'{loginUrl}' is not a My Domain host (*.my.salesforce.com), and the client credentials flow works only on the org's My Domain", $"{Fix}."));
        }

        if (!string.IsNullOrEmpty(loginUrl.Query) || !string.IsNullOrEmpty(loginUrl.Fragment) || loginUrl.AbsolutePath.Trim('/').Length > 0)
        {
            errors.Add(new("LoginUrl", $"'{loginUrl}' has a path, query or fragment", $"give only the scheme and host, such as https://example.my.salesforce.com; Forcelink adds /services/oauth2/token."));
        }
    }
}
