using System.Text.Json;
using System.Text.Json.Nodes;

namespace Forcelink.Cli.Configuration;

/// <summary>
/// Finds the settings for a command: the FORCELINK_* variables when no <c>--org</c> is given, else the named profile
/// of the config file (<c>$FORCELINK_CONFIG</c> or <c>~/.config/forcelink/config.json</c>), or the built-in <c>emulator</c>.
/// </summary>
internal static class OrgSettingsReader
{
    private static readonly string[] ProfileKeys =
        ["auth", "loginUrl", "consumerKey", "username", "audience", "apiVersion", "privateKey", "privateKeyFile", "privateKeyPassphrase", "certificateFile", "policy",
            "clientSecret", "clientSecretFile", "clientSecretInBody"];

    public static string ConfigPath(CliContext context) =>
        context.Variable(EnvironmentVariables.ConfigFile) is { } path
            ? context.ResolvePath(path)
            : Path.Combine(context.HomeDirectory, ".config", "forcelink", "config.json");

    /// <summary>Reads the settings, or throws a <see cref="CliException"/> listing every problem with its fix.</summary>
    public static async Task<OrgSettings> ReadValidAsync(CliContext context, string? org, CancellationToken cancellationToken = default)
    {
        var settings = await ReadAsync(context, org, cancellationToken);
        var errors = settings.Validate();
        if (errors.Count > 0)
        {
            throw new CliException(ExitCodes.ConfigInvalid, Describe(settings, errors));
        }

        return settings;
    }

    public static string Describe(OrgSettings settings, IReadOnlyList<string> errors) =>
        $"the configuration ({settings.Source}) has {errors.Count} problem{(errors.Count == 1 ? "" : "s")}:{Environment.NewLine}" +
        string.Join(Environment.NewLine, errors.Select(e => $"  - {e}"));

    /// <summary>Reads the settings without validating them (doctor reports the problems as a check).</summary>
    public static async Task<OrgSettings> ReadAsync(CliContext context, string? org, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(org))
        {
            return FromEnvironment(context);
        }

        var path = ConfigPath(context);
        JsonObject? profile = null;
        if (File.Exists(path))
        {
            profile = await ReadProfileAsync(path, org, cancellationToken);
        }

        if (profile is null)
        {
            if (string.Equals(org, EmulatorProfile.Name, StringComparison.OrdinalIgnoreCase))
            {
                return EmulatorProfile.Settings(context);
            }

            throw new CliException(
                ExitCodes.ConfigInvalid,
                File.Exists(path)
                    ? $"there is no profile '{org}' in {path}: add it under \"profiles\", or omit --org to use the FORCELINK_* environment variables."
                    : $"there is no config file {path} for --org {org}: create it (see docs/cli.md, 'Configuration'), set {EnvironmentVariables.ConfigFile}, or omit --org to use the FORCELINK_* environment variables.");
        }

        return FromProfile(context, org, path, profile);
    }

    // The client credentials flow has no generic login host to default to: it needs the org's My Domain.
    private static string? DefaultLoginUrl(string? auth) =>
        string.Equals(auth, "client_credentials", StringComparison.OrdinalIgnoreCase) ? null : "https://login.salesforce.com";

    private static OrgSettings FromEnvironment(CliContext context) => new()
    {
        Source = "FORCELINK_* environment variables",
        FromEnvironment = true,
        Auth = context.Variable(EnvironmentVariables.Auth),
        LoginUrl = context.Variable(EnvironmentVariables.LoginUrl) ?? DefaultLoginUrl(context.Variable(EnvironmentVariables.Auth)),
        ConsumerKey = context.Variable(EnvironmentVariables.ConsumerKey),
        Username = context.Variable(EnvironmentVariables.Username),
        Audience = context.Variable(EnvironmentVariables.Audience),
        ApiVersion = context.Variable(EnvironmentVariables.ApiVersion),
        PrivateKey = context.Variable(EnvironmentVariables.PrivateKey),
        PrivateKeyFile = context.Variable(EnvironmentVariables.PrivateKeyFile) is { } file ? context.ResolvePath(file) : null,
        PrivateKeyPassphrase = context.Variable(EnvironmentVariables.PrivateKeyPassphrase),
        CertificateFile = context.Variable(EnvironmentVariables.CertificateFile) is { } cert ? context.ResolvePath(cert) : null,
        Policy = context.Variable(EnvironmentVariables.Policy),
        AwsKeySource = context.Variable(EnvironmentVariables.PrivateKeySecretId) is { } secret
            ? (EnvironmentVariables.PrivateKeySecretId, secret)
            : context.Variable(EnvironmentVariables.PrivateKeyParameter) is { } parameter ? (EnvironmentVariables.PrivateKeyParameter, parameter) : null,
        ClientSecret = context.Variable(EnvironmentVariables.ClientSecret),
        ClientSecretFile = context.Variable(EnvironmentVariables.ClientSecretFile) is { } secretFile ? context.ResolvePath(secretFile) : null,
        ClientSecretInBody = context.Variable(EnvironmentVariables.ClientSecretInBody),
        AwsClientSecretSource = context.Variable(EnvironmentVariables.ClientSecretSecretId) is { } clientSecretId
            ? (EnvironmentVariables.ClientSecretSecretId, clientSecretId)
            : context.Variable(EnvironmentVariables.ClientSecretParameter) is { } clientSecretParameter ? (EnvironmentVariables.ClientSecretParameter, clientSecretParameter) : null,
    };

    private static async Task<JsonObject?> ReadProfileAsync(string path, string org, CancellationToken cancellationToken)
    {
        JsonNode? root;
        try
        {
            await using var stream = File.OpenRead(path);
            root = await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.ConfigInvalid, $"the config file {path} is not valid JSON: {e.Message}");
        }

        if (root?["profiles"] is not JsonObject profiles)
        {
            throw new CliException(ExitCodes.ConfigInvalid, $"the config file {path} has no \"profiles\" object: write {{\"profiles\":{{\"{org}\":{{\"loginUrl\":...}}}}}}.");
        }

        var match = profiles.FirstOrDefault(p => string.Equals(p.Key, org, StringComparison.OrdinalIgnoreCase));
        return match.Value switch
        {
            null when match.Key is null => null,
            JsonObject profile => profile,
            _ => throw new CliException(ExitCodes.ConfigInvalid, $"the profile '{org}' in {path} must be an object of settings such as {{\"loginUrl\":\"https://login.salesforce.com\"}}."),
        };
    }

    private static OrgSettings FromProfile(CliContext context, string org, string path, JsonObject profile)
    {
        var errors = new List<string>();
        foreach (var (key, value) in profile)
        {
            if (!ProfileKeys.Contains(key, StringComparer.Ordinal))
            {
                errors.Add($"\"{key}\" is not a profile setting; known: {string.Join(", ", ProfileKeys)}.");
            }
            else if (value is not JsonValue v || !v.TryGetValue<string>(out _))
            {
                errors.Add($"\"{key}\" must be a string.");
            }
        }

        if (errors.Count > 0)
        {
            throw new CliException(ExitCodes.ConfigInvalid, $"the profile '{org}' in {path} has {errors.Count} problem{(errors.Count == 1 ? "" : "s")}:{Environment.NewLine}" +
                string.Join(Environment.NewLine, errors.Select(e => $"  - {e}")));
        }

        string? Get(string key) => profile[key]?.GetValue<string>() is { Length: > 0 } s ? s : null;
        var directory = Path.GetDirectoryName(path)!;
        string? FilePath(string key) => Get(key) is { } p
            ? Path.GetFullPath(p.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(context.HomeDirectory, p[2..]) : p, directory)
            : null;

        return new OrgSettings
        {
            Source = $"profile '{org}' in {path}",
            Auth = Get("auth"),
            LoginUrl = Get("loginUrl") ?? DefaultLoginUrl(Get("auth")),
            ConsumerKey = Get("consumerKey"),
            Username = Get("username"),
            Audience = Get("audience"),
            ApiVersion = Get("apiVersion"),
            PrivateKey = Get("privateKey"),
            PrivateKeyFile = FilePath("privateKeyFile"),
            // A passphrase does not belong in a file: the profile may name it, else the variable supplies it.
            PrivateKeyPassphrase = Get("privateKeyPassphrase") ?? context.Variable(EnvironmentVariables.PrivateKeyPassphrase),
            CertificateFile = FilePath("certificateFile"),
            Policy = Get("policy"),
            ClientSecret = Get("clientSecret"),
            ClientSecretFile = FilePath("clientSecretFile"),
            ClientSecretInBody = Get("clientSecretInBody"),
        };
    }
}
