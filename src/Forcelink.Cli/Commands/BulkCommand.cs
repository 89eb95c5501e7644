using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Forcelink.Bulk;
using Forcelink.Cli.Configuration;
using Forcelink.Csv;
using Spectre.Console;

namespace Forcelink.Cli.Commands;

/// <summary><c>forcelink bulk</c>: Bulk API 2.0 jobs, which run in Salesforce whether or not the command that started them still does.</summary>
internal sealed class BulkCommand : Command
{
    public BulkCommand(CliContext context)
        : base("bulk", "List and follow Bulk API 2.0 jobs (from import --bulk, export --bulk or any other client), read their results, abort them.")
    {
        Subcommands.Add(new BulkListCommand(context));
        Subcommands.Add(new BulkStatusCommand(context));
        Subcommands.Add(new BulkResultsCommand(context));
        Subcommands.Add(new BulkAbortCommand(context));
    }

    /// <summary>A job by id, ingest or query (their ids look alike): ingest is asked first.</summary>
    public static async Task<BulkJobInfo> FindAsync(SalesforceClient client, string jobId, CancellationToken cancellationToken)
    {
        if (jobId.Length is not (15 or 18) || !jobId.All(char.IsAsciiLetterOrDigit))
        {
            throw new CliException(ExitCodes.Usage, $"'{jobId}' is not a bulk job id: job ids have 15 or 18 letters and digits and start with 750, as import --bulk and bulk list print them.");
        }

        try
        {
            return await client.Bulk.GetJobAsync(BulkJobKind.Ingest, jobId, cancellationToken);
        }
        catch (SalesforceException e) when (e.StatusCode == 404)
        {
            try
            {
                return await client.Bulk.GetJobAsync(BulkJobKind.Query, jobId, cancellationToken);
            }
            catch (SalesforceException again) when (again.StatusCode == 404)
            {
                throw new CliException(ExitCodes.NotFound, $"no bulk job {jobId} in the org: it may have been deleted (Salesforce deletes jobs 7 days after they finish), or belong to another org.");
            }
        }
    }

    public static string Describe(BulkJobInfo job) =>
        $"{job.Kind.ToString().ToLowerInvariant()} {job.Operation} {job.ObjectName}";
}

/// <summary><c>forcelink bulk list</c>: the org's Bulk API 2.0 jobs.</summary>
internal sealed class BulkListCommand : CliCommand
{
    private readonly Option<bool> _query = new("--query") { Description = "List query jobs instead of ingest jobs." };
    private readonly Option<bool> _json = JsonOption.Create();

    public BulkListCommand(CliContext context)
        : base("list", "List the org's Bulk API 2.0 ingest jobs (or query jobs with --query), newest last.", context)
    {
        Options.Add(_query);
        Options.Add(_json);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        var kind = parseResult.GetValue(_query) ? BulkJobKind.Query : BulkJobKind.Ingest;
        var jobs = await connection.Client.Bulk.ListJobsAsync(kind, cancellationToken).ToListAsync(cancellationToken);
        jobs.Sort((a, b) => Nullable.Compare(a.CreatedDate, b.CreatedDate));
        if (parseResult.GetValue(_json))
        {
            await Output.WriteLineAsync(BulkStatusCommand.ToJson(jobs));
            return ExitCodes.Success;
        }

        if (jobs.Count == 0)
        {
            await Output.WriteLineAsync($"No Bulk API 2.0 {kind.ToString().ToLowerInvariant()} jobs in the org.");
            return ExitCodes.Success;
        }

        var rows = jobs.Select(j => new[] { j.Id, j.Operation, j.ObjectName ?? "", j.StateName ?? "", j.CreatedDate?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "" }).ToList();
        string[] header = ["Id", "Operation", "Object", "State", "Created (UTC)"];
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        await Output.WriteLineAsync(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in rows)
        {
            await Output.WriteLineAsync(string.Join("  ", row.Select((v, i) => v.PadRight(widths[i]))).TrimEnd());
        }

        return ExitCodes.Success;
    }
}

/// <summary><c>forcelink bulk status JOB [--wait]</c>: a job's state and counts; with --wait, until it finishes.</summary>
internal sealed class BulkStatusCommand : CliCommand
{
    private readonly Argument<string> _job = new("JOB") { Description = "The job id (750...)." };
    private readonly Option<bool> _wait = new("--wait") { Description = "Wait until the job has finished, showing its progress." };
    private readonly Option<bool> _json = JsonOption.Create();

    public BulkStatusCommand(CliContext context)
        : base("status", "Show a Bulk API 2.0 job's state and record counts; --wait follows it to its end (a job outlives the command that started it).", context)
    {
        Arguments.Add(_job);
        Options.Add(_wait);
        Options.Add(_json);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        var client = connection.Client;
        var job = await BulkCommand.FindAsync(client, parseResult.GetValue(_job)!, cancellationToken);
        if (parseResult.GetValue(_wait) && !job.IsFinished)
        {
            try
            {
                var json = parseResult.GetValue(_json);
                if (Context.IsInteractive && !json)
                {
                    job = await Context.CreateConsole().Status().StartAsync($"Job {job.Id}: {job.StateName}...", status =>
                        client.Bulk.WaitForJobAsync(job.Kind, job.Id, new Progress(j => status.Status($"Job {j.Id}: {j.StateName}, {j.RecordsProcessed:N0} processed, {j.RecordsFailed:N0} failed...")), cancellationToken));
                }
                else
                {
                    job = await client.Bulk.WaitForJobAsync(job.Kind, job.Id, json ? null : new Progress(j => Error.WriteLine($"{j.StateName}: {j.RecordsProcessed:N0} processed, {j.RecordsFailed:N0} failed")), cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await Error.WriteLineAsync($"Cancelled. {BulkImport.Resume([job.Id], "runs on")}");
                return ExitCodes.Cancelled;
            }
        }

        if (parseResult.GetValue(_json))
        {
            await Output.WriteLineAsync(ToJson(job));
            return ExitCodes.Success;
        }

        await Output.WriteLineAsync($"Job:        {job.Id} ({BulkCommand.Describe(job)})");
        await Output.WriteLineAsync($"State:      {job.StateName}");
        await Output.WriteLineAsync(job.Kind == BulkJobKind.Ingest
            ? $"Records:    {job.RecordsProcessed:N0} processed: {job.RecordsSuccessful:N0} succeeded, {job.RecordsFailed:N0} failed"
            : $"Records:    {job.RecordsProcessed:N0}");
        if (job.CreatedDate is { } created)
        {
            await Output.WriteLineAsync($"Created:    {created:yyyy-MM-dd HH:mm:ss} UTC");
        }

        if (job.ErrorMessage is { } error)
        {
            await Output.WriteLineAsync($"Error:      {error}");
        }

        if (job.IsFinished)
        {
            await Output.WriteLineAsync($"Results:    {CliApp.Name} bulk results {job.Id} --out results.csv");
        }

        return ExitCodes.Success;
    }

    public static string ToJson(IEnumerable<BulkJobInfo> jobs) => Json(writer =>
    {
        writer.WriteStartArray();
        foreach (var job in jobs)
        {
            Write(writer, job);
        }

        writer.WriteEndArray();
    });

    public static string ToJson(BulkJobInfo job) => Json(writer => Write(writer, job));

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, CliJson.WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void Write(Utf8JsonWriter writer, BulkJobInfo job)
    {
        writer.WriteStartObject();
        writer.WriteString("id", job.Id);
        writer.WriteString("kind", job.Kind == BulkJobKind.Ingest ? "ingest" : "query");
        writer.WriteString("operation", job.Operation);
        writer.WriteString("object", job.ObjectName);
        writer.WriteString("state", job.StateName);
        writer.WriteNumber("processed", job.RecordsProcessed);
        writer.WriteNumber("failed", job.RecordsFailed);
        if (job.CreatedDate is { } created)
        {
            writer.WriteString("createdDate", created);
        }

        if (job.ErrorMessage is { } error)
        {
            writer.WriteString("errorMessage", error);
        }

        writer.WriteEndObject();
    }

    private sealed class Progress(Action<BulkJobInfo> report) : IProgress<BulkJobInfo>
    {
        public void Report(BulkJobInfo value) => report(value);
    }
}

/// <summary><c>forcelink bulk results JOB --out FILE</c>: every row of a finished job, to CSV.</summary>
internal sealed class BulkResultsCommand : CliCommand
{
    private readonly Argument<string> _job = new("JOB") { Description = "The job id (750...)." };
    private readonly Option<string> _out = new("--out", "-o") { Description = "The CSV file to write, or - for standard output.", Required = true, HelpName = "FILE" };
    private readonly Option<bool> _force = new("--force") { Description = "Overwrite the file if it exists." };

    public BulkResultsCommand(CliContext context)
        : base("results", "Write a finished job's rows to CSV: for an ingest job each row with its result (sf__Result successful, failed or unprocessed, sf__Id, sf__Created, sf__Error) and the columns it was sent with; for a query job its records.", context)
    {
        Arguments.Add(_job);
        Options.Add(_out);
        Options.Add(_force);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var target = parseResult.GetValue(_out)!;
        var path = target == "-" ? null : Context.ResolvePath(target);
        if (path is not null && File.Exists(path) && !parseResult.GetValue(_force))
        {
            throw new CliException(ExitCodes.Failure, $"{path} already exists: choose another --out, or add --force to replace it.");
        }

        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        var client = connection.Client;
        var job = await BulkCommand.FindAsync(client, parseResult.GetValue(_job)!, cancellationToken);
        if (!job.IsFinished)
        {
            throw new CliException(ExitCodes.Failure, $"the job {job.Id} is {job.StateName}: its results can be read once it has finished. Wait with `{CliApp.Name} bulk status {job.Id} --wait`.");
        }

        if (path is null)
        {
            var stdout = new TextWriterStream(Output);
            var summary = await WriteAsync(client, job, stdout, cancellationToken);
            await Output.FlushAsync(cancellationToken);
            await Error.WriteLineAsync(summary);
            return ExitCodes.Success;
        }

        var partial = path + ".partial";
        string written;
        try
        {
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write))
            {
                written = await WriteAsync(client, job, file, cancellationToken);
            }

            File.Move(partial, path, overwrite: true);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }

        await Output.WriteLineAsync($"{written} to {path}.");
        return ExitCodes.Success;
    }

    private static async Task<string> WriteAsync(SalesforceClient client, BulkJobInfo job, Stream destination, CancellationToken cancellationToken)
    {
        if (job.Kind == BulkJobKind.Query)
        {
            var records = await client.Bulk.WriteQueryResultsAsync(job.Id, destination, cancellationToken: cancellationToken);
            return $"Wrote {records:N0} record{(records == 1 ? "" : "s")} of query job {job.Id}";
        }

        var counts = new long[3];
        await using var writer = new CsvWriter(new StreamWriter(destination, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true));
        var headerWritten = false;
        try
        {
            await foreach (var row in client.Bulk.GetResultsAsync(job.Id, cancellationToken))
            {
                if (!headerWritten)
                {
                    await writer.WriteRowAsync(["sf__Result", "sf__Id", "sf__Created", "sf__Error", .. row.Columns], cancellationToken);
                    headerWritten = true;
                }

                counts[(int)row.Kind]++;
                var created = row.Created is { } c ? (c ? "true" : "false") : "";
                var error = row.Error is { } e ? $"{e.ErrorCode}:{e.Message}" + (e.Fields.Count > 0 ? $":{string.Join(",", e.Fields)}" : "") : "";
                await writer.WriteRowAsync([row.Kind.ToString().ToLowerInvariant(), row.Id ?? "", created, error, .. row.Values], cancellationToken);
            }
        }
        catch (SalesforceException e) when (e.ErrorCode == "BULK_RESULTS_INCOMPLETE")
        {
            throw new CliException(ExitCodes.Failure, e.Message);
        }

        if (!headerWritten)
        {
            await writer.WriteRowAsync(["sf__Result", "sf__Id", "sf__Created", "sf__Error"], cancellationToken);
        }

        return $"Wrote {counts.Sum():N0} rows of ingest job {job.Id} ({counts[0]:N0} successful, {counts[1]:N0} failed, {counts[2]:N0} unprocessed)";
    }
}

/// <summary><c>forcelink bulk abort JOB</c>.</summary>
internal sealed class BulkAbortCommand : CliCommand
{
    private readonly Argument<string> _job = new("JOB") { Description = "The job id (750...)." };

    public BulkAbortCommand(CliContext context)
        : base("abort", "Abort a Bulk API 2.0 job that has not finished; rows not yet processed stay unwritten (bulk results lists them as unprocessed).", context)
    {
        Arguments.Add(_job);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        var job = await BulkCommand.FindAsync(connection.Client, parseResult.GetValue(_job)!, cancellationToken);
        if (job.IsFinished)
        {
            throw new CliException(ExitCodes.Failure, $"the job {job.Id} has already finished ({job.StateName}): there is nothing to abort.");
        }

        var aborted = await connection.Client.Bulk.AbortJobAsync(job.Kind, job.Id, cancellationToken);
        await Output.WriteLineAsync($"Aborted job {aborted.Id} ({BulkCommand.Describe(job)}): {aborted.StateName}.");
        return ExitCodes.Success;
    }
}
