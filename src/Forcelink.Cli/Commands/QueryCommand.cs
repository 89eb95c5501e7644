using System.CommandLine;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Forcelink.Cli.Configuration;
using Forcelink.Csv;
using Forcelink.Records;
using Forcelink.Soql;

namespace Forcelink.Cli.Commands;

/// <summary>
/// <c>forcelink query</c>: SOQL the user types, written page by page as Salesforce returns it, so memory stays at one
/// page (and a table's first <see cref="RecordTable.SampleRows"/> rows) whatever the result's size.
/// </summary>
internal sealed class QueryCommand : CliCommand
{
    private const string Table = "table";
    private const string Csv = "csv";
    private const string Json = "json";

    private readonly Argument<string> _soql = new("SOQL") { Description = "The query, such as \"SELECT Id, Name FROM Lead WHERE Email = 'doe@example.com'\"." };
    private readonly Option<bool> _json = JsonOption.Create();
    private readonly Option<bool> _allRows = new("--all-rows") { Description = "Include deleted records still in the Recycle Bin and archived records (queryAll)." };
    private readonly Option<string?> _format = new("--result-format", "-r")
    {
        Description = "How to write the records: table (default; columns sized by the first 200 rows), csv (RFC 4180) or json (same as --json).",
        HelpName = "table|csv|json",
    };

    public QueryCommand(CliContext context)
        : base("query", "Run a SOQL query and write the records as they arrive (all pages).", context)
    {
        _soql.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("The SOQL argument is empty: give a query, such as \"SELECT Id, Name FROM Lead\" (quoted, so the shell passes it as one argument).");
            }
        });
        _format.AcceptOnlyFromAmong(Table, Csv, Json);
        Arguments.Add(_soql);
        Options.Add(_json);
        Options.Add(_format);
        Options.Add(_allRows);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var format = parseResult.GetValue(_format);
        if (parseResult.GetValue(_json))
        {
            if (format is not (null or Json))
            {
                throw new CliException(ExitCodes.Usage, $"--json and --result-format {format} ask for two formats: give one of them.");
            }

            format = Json;
        }

        format ??= Table;
        var soql = parseResult.GetValue(_soql)!;
        var allRows = parseResult.GetValue(_allRows);
        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        // The user typed this query on purpose; Raw is the library's door for exactly that.
        var query = SoqlQuery.Raw(soql);
        if (QueryShape.IsCount(soql))
        {
            var count = allRows
                ? await connection.Client.CountAllAsync(query, cancellationToken)
                : await connection.Client.CountAsync(query, cancellationToken);
            await WriteCountAsync(format, count);
            return ExitCodes.Success;
        }

        var records = allRows
            ? connection.Client.QueryAllAsync(query, cancellationToken: cancellationToken)
            : connection.Client.QueryAsync(query, cancellationToken: cancellationToken);
        var columns = QueryShape.Columns(soql);
        switch (format)
        {
            case Json:
                await WriteJsonAsync(records, cancellationToken);
                break;
            case Csv:
                await WriteCsvAsync(records, columns, cancellationToken);
                break;
            default:
                var written = await RecordTable.WritePlainAsync(Output, Rows(records, cancellationToken), columns, cancellationToken);
                await Output.WriteLineAsync(RecordTable.CountLine(written));
                break;
        }

        return ExitCodes.Success;
    }

    // COUNT() answers with totalSize and no records, so the count is the whole answer.
    private async Task WriteCountAsync(string format, int count)
    {
        switch (format)
        {
            case Json:
                await Output.WriteLineAsync(CliJson.Write(new JsonObject { ["records"] = new JsonArray(), ["totalSize"] = count }));
                break;
            case Csv:
                var csv = new CsvWriter(Output);
                await csv.WriteRowAsync(["count"]);
                await csv.WriteRowAsync([count.ToString(CultureInfo.InvariantCulture)]);
                break;
            default:
                await Output.WriteLineAsync($"Count: {count:N0}");
                break;
        }
    }

    /// <summary><c>{"records":[...],"totalSize":N}</c>, written record by record; nothing is written before the first page is in,
    /// so a query Salesforce refuses leaves stdout empty.</summary>
    private async Task WriteJsonAsync(IAsyncEnumerable<SObject> records, CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            await Output.WriteAsync(count == 0 ? "{\"records\":[" : ",");
            await Output.WriteAsync(CliJson.Write(JsonNode.Parse(record.ToJson())!));
            count++;
        }

        await Output.WriteLineAsync($"{(count == 0 ? "{\"records\":[" : "")}],\"totalSize\":{count}}}");
    }

    private async Task WriteCsvAsync(IAsyncEnumerable<SObject> records, List<string>? columns, CancellationToken cancellationToken)
    {
        var csv = new CsvWriter(Output);
        if (columns is not null)
        {
            await csv.WriteRowAsync(columns, cancellationToken);
        }

        await foreach (var row in Rows(records, cancellationToken))
        {
            if (columns is null)
            {
                columns = [.. row.Keys];
                await csv.WriteRowAsync(columns, cancellationToken);
            }

            await csv.WriteRowAsync(columns.Select(c => RecordTable.Value(row, c)), cancellationToken);
        }

        await Output.FlushAsync(cancellationToken);
    }

    private static async IAsyncEnumerable<Dictionary<string, string?>> Rows(
        IAsyncEnumerable<SObject> records,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var record in records.WithCancellation(cancellationToken))
        {
            yield return RecordTable.Flatten(JsonNode.Parse(record.ToJson())!.AsObject());
        }
    }
}
