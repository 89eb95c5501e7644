namespace Forcelink.Lambda.Configuration;

/// <summary>The environment variables only the function reads; the settings it shares with the CLI are <see cref="Forcelink.Configuration.SettingNames"/>.</summary>
internal static class EnvironmentVariables
{
    public const string TokenTable = "FORCELINK_TOKEN_TABLE";
    public const string TokenKmsKeyId = "FORCELINK_TOKEN_KMS_KEY_ID";
    public const string IdempotencyTable = "FORCELINK_IDEMPOTENCY_TABLE";
    public const string FailureQueueUrl = "FORCELINK_FAILURE_QUEUE_URL";

    public const string RuntimeApi = "AWS_LAMBDA_RUNTIME_API";
    public const string FunctionName = "AWS_LAMBDA_FUNCTION_NAME";
    public const string RunOnce = "AWS_LAMBDA_DOTNET_DEBUG_RUN_ONCE";
    public const string SessionToken = "AWS_SESSION_TOKEN";
    public const string Region = "AWS_REGION";
    public const string DefaultRegion = "AWS_DEFAULT_REGION";
    public const string ExtensionPort = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT";
}
