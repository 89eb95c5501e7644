using System.CommandLine;

namespace Forcelink.Cli.Commands;

internal sealed class EmulatorCommand : CliCommand
{
    public EmulatorCommand(CliContext context)
        : base("emulator", "TODO", context)
    {
    }

    protected override Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken) => Task.FromResult(ExitCodes.Failure);
}
