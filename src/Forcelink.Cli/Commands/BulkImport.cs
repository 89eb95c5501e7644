using System.Text;
using System.Text.Json;
using Forcelink.Bulk;
using Forcelink.Csv;
using Spectre.Console;

namespace Forcelink.Cli.Commands;

/// <summary>
/// <c>forcelink import</c> through Bulk API 2.0, after the same checks as the collections path: the file streamed into
/// ingest jobs (split past 100 MB), progress from the jobs' counts, then every row's outcome read back and written to the
/// same files as a collections import. The jobs run in Salesforce, so an interrupted run names them for
/// <c>forcelink bulk status</c> and <c>forcelink bulk results</c>.
/// </summary>
internal sealed class BulkImport(CliContext context, SalesforceClient client, string objectName, string? externalIdField, ImportCheck check, ImportOutputs outputs)
{
    public const string StatusUnprocessed = "unprocessed";

    public static readonly (string Name, char Char)[] DelimiterNames =
        [("comma", ','), ("tab", '\t'), ("semicolon", ';'), ("pipe", '|'), ("caret", '^'), ("backquote", '`')];

    private const long PlainProgressEvery = 10_000;

    private TextWriter Output => context.Output;

    private TextWriter Error => context.Error;

    public static char Delimiter(string name) => DelimiterNames.First(d => d.Name == name).Char;

    public async Task<int> RunAsync(string path, Encoding encoding, char delimiter, bool json, CancellationToken cancellationToken)
    {
        var request = externalIdField is null ? BulkIngestRequest.Insert(objectName) : BulkIngestRequest.Upsert(objectName, externalIdField);
        BulkIngestProgress? last = null;
        BulkIngestResult result;
        try
        {
            await using var input = File.OpenRead(path);
            var rows = CsvReader.Open(input, encoding, delimiter);
            if (context.IsInteractive && !json)
            {
                result = await context.CreateConsole().Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask($"Bulk {objectName}: uploading", maxValue: Math.Max(1, check.Rows));
                        return await client.Bulk.IngestAsync(request, rows, new Callback(p =>
                        {
                            last = p;
                            task.Value = p.RecordsProcessed;
                            task.Description = $"Bulk {objectName}: {p.RecordsProcessed:N0} processed, {p.RecordsFailed:N0} failed ({p.JobsFinished} of {p.JobIds.Count} jobs done)";
                        }), cancellationToken);
                    });
            }
            else
            {
                var reported = -1L;
                var jobs = 0;
                result = await client.Bulk.IngestAsync(request, rows, new Callback(p =>
                {
                    last = p;
                    // Plain output for logs: a line per new job, and per 10,000 rows processed.
                    for (; jobs < p.JobIds.Count; jobs++)
                    {
                        Error.WriteLine($"Bulk job {p.JobIds[jobs]} started.");
                    }

                    if (p.RecordsProcessed - reported >= PlainProgressEvery || (p.RecordsProcessed == check.Rows && reported != p.RecordsProcessed))
                    {
                        reported = p.RecordsProcessed;
                        Error.WriteLine($"{p.RecordsProcessed:N0} of {check.Rows:N0} rows processed, {p.RecordsFailed:N0} failed...");
                    }
                }), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Error.WriteLineAsync($"Cancelled. {Resume(last?.JobIds ?? [], "run on")}");
            return ExitCodes.Cancelled;
        }
        catch (SalesforceException e) when (e.ErrorCode == "BULK_INGEST_INTERRUPTED" && last is { JobIds.Count: > 0 })
        {
            await Error.WriteLineAsync($"error: {e.Message} {Resume(last.JobIds, "run on")}");
            return ExitCodes.Failure;
        }

        var counts = await WriteOutcomesAsync(result, cancellationToken);
        var files = outputs.Commit();
        if (json)
        {
            await Output.WriteLineAsync(ToJson(result, counts, files));
        }
        else
        {
            await WriteSummaryAsync(result, counts, files);
        }

        return counts.NotDone > 0 ? ExitCodes.PartialFailure : ExitCodes.Success;
    }

    /// <summary>How to follow jobs that outlive this command.</summary>
    public static string Resume(IReadOnlyList<string> jobIds, string verb) => jobIds.Count == 0
        ? "No bulk job had been created."
        : $"The bulk job{(jobIds.Count == 1 ? "" : "s")} {string.Join(", ", jobIds)} {verb} in Salesforce: follow {(jobIds.Count == 1 ? "it" : "each")} with " +
          $"`{CliApp.Name} bulk status {jobIds[0]} --wait`, and write {(jobIds.Count == 1 ? "its" : "each one's")} rows with `{CliApp.Name} bulk results {jobIds[0]} --out results.csv`.";

    private async Task<ImportCounts> WriteOutcomesAsync(BulkIngestResult result, CancellationToken cancellationToken)
    {
        var counts = new ImportCounts { Read = check.Rows };
        outputs.Start(check.Header, where: "Job");
        try
        {
            foreach (var job in result.Jobs)
            {
                try
                {
                    await foreach (var row in client.Bulk.GetResultsAsync(new BulkIngestResult([job]), cancellationToken))
                    {
                        switch (row.Kind)
                        {
                            case BulkResultKind.Successful when row.Created ?? externalIdField is null:
                                counts.Created++;
                                break;
                            case BulkResultKind.Successful:
                                counts.Updated++;
                                break;
                            case BulkResultKind.Failed:
                                counts.Failed++;
                                await outputs.WriteAsync(Fields(row), safeToRepeat: true, [row.JobId, ImportRun.StatusFailed, row.Error!.ErrorCode, Message(row.Error)]);
                                break;
                            default:
                                counts.NotSent++;
                                await outputs.WriteAsync(Fields(row), safeToRepeat: true, [row.JobId, StatusUnprocessed, "UNPROCESSED", $"Not processed: the job {job.Info.State}{(job.Info.ErrorMessage is { } m ? $" ({m})" : "")} before this row."]);
                                break;
                        }
                    }
                }
                catch (SalesforceException e) when (e.ErrorCode == "BULK_RESULTS_INCOMPLETE")
                {
                    await Error.WriteLineAsync($"warning: {e.Message}");
                }
            }
        }
        finally
        {
            await outputs.CloseAsync();
        }

        // Rows no result accounts for: their outcome is unknown (the job's own counts say how many).
        counts.Unknown = Math.Max(0, counts.Read - counts.Created - counts.Updated - counts.Failed - counts.NotSent);
        return counts;
    }

    private string[] Fields(BulkResultRow row)
    {
        // The results carry the uploaded header, which is the file's; map by name in case Salesforce reorders.
        var fields = new string[check.Header.Count];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = row[check.Header[i]] ?? "";
        }

        return fields;
    }

    private static string Message(SalesforceError error) =>
        error.Fields.Count > 0 ? $"{error.Message} (fields: {string.Join(", ", error.Fields)})" : error.Message;

    private async Task WriteSummaryAsync(BulkIngestResult result, ImportCounts c, ImportFiles files)
    {
        await Output.WriteLineAsync(
            $"Imported {c.Created + c.Updated:N0} of {c.Read:N0} {objectName} rows through Bulk API 2.0 ({c.Created:N0} created, {c.Updated:N0} updated); " +
            $"{c.Failed:N0} failed, {c.NotSent:N0} unprocessed, {c.Unknown:N0} unknown.");
        await Output.WriteLineAsync($"Bulk job{(result.Jobs.Count == 1 ? "" : "s")}: {string.Join(", ", result.Jobs.Select(j => $"{j.Info.Id} ({j.Info.StateName})"))}.");
        foreach (var job in result.Jobs.Where(j => j.Info.ErrorMessage is not null))
        {
            await Output.WriteLineAsync($"Job {job.Info.Id} failed: {job.Info.ErrorMessage}");
        }

        if (files.Remaining is { } remaining)
        {
            await Output.WriteLineAsync($"Rows not done, to import again as they are (fix the failed ones first): {remaining.Path} ({remaining.Rows:N0} rows).");
        }

        if (files.Errors is { } errors)
        {
            await Output.WriteLineAsync($"Every row not done, with its job, status and error: {errors.Path}.");
        }

        if (c.Unknown > 0)
        {
            await Output.WriteLineAsync($"{c.Unknown:N0} rows have no result from Salesforce: check them with `{CliApp.Name} bulk results JOB` for each job above before importing them again.");
        }

        foreach (var removed in files.Removed)
        {
            await Output.WriteLineAsync($"Removed {removed} from an earlier run.");
        }
    }

    private string ToJson(BulkIngestResult result, ImportCounts c, ImportFiles files)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, CliJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("object", objectName);
            writer.WriteString("mode", externalIdField is null ? "create" : "upsert");
            writer.WriteString("api", "bulk");
            writer.WriteNumber("rows", c.Read);
            writer.WriteNumber("succeeded", c.Created + c.Updated);
            writer.WriteNumber("created", c.Created);
            writer.WriteNumber("updated", c.Updated);
            writer.WriteNumber("failed", c.Failed);
            writer.WriteNumber("unprocessed", c.NotSent);
            writer.WriteNumber("unknown", c.Unknown);
            writer.WriteStartArray("jobs");
            foreach (var job in result.Jobs)
            {
                writer.WriteStartObject();
                writer.WriteString("id", job.Info.Id);
                writer.WriteString("state", job.Info.StateName);
                writer.WriteNumber("rows", job.RecordsSent ?? 0);
                writer.WriteNumber("processed", job.Info.RecordsProcessed);
                writer.WriteNumber("failed", job.Info.RecordsFailed);
                if (job.Info.ErrorMessage is { } message)
                {
                    writer.WriteString("errorMessage", message);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            ImportCommand.WriteStringOrNull(writer, "remainingFile", files.Remaining?.Path);
            ImportCommand.WriteStringOrNull(writer, "errorsFile", files.Errors?.Path);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reports on the reporting thread: Spectre's task and the plain lines are updated in order.</summary>
    private sealed class Callback(Action<BulkIngestProgress> report) : IProgress<BulkIngestProgress>
    {
        // Jobs report from their own polling tasks.
        private readonly Lock _lock = new();

        public void Report(BulkIngestProgress value)
        {
            lock (_lock)
            {
                report(value);
            }
        }
    }
}
