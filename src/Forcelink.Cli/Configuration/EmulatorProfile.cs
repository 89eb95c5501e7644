namespace Forcelink.Cli.Configuration;

/// <summary>
/// The built-in profile <c>emulator</c>: what <c>forcelink emulator</c> sets up and <c>--org emulator</c> logs in with.
/// Fixed values, so the two agree without any file beyond the generated key.
/// </summary>
internal static class EmulatorProfile
{
    public const string Name = "emulator";
    public const int DefaultPort = 8123;
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

    public static OrgSettings Settings(CliContext context, int port = DefaultPort) => new()
    {
        Source = "built-in profile 'emulator'",
        LoginUrl = $"http://127.0.0.1:{port}",
        ConsumerKey = ConsumerKey,
        Username = Username,
        PrivateKeyFile = KeyFile(context),
        CertificateFile = CertificateFile(context),
    };
}
