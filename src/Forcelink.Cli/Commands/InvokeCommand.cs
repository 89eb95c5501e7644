using System.CommandLine;

namespace Forcelink.Cli.Commands;

internal sealed class InvokeCommand : CliCommand
{
    public InvokeCommand(CliContext context)
        : base("invoke", "TODO", context)
    {
    }

    protected override Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken) => Task.FromResult(ExitCodes.Failure);
}
