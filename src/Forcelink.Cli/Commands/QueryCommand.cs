using System.CommandLine;

namespace Forcelink.Cli.Commands;

internal sealed class QueryCommand : CliCommand
{
    public QueryCommand(CliContext context)
        : base("query", "TODO", context)
    {
    }

    protected override Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken) => Task.FromResult(ExitCodes.Failure);
}
