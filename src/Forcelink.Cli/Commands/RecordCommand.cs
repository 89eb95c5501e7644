using System.CommandLine;

namespace Forcelink.Cli.Commands;

internal sealed class RecordCommand : Command
{
    public RecordCommand(string name, string objectName, CliContext context)
        : base(name, $"Find, get, create, update, upsert and delete {objectName} records.")
    {
        _ = context;
    }
}
