using Forcelink.Authentication;
using Forcelink.Operations;

namespace Forcelink.Cli.Configuration;

/// <summary>Where and as whom to log in, as read from the environment or a profile; not yet validated.</summary>
internal sealed record OrgSettings
{
    /// <summary>Where these settings came from, for messages: "environment variables", "profile 'prod' in ...".</summary>
    public required string Source { get; init; }

    /// <summary>True when read from FORCELINK_* variables, so fixes name the variables rather than profile keys.</summary>
    public bool FromEnvironment { get; init; }

    public string? LoginUrl { get; init; }

    public string? ConsumerKey { get; init; }

    public string? Username { get; init; }

    public string? Audience { get; init; }

    public string? ApiVersion { get; init; }

    public string? PrivateKey { get; init; }

    public string? PrivateKeyFile { get; init; }

    public string? PrivateKeyPassphrase { get; init; }

    public string? CertificateFile { get; init; }

    public string? Policy { get; init; }

    /// <summary>The function's AWS key setting when one is set (variable and value), to explain how to fetch the key.</summary>
    public (string Variable, string Value)? AwsKeySource { get; init; }

    public string Name(string variable, string profileKey) => FromEnvironment ? variable : $"\"{profileKey}\"";

    /// <summary>Every problem with these settings, each with its fix; empty when they can be used to log in.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var options = new JwtBearerCredentialOptions { ConsumerKey = ConsumerKey, Username = Username, Audience = Audience };
        if (string.IsNullOrWhiteSpace(LoginUrl))
        {
            errors.Add($"{Name(EnvironmentVariables.LoginUrl, "loginUrl")} is not set: use https://login.salesforce.com (production), https://test.salesforce.com (sandbox) or your My Domain URL.");
        }
        else if (!Uri.TryCreate(LoginUrl, UriKind.Absolute, out var loginUrl))
        {
            errors.Add($"{Name(EnvironmentVariables.LoginUrl, "loginUrl")} '{LoginUrl}' is not an absolute URL: write it with its scheme, such as https://login.salesforce.com.");
        }
        else
        {
            options.LoginUrl = loginUrl;
        }

        foreach (var error in options.Validate())
        {
            errors.Add(Rename(error));
        }

        if (PrivateKey is null && PrivateKeyFile is null)
        {
            errors.Add($"No private key: set {Name(EnvironmentVariables.PrivateKeyFile, "privateKeyFile")} to the path of server.key " +
                $"(or {Name(EnvironmentVariables.PrivateKey, "privateKey")} to its PEM text). 'forcelink keygen' creates a key and certificate." +
                AwsKeyHint());
        }
        else if (PrivateKey is not null && PrivateKeyFile is not null)
        {
            errors.Add($"Both {Name(EnvironmentVariables.PrivateKey, "privateKey")} and {Name(EnvironmentVariables.PrivateKeyFile, "privateKeyFile")} are set: keep only one.");
        }

        if (ApiVersion is not null && !System.Text.RegularExpressions.Regex.IsMatch(ApiVersion, @"^\d{2,3}\.0$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            errors.Add($"{Name(EnvironmentVariables.ApiVersion, "apiVersion")} '{ApiVersion}' is not an API version: write it as 62.0 (no 'v').");
        }

        if (Policy is not null)
        {
            try
            {
                OperationPolicy.Parse(Policy);
            }
            catch (ArgumentException e)
            {
                errors.Add($"{Name(EnvironmentVariables.Policy, "policy")} is not a valid policy: {CliException.MessageOf(e)} Leave it unset to allow Lead and Case with their standard fields.");
            }
        }

        return errors;
    }

    public JwtBearerCredentialOptions ToCredentialOptions() => new()
    {
        LoginUrl = new Uri(LoginUrl!),
        ConsumerKey = ConsumerKey,
        Username = Username,
        Audience = Audience,
    };

    private string AwsKeyHint() => AwsKeySource switch
    {
        (EnvironmentVariables.PrivateKeySecretId, var secret) =>
            $" {EnvironmentVariables.PrivateKeySecretId} is the function's setting; the CLI does not read AWS. Fetch the key once with " +
            $"'aws secretsmanager get-secret-value --secret-id {secret} --query SecretString --output text > server.key' and point {EnvironmentVariables.PrivateKeyFile} at it.",
        (var variable, var parameter) =>
            $" {variable} is the function's setting; the CLI does not read AWS. Fetch the key once with " +
            $"'aws ssm get-parameter --name {parameter} --with-decryption --query Parameter.Value --output text > server.key' and point {EnvironmentVariables.PrivateKeyFile} at it.",
        null => "",
    };

    // The library names its properties; the user set variables or profile keys.
    private string Rename(string error) => error
        .Replace("ConsumerKey is required", $"{Name(EnvironmentVariables.ConsumerKey, "consumerKey")} is not set", StringComparison.Ordinal)
        .Replace("Username is required", $"{Name(EnvironmentVariables.Username, "username")} is not set", StringComparison.Ordinal)
        .Replace("LoginUrl", Name(EnvironmentVariables.LoginUrl, "loginUrl"), StringComparison.Ordinal)
        .Replace("Audience is empty", $"{Name(EnvironmentVariables.Audience, "audience")} is empty", StringComparison.Ordinal);
}
