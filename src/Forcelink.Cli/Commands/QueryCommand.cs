using System.CommandLine;
using System.Text.Json.Nodes;
using Forcelink.Cli.Configuration;
using Forcelink.Soql;

namespace Forcelink.Cli.Commands;

/// <summary><c>forcelink query</c>: SOQL the user types, streamed page by page.</summary>
internal sealed class QueryCommand : CliCommand
{
    private readonly Argument<string> _soql = new("SOQL") { Description = "The query, such as \"SELECT Id, Name FROM Lead WHERE Email = 'doe@example.com'\"." };
    private readonly Option<bool> _json = JsonOption.Create();

    public QueryCommand(CliContext context)
        : base("query", "Run a SOQL query and show the records (all pages).", context)
    {
        Arguments.Add(_soql);
        Options.Add(_json);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        var records = new List<JsonObject>();
        // The user typed this query on purpose; Raw is the library's door for exactly that.
        await foreach (var record in connection.Client.QueryAsync(SoqlQuery.Raw(parseResult.GetValue(_soql)!), cancellationToken: cancellationToken))
        {
            records.Add(JsonNode.Parse(record.ToJson())!.AsObject());
        }

        if (parseResult.GetValue(_json))
        {
            var json = new JsonObject { ["totalSize"] = records.Count, ["records"] = new JsonArray([.. records]) };
            await Output.WriteLineAsync(json.ToJsonString());
        }
        else
        {
            RecordTable.WriteRecords(Context.CreateConsole(), records);
        }

        return ExitCodes.Success;
    }
}
