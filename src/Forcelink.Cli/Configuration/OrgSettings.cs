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

    /// <summary><c>jwt</c> (the default when null) or <c>client_credentials</c>, as written.</summary>
    public string? Auth { get; init; }

    public string? LoginUrl { get; init; }

    public string? ConsumerKey { get; init; }

    public string? Username { get; init; }

    public string? Audience { get; init; }

    public string? ApiVersion { get; init; }

    public string? PrivateKey { get; init; }

    public string? PrivateKeyFile { get; init; }

    public string? PrivateKeyPassphrase { get; init; }

    public string? CertificateFile { get; init; }

    public string? ClientSecret { get; init; }

    public string? ClientSecretFile { get; init; }

    /// <summary><c>true</c> or <c>false</c>, as written.</summary>
    public string? ClientSecretInBody { get; init; }

    /// <summary>The function's AWS client secret setting when one is set (variable and value), to explain how to fetch the secret.</summary>
    public (string Variable, string Value)? AwsClientSecretSource { get; init; }

    /// <summary>True for <c>client_credentials</c>; anything but that and <c>jwt</c> is reported by <see cref="Validate"/>.</summary>
    public bool IsClientCredentials => string.Equals(Auth, "client_credentials", StringComparison.OrdinalIgnoreCase);

    public string? Policy { get; init; }

    /// <summary>The function's AWS key setting when one is set (variable and value), to explain how to fetch the key.</summary>
    public (string Variable, string Value)? AwsKeySource { get; init; }

    public string Name(string variable, string profileKey) => FromEnvironment ? variable : $"\"{profileKey}\"";

    /// <summary>Every problem with these settings, each with its fix; empty when they can be used to log in.</summary>
    public IReadOnlyList<string> Validate()
    {
        if (Auth is not null && !IsClientCredentials && !string.Equals(Auth, "jwt", StringComparison.OrdinalIgnoreCase))
        {
            return [$"{Name(EnvironmentVariables.Auth, "auth")} '{Auth}' is not a login flow: use jwt (the default: a private key signs an assertion for a user) " +
                "or client_credentials (a consumer secret; the token is for the app's Run As user)."];
        }

        return IsClientCredentials ? ValidateClientCredentials() : ValidateJwt();
    }

    private List<string> ValidateJwt()
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

        errors.AddRange(OtherFlow(
            [(ClientSecret, EnvironmentVariables.ClientSecret, "clientSecret"), (ClientSecretFile, EnvironmentVariables.ClientSecretFile, "clientSecretFile"),
                (ClientSecretInBody, EnvironmentVariables.ClientSecretInBody, "clientSecretInBody")],
            "the client credentials flow (auth client_credentials)",
            $"with {Name(EnvironmentVariables.Auth, "auth")} jwt (the default) remove it, or set {Name(EnvironmentVariables.Auth, "auth")} to client_credentials"));
        ValidateCommon(errors);
        return errors;
    }

    private List<string> ValidateClientCredentials()
    {
        var errors = new List<string>();
        Uri? loginUrl = null;
        if (string.IsNullOrWhiteSpace(LoginUrl))
        {
            errors.Add($"{Name(EnvironmentVariables.LoginUrl, "loginUrl")} is not set: the client credentials flow works only on the org's My Domain; " +
                "use your My Domain URL, https://<mydomain>.my.salesforce.com (Setup > My Domain shows it).");
        }
        else if (!Uri.TryCreate(LoginUrl, UriKind.Absolute, out loginUrl))
        {
            errors.Add($"{Name(EnvironmentVariables.LoginUrl, "loginUrl")} '{LoginUrl}' is not an absolute URL: use your My Domain URL, such as https://example.my.salesforce.com.");
        }

        // The secret is read when connecting (it may live in a file); only whether it is configured is checked here.
        var options = new ClientCredentialsCredentialOptions { LoginUrl = loginUrl, ConsumerKey = ConsumerKey, ConsumerSecret = "read-when-connecting" };
        foreach (var error in options.Validate().Where(e => loginUrl is not null || !e.StartsWith("LoginUrl ", StringComparison.Ordinal)))
        {
            errors.Add(Rename(error));
        }

        if (ClientSecret is null && ClientSecretFile is null)
        {
            errors.Add($"No client secret: set {Name(EnvironmentVariables.ClientSecretFile, "clientSecretFile")} to a file holding the app's Consumer Secret " +
                $"(or {Name(EnvironmentVariables.ClientSecret, "clientSecret")} to the secret itself): Setup > App Manager > your app > View > Manage Consumer Details." +
                AwsSecretHint());
        }
        else if (ClientSecret is not null && ClientSecretFile is not null)
        {
            errors.Add($"Both {Name(EnvironmentVariables.ClientSecret, "clientSecret")} and {Name(EnvironmentVariables.ClientSecretFile, "clientSecretFile")} are set: keep only one.");
        }

        if (ClientSecretInBody is not null && !bool.TryParse(ClientSecretInBody, out _))
        {
            errors.Add($"{Name(EnvironmentVariables.ClientSecretInBody, "clientSecretInBody")} '{ClientSecretInBody}' is not true or false: leave it unset (or true) to send the consumer key and secret " +
                "as form fields, false for HTTP Basic.");
        }

        errors.AddRange(OtherFlow(
            [(Username, EnvironmentVariables.Username, "username"), (Audience, EnvironmentVariables.Audience, "audience"),
                (PrivateKey, EnvironmentVariables.PrivateKey, "privateKey"), (PrivateKeyFile, EnvironmentVariables.PrivateKeyFile, "privateKeyFile"),
                (CertificateFile, EnvironmentVariables.CertificateFile, "certificateFile")],
            "the JWT bearer flow (auth jwt)",
            $"with {Name(EnvironmentVariables.Auth, "auth")} client_credentials the token is for the app's Run As user and no key signs anything; " +
            $"remove it, or set {Name(EnvironmentVariables.Auth, "auth")} to jwt"));
        ValidateCommon(errors);
        return errors;
    }

    /// <summary>The consumer key and secret as library options; the secret is read by the caller.</summary>
    public ClientCredentialsCredentialOptions ToClientCredentialsOptions(string consumerSecret) => new()
    {
        LoginUrl = new Uri(LoginUrl!),
        ConsumerKey = ConsumerKey,
        ConsumerSecret = consumerSecret,
        SendCredentialsInBody = !bool.TryParse(ClientSecretInBody, out var inBody) || inBody,
    };

    private IEnumerable<string> OtherFlow((string? Value, string Variable, string ProfileKey)[] settings, string flow, string fix) =>
        settings.Where(s => s.Value is not null).Select(s => $"{Name(s.Variable, s.ProfileKey)} belongs to {flow}: {fix}.");

    private void ValidateCommon(List<string> errors)
    {
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

    private string AwsSecretHint() => AwsClientSecretSource switch
    {
        (EnvironmentVariables.ClientSecretSecretId, var secret) =>
            $" {EnvironmentVariables.ClientSecretSecretId} is the function's setting; the CLI does not read AWS. Fetch the secret once with " +
            $"'aws secretsmanager get-secret-value --secret-id {secret} --query SecretString --output text > client.secret' and point {EnvironmentVariables.ClientSecretFile} at it.",
        (var variable, var parameter) =>
            $" {variable} is the function's setting; the CLI does not read AWS. Fetch the secret once with " +
            $"'aws ssm get-parameter --name {parameter} --with-decryption --query Parameter.Value --output text > client.secret' and point {EnvironmentVariables.ClientSecretFile} at it.",
        null => "",
    };

    // The library names its properties; the user set variables or profile keys.
    private string Rename(string error) => error
        .Replace("ConsumerKey is required", $"{Name(EnvironmentVariables.ConsumerKey, "consumerKey")} is not set", StringComparison.Ordinal)
        .Replace("Username is required", $"{Name(EnvironmentVariables.Username, "username")} is not set", StringComparison.Ordinal)
        .Replace("LoginUrl", Name(EnvironmentVariables.LoginUrl, "loginUrl"), StringComparison.Ordinal)
        .Replace("Audience is empty", $"{Name(EnvironmentVariables.Audience, "audience")} is empty", StringComparison.Ordinal);
}
