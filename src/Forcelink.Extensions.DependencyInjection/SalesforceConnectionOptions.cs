using Forcelink.Authentication;

namespace Forcelink.Extensions.DependencyInjection;

/// <summary>
/// One org connection registered with <c>services.AddSalesforceClient(...)</c>: who logs in, how, and the client's
/// settings. Bound from a configuration section (property names as keys, such as <c>Salesforce:ConsumerKey</c>) or set
/// in a delegate, and validated when the host starts (or, without a host, when the client is first resolved), every
/// problem reported together.
/// </summary>
/// <remarks>
/// The flow follows what is set: <see cref="PrivateKey"/> or <see cref="PrivateKeyFile"/> logs in with the JWT bearer
/// flow as <see cref="Username"/>; <see cref="ClientSecret"/> with the client credentials flow (the app's Run As user).
/// A <see cref="SalesforceCredential"/> registered in the container (keyed by the client's name, or not keyed for the
/// default client) replaces both, so a key read from Secrets Manager or a fleet-wide shared token can be used.
/// </remarks>
public sealed class SalesforceConnectionOptions
{
    /// <summary>The login host.</summary>
    /// <value>The default is <c>https://login.salesforce.com</c>; <c>https://test.salesforce.com</c> for sandboxes, or the
    /// org's My Domain URL (required for the client credentials flow).</value>
    public Uri LoginUrl { get; set; } = new("https://login.salesforce.com");

    /// <summary>The connected app's Consumer Key. Required unless a credential is registered.</summary>
    public string? ConsumerKey { get; set; }

    /// <summary>The integration user's username, for the JWT bearer flow.</summary>
    public string? Username { get; set; }

    /// <summary>The PEM text of the JWT signing key (<c>server.key</c>); for example from a secret store's configuration provider.
    /// Never logged.</summary>
    public string? PrivateKey { get; set; }

    /// <summary>The path of the PEM file of the JWT signing key, read when the client is created.</summary>
    public string? PrivateKeyFile { get; set; }

    /// <summary>The passphrase of an encrypted key; by default none.</summary>
    public string? PrivateKeyPassphrase { get; set; }

    /// <summary>The connected app's Consumer Secret, for the client credentials flow. Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The JWT <c>aud</c> claim; by default derived from <see cref="LoginUrl"/> (see <see cref="JwtBearerCredentialOptions.Audience"/>).</summary>
    public string? Audience { get; set; }

    /// <summary>The REST API version, such as <c>62.0</c>; by default the newest the org offers.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>How long a token is used; by default 2 hours (see <see cref="SalesforceClientOptions.TokenLifetime"/>).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How long before its end a token is renewed; by default 5 minutes.</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Retries of a transient failure; by default 3, allowed 0 to 10.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>How long one request may take; by default 120 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The share of the org's daily API requests above which calls are refused; by default none.</summary>
    public double? MaxApiUsageShare { get; set; }

    internal bool UsesJwt => PrivateKey is not null || PrivateKeyFile is not null;

    internal JwtBearerCredentialOptions ToJwtOptions() => new()
    {
        LoginUrl = LoginUrl,
        ConsumerKey = ConsumerKey,
        Username = Username,
        Audience = Audience,
    };

    internal ClientCredentialsCredentialOptions ToClientCredentialsOptions() => new()
    {
        LoginUrl = LoginUrl,
        ConsumerKey = ConsumerKey,
        ConsumerSecret = ClientSecret,
    };

    internal SalesforceClientOptions ToClientOptions() => new()
    {
        ApiVersion = ApiVersion,
        TokenLifetime = TokenLifetime,
        TokenRefreshMargin = TokenRefreshMargin,
        MaxRetries = MaxRetries,
        RequestTimeout = RequestTimeout,
        MaxApiUsageShare = MaxApiUsageShare,
    };

    /// <summary>Every problem of these settings, each with its fix; empty when they are valid.</summary>
    /// <param name="credentialRegistered">Whether a <see cref="SalesforceCredential"/> is registered for the client, so no login settings are needed.</param>
    internal List<string> Validate(bool credentialRegistered)
    {
        var errors = new List<string>();
        if (LoginUrl is null)
        {
            errors.Add("LoginUrl is required: https://login.salesforce.com, https://test.salesforce.com or the org's My Domain URL.");
        }

        if (!credentialRegistered)
        {
            var sources = (PrivateKey is null ? 0 : 1) + (PrivateKeyFile is null ? 0 : 1) + (ClientSecret is null ? 0 : 1);
            if (sources == 0)
            {
                errors.Add("PrivateKey, PrivateKeyFile or ClientSecret is required: the signing key for the JWT bearer flow, or the Consumer Secret for the client credentials flow.");
            }
            else if (sources > 1)
            {
                errors.Add("set only one of PrivateKey, PrivateKeyFile and ClientSecret: they name different logins.");
            }

            if (PrivateKeyFile is { } file && !File.Exists(file))
            {
                errors.Add($"PrivateKeyFile '{file}' does not exist: give the path of server.key, or set PrivateKey to its PEM text.");
            }

            if (LoginUrl is not null)
            {
                errors.AddRange(UsesJwt ? ToJwtOptions().Validate() : ClientSecret is not null ? ToClientCredentialsOptions().Validate() : []);
            }
        }

        errors.AddRange(ToClientOptions().Validate());
        return errors;
    }
}
