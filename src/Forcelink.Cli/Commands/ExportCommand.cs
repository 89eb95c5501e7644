using System.CommandLine;
using System.Text.Json.Nodes;
using Forcelink.Bulk;
using Forcelink.Cli.Configuration;
using Forcelink.Csv;
using Forcelink.Models;
using Forcelink.Soql;
using Spectre.Console;

namespace Forcelink.Cli.Commands;

/// <summary><c>forcelink export</c>: a query's records to a CSV file, page by page, in constant memory.</summary>
internal sealed class ExportCommand : CliCommand
{
    private readonly Argument<string> _soql = new("SOQL") { Description = "The query whose records to export." };
    private readonly Option<string> _out = new("--out", "-o") { Description = "The CSV file to write, or - for standard output.", Required = true, HelpName = "FILE" };
    private readonly Option<bool> _force = new("--force") { Description = "Overwrite the file if it exists." };
    private readonly Option<bool> _bulk = new("--bulk") { Description = "Run the query as a Bulk API 2.0 job and write its CSV as Salesforce sends it (for large exports: a few API calls for any size)." };

    public ExportCommand(CliContext context)
        : base("export", "Run a SOQL query and write every record to a CSV file (RFC 4180, UTF-8; relationship fields as Owner.Name).", context)
    {
        Arguments.Add(_soql);
        Options.Add(_out);
        Options.Add(_force);
        Options.Add(_bulk);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var soql = parseResult.GetValue(_soql)!;
        var target = parseResult.GetValue(_out)!;
        var force = parseResult.GetValue(_force);
        var path = target == "-" ? null : Context.ResolvePath(target);
        if (path is not null && File.Exists(path) && !force)
        {
            throw new CliException(ExitCodes.Failure, $"{path} already exists: choose another --out, or add --force to replace it.");
        }

        if (path is not null && Path.GetDirectoryName(path) is { } folder && !Directory.Exists(folder))
        {
            throw new CliException(ExitCodes.NotFound, $"the folder {folder} of --out does not exist: create it first, or choose another --out.");
        }

        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        if (parseResult.GetValue(_bulk))
        {
            return await BulkExportAsync(connection.Client, soql, path, force, cancellationToken);
        }

        long count = 0;
        async Task ExportAsync(CsvWriter writer, Action<long> progress)
        {
            var columns = QueryShape.Columns(soql);
            if (columns is not null)
            {
                await writer.WriteRowAsync(columns, cancellationToken);
            }

            // An export reads every page, so the next one is fetched while this one is written.
            await foreach (var record in connection.Client.QueryAsync(SoqlQuery.Raw(soql), new QueryOptions { ReadAhead = true }, cancellationToken))
            {
                var values = RecordTable.Flatten(JsonNode.Parse(record.ToJson())!.AsObject());
                if (columns is null)
                {
                    columns = [.. values.Keys];
                    await writer.WriteRowAsync(columns, cancellationToken);
                }

                await writer.WriteRowAsync(columns.Select(c => RecordTable.Value(values, c)), cancellationToken);
                progress(++count);
            }
        }

        if (path is null)
        {
            // stdout carries the CSV, so the count goes to stderr.
            await ExportAsync(new CsvWriter(Output), _ => { });
            await Output.FlushAsync(cancellationToken);
            await Error.WriteLineAsync($"Exported {count:N0} record{(count == 1 ? "" : "s")}.");
            return ExitCodes.Success;
        }

        // Written under a temporary name and renamed at the end, so a run that is cancelled or fails leaves no half
        // file that would make the next run ask for --force.
        var partial = path + ".partial";
        try
        {
            await using (var writer = CsvWriter.Create(partial, overwrite: true))
            {
                if (Context.IsInteractive)
                {
                    await Context.CreateConsole().Status().StartAsync("Exporting...", async status =>
                        await ExportAsync(writer, n =>
                        {
                            if (n % 200 == 0)
                            {
                                status.Status($"Exported {n:N0} records...");
                            }
                        }));
                }
                else
                {
                    await ExportAsync(writer, _ => { });
                }
            }

            File.Move(partial, path, overwrite: force);
        }
        catch
        {
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }

            throw;
        }

        await Output.WriteLineAsync($"Exported {count:N0} record{(count == 1 ? "" : "s")} to {path}.");
        return ExitCodes.Success;
    }

    private async Task<int> BulkExportAsync(SalesforceClient client, string soql, string? path, bool force, CancellationToken cancellationToken)
    {
        // CRLF, as the export without --bulk writes.
        var options = new BulkQueryOptions { LineEnding = BulkLineEnding.CRLF };
        var query = SoqlQuery.Raw(soql);
        if (path is null)
        {
            var count = await client.Bulk.ExportAsync(query, new TextWriterStream(Output), options, cancellationToken: cancellationToken);
            await Output.FlushAsync(cancellationToken);
            await Error.WriteLineAsync($"Exported {count:N0} record{(count == 1 ? "" : "s")} through Bulk API 2.0.");
            return ExitCodes.Success;
        }

        var partial = path + ".partial";
        long written;
        try
        {
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write))
            {
                if (Context.IsInteractive)
                {
                    written = await Context.CreateConsole().Status().StartAsync("Bulk query job running...", status =>
                        client.Bulk.ExportAsync(query, file, options, new Callback(n => status.Status($"Exported {n:N0} records...")), cancellationToken));
                }
                else
                {
                    written = await client.Bulk.ExportAsync(query, file, options, cancellationToken: cancellationToken);
                }
            }

            File.Move(partial, path, overwrite: force);
        }
        catch
        {
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }

            throw;
        }

        await Output.WriteLineAsync($"Exported {written:N0} record{(written == 1 ? "" : "s")} to {path} through Bulk API 2.0.");
        return ExitCodes.Success;
    }

    private sealed class Callback(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
