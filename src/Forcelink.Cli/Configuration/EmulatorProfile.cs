using Forcelink.Configuration;

namespace Forcelink.Cli.Configuration;

/// <summary>
/// The built-in profile <c>emulator</c>: what <c>forcelink emulator</c> sets up and <c>--org emulator</c> logs in with.
/// Fixed values, so the two agree without any file beyond the generated key.
/// </summary>
internal static class EmulatorProfile
{
    public const string Name = "emulator";
    public const int DefaultPort = Forcelink.Emulator.Hosting.EmulatorArguments.DefaultPort;
    public const string ConsumerKey = "3MVG9forcelink.emulator.consumer.key";
    public const string Username = "integration@forcelink.emulator";

    /// <summary>Where the emulator's key and certificate live between runs.</summary>
    public static string StateDirectory(CliContext context)
    {
        if (context.Variable(EnvironmentVariables.EmulatorHome) is { } home)
        {
            return context.ResolvePath(home);
        }

        var state = context.Variable("XDG_STATE_HOME") ?? Path.Combine(context.HomeDirectory, ".local", "state");
        return Path.Combine(state, "forcelink", "emulator");
    }

    public static string KeyFile(CliContext context) => Path.Combine(StateDirectory(context), "server.key");

    public static string CertificateFile(CliContext context) => Path.Combine(StateDirectory(context), "server.crt");

    /// <summary>Written by <c>forcelink emulator</c> so <c>--org emulator</c> finds it on whatever port it chose.</summary>
    public static string UrlFile(CliContext context) => Path.Combine(StateDirectory(context), "url");

    /// <summary>The settings to log in to the emulator, or a <see cref="CliException"/> that says to start it first: its key only exists after its first run.</summary>
    public static OrgSettings Settings(CliContext context)
    {
        if (!File.Exists(KeyFile(context)))
        {
            throw new CliException(
                ExitCodes.Unreachable,
                $"--org {Name}: the emulator has not been started here yet (its key {KeyFile(context)} is made by its first run). " +
                $"Start it first with `{CliApp.Name} emulator` (in another terminal, or `{CliApp.Name} emulator &`), then run this again.");
        }

        return OrgSettings.Of("built-in profile 'emulator'", new Dictionary<string, string?>
        {
            [SettingNames.LoginUrl] = File.Exists(UrlFile(context)) ? File.ReadAllText(UrlFile(context)).Trim() : $"http://127.0.0.1:{DefaultPort}",
            [SettingNames.ConsumerKey] = ConsumerKey,
            [SettingNames.Username] = Username,
            [SettingNames.PrivateKeyFile] = KeyFile(context),
            [SettingNames.CertificateFile] = CertificateFile(context),

            // The profile has no file to hold a policy, and a seeded org has fields the default policy does not
            // allow (Lead.Ext_Id__c): the variable the function reads is the one place to widen it.
            [SettingNames.Policy] = context.Variable(SettingNames.Policy),
        });
    }
}
