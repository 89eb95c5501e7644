namespace Forcelink.Aws;

/// <summary>The execution role's credentials as Lambda hands them to the function (<c>AWS_ACCESS_KEY_ID</c>, ...).</summary>
internal sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    public const string AccessKeyIdVariable = "AWS_ACCESS_KEY_ID";
    public const string SecretAccessKeyVariable = "AWS_SECRET_ACCESS_KEY";
    public const string SessionTokenVariable = "AWS_SESSION_TOKEN";

    /// <summary>The credentials, or <see langword="null"/> when the key id or secret is missing.</summary>
    public static AwsCredentials? FromEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        var keyId = getVariable(AccessKeyIdVariable);
        var secret = getVariable(SecretAccessKeyVariable);
        return string.IsNullOrWhiteSpace(keyId) || string.IsNullOrWhiteSpace(secret)
            ? null
            : new AwsCredentials(keyId.Trim(), secret.Trim(), getVariable(SessionTokenVariable) is { Length: > 0 } token ? token : null);
    }

    // The secret and the session token never appear in logs or exception messages.
    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId} }}";
}
