using System.CommandLine;

namespace Forcelink.Cli.Commands;

internal sealed class DoctorCommand : CliCommand
{
    public DoctorCommand(CliContext context)
        : base("doctor", "TODO", context)
    {
    }

    protected override Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken) => Task.FromResult(ExitCodes.Failure);
}
