namespace Forcelink.Lambda.Configuration;

/// <summary>The names of the environment variables the function reads.</summary>
internal static class EnvironmentVariables
{
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
    public const string CertificateWarningDays = "FORCELINK_CERTIFICATE_WARNING_DAYS";
    public const string Auth = "FORCELINK_AUTH";
    public const string ClientSecret = "FORCELINK_CLIENT_SECRET";
    public const string ClientSecretFile = "FORCELINK_CLIENT_SECRET_FILE";
    public const string ClientSecretSecretId = "FORCELINK_CLIENT_SECRET_SECRET_ID";
    public const string ClientSecretParameter = "FORCELINK_CLIENT_SECRET_PARAMETER";
    public const string ClientSecretInBody = "FORCELINK_CLIENT_SECRET_IN_BODY";
    public const string Policy = "FORCELINK_POLICY";
    public const string TokenTable = "FORCELINK_TOKEN_TABLE";
    public const string TokenKmsKeyId = "FORCELINK_TOKEN_KMS_KEY_ID";
    public const string IdempotencyTable = "FORCELINK_IDEMPOTENCY_TABLE";
    public const string IdempotencyFields = "FORCELINK_IDEMPOTENCY_FIELDS";
    public const string FailureQueueUrl = "FORCELINK_FAILURE_QUEUE_URL";

    public const string RuntimeApi = "AWS_LAMBDA_RUNTIME_API";
    public const string FunctionName = "AWS_LAMBDA_FUNCTION_NAME";
    public const string RunOnce = "AWS_LAMBDA_DOTNET_DEBUG_RUN_ONCE";
    public const string SessionToken = "AWS_SESSION_TOKEN";
    public const string Region = "AWS_REGION";
    public const string DefaultRegion = "AWS_DEFAULT_REGION";
    public const string ExtensionPort = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT";
}
