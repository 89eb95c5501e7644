using System.CommandLine;

namespace Forcelink.Cli.Commands;

internal sealed class ImportCommand : CliCommand
{
    public ImportCommand(CliContext context)
        : base("import", "TODO", context)
    {
    }

    protected override Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken) => Task.FromResult(ExitCodes.Failure);
}
