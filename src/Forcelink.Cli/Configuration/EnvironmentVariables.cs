namespace Forcelink.Cli.Configuration;

/// <summary>The variables only the CLI reads; the org settings it shares with the function are <see cref="Forcelink.Configuration.SettingNames"/>.</summary>
internal static class EnvironmentVariables
{
    public const string ConfigFile = "FORCELINK_CONFIG";
    public const string EmulatorHome = "FORCELINK_EMULATOR_HOME";
}
