using System.CommandLine;

namespace Forcelink.Cli.Commands;

internal sealed class ExportCommand : CliCommand
{
    public ExportCommand(CliContext context)
        : base("export", "TODO", context)
    {
    }

    protected override Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken) => Task.FromResult(ExitCodes.Failure);
}
