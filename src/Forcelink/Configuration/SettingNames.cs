namespace Forcelink.Configuration;

/// <summary>
/// The <c>FORCELINK_*</c> variables that the function and the CLI share. A CLI profile names the same settings in
/// camel case without the prefix (<c>FORCELINK_PRIVATE_KEY_FILE</c> is <c>privateKeyFile</c>): see <see cref="ProfileKey"/>.
/// </summary>
internal static class SettingNames
{
    public const string Prefix = "FORCELINK_";

    public const string Auth = "FORCELINK_AUTH";
    public const string LoginUrl = "FORCELINK_LOGIN_URL";
    public const string ConsumerKey = "FORCELINK_CONSUMER_KEY";
    public const string Username = "FORCELINK_USERNAME";
    public const string Audience = "FORCELINK_AUDIENCE";
    public const string ApiVersion = "FORCELINK_API_VERSION";
    public const string TokenLifetimeMinutes = "FORCELINK_TOKEN_LIFETIME_MINUTES";
    public const string PrivateKey = "FORCELINK_PRIVATE_KEY";
    public const string PrivateKeyFile = "FORCELINK_PRIVATE_KEY_FILE";
    public const string PrivateKeySecretId = "FORCELINK_PRIVATE_KEY_SECRET_ID";
    public const string PrivateKeyParameter = "FORCELINK_PRIVATE_KEY_PARAMETER";
    public const string PrivateKeyPassphrase = "FORCELINK_PRIVATE_KEY_PASSPHRASE";
    public const string CertificateFile = "FORCELINK_CERTIFICATE_FILE";
    public const string CertificateWarningDays = "FORCELINK_CERTIFICATE_WARNING_DAYS";
    public const string ClientSecret = "FORCELINK_CLIENT_SECRET";
    public const string ClientSecretFile = "FORCELINK_CLIENT_SECRET_FILE";
    public const string ClientSecretSecretId = "FORCELINK_CLIENT_SECRET_SECRET_ID";
    public const string ClientSecretParameter = "FORCELINK_CLIENT_SECRET_PARAMETER";
    public const string ClientSecretInBody = "FORCELINK_CLIENT_SECRET_IN_BODY";
    public const string Policy = "FORCELINK_POLICY";
    public const string IdempotencyFields = "FORCELINK_IDEMPOTENCY_FIELDS";

    /// <summary>Every shared setting, in the order messages list them.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        Auth, LoginUrl, ConsumerKey, Username, Audience, ApiVersion, TokenLifetimeMinutes, PrivateKey, PrivateKeyFile, PrivateKeySecretId,
        PrivateKeyParameter, PrivateKeyPassphrase, CertificateFile, CertificateWarningDays, ClientSecret, ClientSecretFile, ClientSecretSecretId,
        ClientSecretParameter, ClientSecretInBody, Policy, IdempotencyFields,
    ];

    /// <summary>The key of a setting in a CLI profile: <c>FORCELINK_TOKEN_LIFETIME_MINUTES</c> is <c>tokenLifetimeMinutes</c>.</summary>
    public static string ProfileKey(string variable)
    {
        var words = variable[Prefix.Length..].ToLowerInvariant().Split('_');
        return words[0] + string.Concat(words.Skip(1).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
    }
}
