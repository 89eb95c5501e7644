using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Forcelink.Cli.Configuration;

namespace Forcelink.Cli.Commands;

/// <summary><c>forcelink sobject list</c>: the org's objects as the user sees them, as <c>sf sobject list</c>.</summary>
internal sealed class SObjectCommand : Command
{
    public SObjectCommand(CliContext context)
        : base("sobject", "The org's objects.")
    {
        Subcommands.Add(new SObjectListCommand(context));
    }
}

/// <summary>One describe global: names, key prefixes and what the user may do with each object.</summary>
internal sealed class SObjectListCommand : CliCommand
{
    private const string All = "all";
    private const string Custom = "custom";

    private static readonly string[] Columns = ["Name", "Label", "KeyPrefix", "Custom", "Createable", "Queryable"];

    private readonly Option<string> _sobject = new("--sobject", "-s") { Description = "Which objects: all, or custom (__c) only.", DefaultValueFactory = _ => All, HelpName = "all|custom" };
    private readonly Option<bool> _json = JsonOption.Create();

    public SObjectListCommand(CliContext context)
        : base("list", "List the org's objects the user can see, with key prefixes and whether the user may create and query them.", context)
    {
        _sobject.AcceptOnlyFromAmong(All, Custom);
        Options.Add(_sobject);
        Options.Add(_json);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        var global = await connection.Client.DescribeGlobalAsync(cancellationToken: cancellationToken);
        var objects = global.Objects.Where(o => parseResult.GetValue(_sobject) == All || o.Custom).ToList();
        if (parseResult.GetValue(_json))
        {
            var json = new JsonArray([.. objects.Select(o => (JsonNode?)new JsonObject
            {
                ["name"] = o.Name,
                ["label"] = o.Label,
                ["keyPrefix"] = o.KeyPrefix,
                ["custom"] = o.Custom,
                ["createable"] = o.Createable,
                ["updateable"] = o.Updateable,
                ["deletable"] = o.Deletable,
                ["queryable"] = o.Queryable,
                ["replicateable"] = o.Replicateable,
            })]);
            await Output.WriteLineAsync(CliJson.Write(json));
            return ExitCodes.Success;
        }

        var rows = objects.Select(o => new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Name"] = o.Name,
            ["Label"] = o.Label,
            ["KeyPrefix"] = o.KeyPrefix,
            ["Custom"] = Flag(o.Custom),
            ["Createable"] = Flag(o.Createable),
            ["Queryable"] = Flag(o.Queryable),
        });
        var count = await RecordTable.WritePlainAsync(Output, rows.ToAsyncEnumerable(), Columns, cancellationToken);
        await Output.WriteLineAsync(count == 0 ? "No objects." : $"{count.ToString("N0", CultureInfo.InvariantCulture)} object{(count == 1 ? "" : "s")}.");
        return ExitCodes.Success;
    }

    private static string Flag(bool value) => value ? "yes" : "no";
}
