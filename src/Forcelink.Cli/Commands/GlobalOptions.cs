using System.CommandLine;

namespace Forcelink.Cli.Commands;

/// <summary>
/// Options every command accepts, added once to the root as recursive. Built per tree (a symbol must not be shared
/// between trees that tests build in parallel), and read by name.
/// </summary>
internal static class GlobalOptions
{
    public const string VerboseName = "--verbose";
    public const string OrgName = "--org";

    public static Option<bool> CreateVerbose() => new(VerboseName, "-v")
    {
        Description = "Show stack traces and details of failures.",
        Recursive = true,
    };

    public static Option<string?> CreateOrg() => new(OrgName)
    {
        Description = "The profile in the config file ($FORCELINK_CONFIG or ~/.config/forcelink/config.json) to use, or 'emulator'. Default: FORCELINK_* environment variables.",
        Recursive = true,
        HelpName = "NAME",
    };
}

/// <summary>The <c>--json</c> switch of data commands: machine-readable output on stdout.</summary>
internal static class JsonOption
{
    public static Option<bool> Create() => new("--json")
    {
        Description = "Write machine-readable JSON to stdout (the exact OperationResult JSON for record commands).",
    };
}
