using System.Globalization;

namespace Forcelink.Emulator.Hosting;

/// <summary>One option of the emulator's command line: how it is spelt, what its value is called, what it does.</summary>
internal sealed record EmulatorArgument(string Name, string ValueName, string Description);

/// <summary>
/// The emulator's command-line options, defined once: the standalone emulator (<see cref="CommandLine"/>) and
/// <c>forcelink emulator</c> take their names, help, defaults, value rules and messages from here, so the two cannot
/// drift apart.
/// </summary>
internal static class EmulatorArguments
{
    /// <summary>The port both listen on unless told otherwise; <c>--org emulator</c> looks there first.</summary>
    public const int DefaultPort = 8123;

    public static EmulatorArgument Port { get; } = new("--port", "N", "Port on 127.0.0.1 (0 picks a free one).");

    public static EmulatorArgument Data { get; } = new("--data", "FILE", "SQLite file that keeps records between runs (in memory when omitted).");

    public static EmulatorArgument Seed { get; } = new("--seed", "FILE", "Org definition (docs/emulator.md, seed file format): custom objects and fields, records, users, apps.");

    public static EmulatorArgument ConsumerKey { get; } = new("--consumer-key", "KEY", "Quick start: the consumer key of one connected app, with --certificate and --username.");

    public static EmulatorArgument Certificate { get; } = new("--certificate", "FILE", "Quick start: the app's PEM certificate.");

    public static EmulatorArgument Username { get; } = new("--username", "USER", "Quick start: one pre-authorized System Administrator.");

    public static EmulatorArgument Kind { get; } = new("--org-kind", "production|sandbox", "Overrides the seed's kind.");

    public static EmulatorArgument RandomSeed { get; } = new("--random-seed", "N", "Seed of the random numbers that decide fault probabilities (default 1).");

    /// <summary>Every option, in the order the usage line lists them.</summary>
    public static IReadOnlyList<EmulatorArgument> All { get; } = [Port, ConsumerKey, Certificate, Username, Seed, Data, Kind, RandomSeed];

    /// <summary>The port a value names; otherwise the message saying what a port must be.</summary>
    public static string? ParsePort(string value, out int port) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535
            ? null
            : $"{Port.Name} must be a number from 0 to 65535, got '{value}'";

    public static string? ParseRandomSeed(string value, out int seed) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed)
            ? null
            : $"{RandomSeed.Name} must be a number, got '{value}'";

    public static string? ParseOrgKind(string value, out OrgKind kind) =>
        Enum.TryParse(value, ignoreCase: true, out kind)
            ? null
            : $"{Kind.Name} must be production or sandbox, got '{value}'";
}
