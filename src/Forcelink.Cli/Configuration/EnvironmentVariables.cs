namespace Forcelink.Cli.Configuration;

/// <summary>The variables the CLI reads: the Lambda's own, so one set of settings serves both.</summary>
internal static class EnvironmentVariables
{
    public const string LoginUrl = "FORCELINK_LOGIN_URL";
    public const string ConsumerKey = "FORCELINK_CONSUMER_KEY";
    public const string Username = "FORCELINK_USERNAME";
    public const string Audience = "FORCELINK_AUDIENCE";
    public const string ApiVersion = "FORCELINK_API_VERSION";
    public const string PrivateKey = "FORCELINK_PRIVATE_KEY";
    public const string PrivateKeyFile = "FORCELINK_PRIVATE_KEY_FILE";
    public const string PrivateKeyPassphrase = "FORCELINK_PRIVATE_KEY_PASSPHRASE";
    public const string Auth = "FORCELINK_AUTH";
    public const string ClientSecret = "FORCELINK_CLIENT_SECRET";
    public const string ClientSecretFile = "FORCELINK_CLIENT_SECRET_FILE";
    public const string ClientSecretInBody = "FORCELINK_CLIENT_SECRET_IN_BODY";

    // The function's AWS key sources: the CLI does not read AWS, but says how to get the key from them.
    public const string PrivateKeySecretId = "FORCELINK_PRIVATE_KEY_SECRET_ID";
    public const string PrivateKeyParameter = "FORCELINK_PRIVATE_KEY_PARAMETER";
    public const string ClientSecretSecretId = "FORCELINK_CLIENT_SECRET_SECRET_ID";
    public const string ClientSecretParameter = "FORCELINK_CLIENT_SECRET_PARAMETER";
    public const string CertificateFile = "FORCELINK_CERTIFICATE_FILE";
    public const string Policy = "FORCELINK_POLICY";
    public const string ConfigFile = "FORCELINK_CONFIG";
    public const string EmulatorHome = "FORCELINK_EMULATOR_HOME";
}
