using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Configuration;

namespace Forcelink.Cli.Configuration;

/// <summary>
/// Finds the settings for a command: the FORCELINK_* variables when no <c>--org</c> is given, else the named profile
/// of the config file (<c>$FORCELINK_CONFIG</c> or <c>~/.config/forcelink/config.json</c>), or the built-in <c>emulator</c>.
/// </summary>
internal static class OrgSettingsReader
{
    private static readonly string[] PathSettings = [SettingNames.PrivateKeyFile, SettingNames.ClientSecretFile, SettingNames.CertificateFile];

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

    private static OrgSettings FromEnvironment(CliContext context) =>
        OrgSettings.Read("FORCELINK_* environment variables", fromEnvironment: true, name =>
            context.Variable(name) is { } value && PathSettings.Contains(name) ? context.ResolvePath(value) : context.Variable(name));

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
        var known = SettingNames.All.ToDictionary(SettingNames.ProfileKey, StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var (key, value) in profile)
        {
            if (!known.ContainsKey(key))
            {
                errors.Add($"\"{key}\" is not a profile setting; known: {string.Join(", ", known.Keys)}.");
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

        var directory = Path.GetDirectoryName(path)!;
        string? Get(string variable)
        {
            var text = profile[SettingNames.ProfileKey(variable)]?.GetValue<string>() is { Length: > 0 } s ? s : null;
            return variable switch
            {
                // A passphrase does not belong in a file: the profile may name it, else the variable supplies it.
                SettingNames.PrivateKeyPassphrase => text ?? context.Variable(SettingNames.PrivateKeyPassphrase),
                _ when text is not null && PathSettings.Contains(variable) =>
                    Path.GetFullPath(text.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(context.HomeDirectory, text[2..]) : text, directory),
                _ => text,
            };
        }

        return OrgSettings.Read($"profile '{org}' in {path}", fromEnvironment: false, Get);
    }
}
