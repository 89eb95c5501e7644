namespace Forcelink.Cli;

/// <summary>An expected failure: its message is the one line the user sees, and its exit code is what the shell gets.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
