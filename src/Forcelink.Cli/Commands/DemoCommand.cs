using System.CommandLine;

namespace Forcelink.Cli.Commands;

internal sealed class DemoCommand : CliCommand
{
    public DemoCommand(CliContext context)
        : base("demo", "TODO", context)
    {
    }

    protected override Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken) => Task.FromResult(ExitCodes.Failure);
}
