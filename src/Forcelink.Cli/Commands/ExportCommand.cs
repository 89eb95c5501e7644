using System.CommandLine;
using System.Text.Json.Nodes;
using Forcelink.Cli.Configuration;
using Forcelink.Cli.Csv;
using Forcelink.Soql;
using Spectre.Console;

namespace Forcelink.Cli.Commands;

/// <summary><c>forcelink export</c>: a query's records to a CSV file, page by page, in constant memory.</summary>
internal sealed class ExportCommand : CliCommand
{
    private readonly Argument<string> _soql = new("SOQL") { Description = "The query whose records to export." };
    private readonly Option<string> _out = new("--out", "-o") { Description = "The CSV file to write.", Required = true, HelpName = "FILE" };
    private readonly Option<bool> _force = new("--force") { Description = "Overwrite the file if it exists." };

    public ExportCommand(CliContext context)
        : base("export", "Run a SOQL query and write every record to a CSV file (RFC 4180, UTF-8; relationship fields as Owner.Name).", context)
    {
        Arguments.Add(_soql);
        Options.Add(_out);
        Options.Add(_force);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var soql = parseResult.GetValue(_soql)!;
        var path = Context.ResolvePath(parseResult.GetValue(_out)!);
        if (File.Exists(path) && !parseResult.GetValue(_force))
        {
            throw new CliException(ExitCodes.Failure, $"{path} already exists: choose another --out, or add --force to replace it.");
        }

        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        long count = 0;
        async Task ExportAsync(Action<long> progress)
        {
            await using var writer = CsvWriter.Create(path, overwrite: true);
            var columns = QueryShape.Columns(soql);
            if (columns is not null)
            {
                await writer.WriteRowAsync(columns, cancellationToken);
            }

            await foreach (var record in connection.Client.QueryAsync(SoqlQuery.Raw(soql), cancellationToken: cancellationToken))
            {
                var values = RecordTable.Flatten(JsonNode.Parse(record.ToJson())!.AsObject());
                if (columns is null)
                {
                    columns = [.. values.Keys];
                    await writer.WriteRowAsync(columns, cancellationToken);
                }

                var lookup = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);
                await writer.WriteRowAsync(columns.Select(c => lookup.GetValueOrDefault(c)), cancellationToken);
                progress(++count);
            }
        }

        if (Context.IsInteractive)
        {
            await Context.CreateConsole().Status().StartAsync("Exporting...", async status =>
                await ExportAsync(n =>
                {
                    if (n % 200 == 0)
                    {
                        status.Status($"Exported {n:N0} records...");
                    }
                }));
        }
        else
        {
            await ExportAsync(_ => { });
        }

        await Output.WriteLineAsync($"Exported {count:N0} record{(count == 1 ? "" : "s")} to {path}.");
        return ExitCodes.Success;
    }
}
