namespace Forcelink.Aws;

/// <summary>AWS credentials that sign requests, such as the execution role's as Lambda hands them to a function
/// (<c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>). <see cref="ToString"/> shows the key id only.</summary>
/// <param name="AccessKeyId">The access key id.</param>
/// <param name="SecretAccessKey">The secret access key; never logged.</param>
/// <param name="SessionToken">The session token of temporary credentials, or <see langword="null"/>; never logged.</param>
public sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    internal const string AccessKeyIdVariable = "AWS_ACCESS_KEY_ID";
    internal const string SecretAccessKeyVariable = "AWS_SECRET_ACCESS_KEY";
    internal const string SessionTokenVariable = "AWS_SESSION_TOKEN";

    /// <summary>The credentials in <c>AWS_ACCESS_KEY_ID</c>, <c>AWS_SECRET_ACCESS_KEY</c> and <c>AWS_SESSION_TOKEN</c>,
    /// or <see langword="null"/> when the key id or secret is missing.</summary>
    /// <param name="getVariable">Reads a variable, such as <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    public static AwsCredentials? FromEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        var keyId = getVariable(AccessKeyIdVariable);
        var secret = getVariable(SecretAccessKeyVariable);
        return string.IsNullOrWhiteSpace(keyId) || string.IsNullOrWhiteSpace(secret)
            ? null
            : new AwsCredentials(keyId.Trim(), secret.Trim(), getVariable(SessionTokenVariable) is { Length: > 0 } token ? token : null);
    }

    /// <summary>Names the key id only: the secret and the session token never appear in logs or exception messages.</summary>
    /// <returns><c>AwsCredentials { AccessKeyId = ... }</c>.</returns>
    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId} }}";
}
