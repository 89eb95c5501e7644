using Forcelink.Configuration;

namespace Forcelink.Cli.Configuration;

/// <summary>
/// The settings of one org as the library's one reader (<see cref="ForcelinkSettings"/>) makes of them, from the
/// environment or a profile, with every problem it found; the CLI adds only where they came from.
/// </summary>
internal sealed record OrgSettings
{
    /// <summary>Where these settings came from, for messages: "environment variables", "profile 'prod' in ...".</summary>
    public required string Source { get; init; }

    /// <summary>True when read from FORCELINK_* variables, so fixes name the variables rather than profile keys.</summary>
    public bool FromEnvironment { get; init; }

    public required ForcelinkSettings Values { get; init; }

    /// <summary>Every problem the reader found, each with its fix; empty when the settings can be used (by the CLI and the function alike).</summary>
    public required IReadOnlyList<SettingError> Errors { get; init; }

    public bool IsClientCredentials => Values.Flow == AuthFlow.ClientCredentials;

    public Uri? LoginUrl => Values.LoginUrl;

    public string? Username => Values.Username;

    /// <summary>Reads settings through <paramref name="value"/>, keyed by <see cref="SettingNames"/>; file paths must be resolved already.</summary>
    public static OrgSettings Read(string source, bool fromEnvironment, Func<string, string?> value)
    {
        var errors = new List<SettingError>();
        string Name(string variable) => fromEnvironment ? variable : ProfileName(variable);
        var values = ForcelinkSettings.Read(value, errors, Name);
        return new OrgSettings { Source = source, FromEnvironment = fromEnvironment, Values = values, Errors = errors };
    }

    /// <summary>Settings given in code (the demo, the built-in emulator profile), named by their variables.</summary>
    public static OrgSettings Of(string source, IReadOnlyDictionary<string, string?> values) =>
        Read(source, fromEnvironment: false, name => values.GetValueOrDefault(name));

    public static string ProfileName(string variable) => $"\"{SettingNames.ProfileKey(variable)}\"";

    /// <summary>The setting as the user wrote it: the variable, or the profile key.</summary>
    public string Name(string variable) => FromEnvironment ? variable : ProfileName(variable);

    public IReadOnlyList<string> Validate() => [.. Errors.Select(e => e.ToString())];
}
