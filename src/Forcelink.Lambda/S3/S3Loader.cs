using System.Text.Json;
using Amazon.S3;
using Forcelink.Bulk;
using Forcelink.Csv;
using Forcelink.Lambda.Events;
using Microsoft.Extensions.Logging;
using Forcelink.Aws.Metrics;

namespace Forcelink.Lambda.S3;

/// <summary>
/// Loads CSV files from S3 into Salesforce with Bulk API 2.0 (docs/deploy.md, "Loading CSV files from S3"). A file is
/// checked in a first streamed pass, then streamed again into ingest jobs; once they finish, every row's outcome goes to
/// three CSV files and a <c>summary.json</c> under the results prefix. When the invocation nears its deadline with jobs
/// still running, the summary records them (status <c>running</c>) and <see cref="S3FollowUp"/> brings the load back to
/// a later invocation; the summary is also what makes a second delivery of the same file (same ETag) load nothing.
/// </summary>
/// <remarks>Logs name buckets, keys, job ids and counts, never a row's data.</remarks>
internal sealed partial class S3Loader(
    SalesforceClient client,
    S3ObjectStore store,
    S3LoadOptions options,
    S3FollowUp? followUp,
    EmbeddedMetrics metrics,
    TimeProvider timeProvider,
    ILogger<S3Loader> logger)
{
    private enum Outcome
    {
        Done,

        // The load runs on and nothing else will bring it back: SQS should deliver this message again.
        Again,
    }

    /// <summary>Handles the items of one event in order. From SQS, the answer names the messages to deliver again (an
    /// error, or a load to look at again when no follow-up queue is set); otherwise an error is thrown (Lambda's retry).</summary>
    public async Task<ReadOnlyMemory<byte>> HandleAsync(bool fromSqs, IReadOnlyList<S3LoadItem> items, DateTimeOffset deadline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var again = new List<string>();
        foreach (var item in items)
        {
            try
            {
                var outcome = item switch
                {
                    { Created: { } created } => await LoadAsync(created, deadline, cancellationToken).ConfigureAwait(false),
                    { FollowUp: { } load } => await FollowUpAsync(load, deadline, cancellationToken).ConfigureAwait(false),
                    _ => Ignore(item),
                };
                if (outcome == Outcome.Again && item.MessageId is { } id)
                {
                    again.Add(id);
                }
            }
            catch (Exception e) when (fromSqs && item.MessageId is not null && e is AmazonS3Exception or SalesforceException or HttpRequestException or IOException or OperationCanceledException)
            {
                LogItemFailed(logger, item.MessageId, e.GetType().Name, e.Message);
                again.Add(item.MessageId);
            }
        }

        return fromSqs ? SqsEvent.ToResponse(again) : "{\"ok\":true}"u8.ToArray();
    }

    private Outcome Ignore(S3LoadItem item)
    {
        if (item.Problem is { } problem)
        {
            LogIgnored(logger, item.MessageId ?? "", problem);
        }

        return Outcome.Done;
    }

    private async Task<Outcome> LoadAsync(S3ObjectRef file, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        if (!string.Equals(file.Bucket, options.Bucket, StringComparison.Ordinal) || !file.Key.StartsWith(options.Prefix, StringComparison.Ordinal))
        {
            LogNotOurs(logger, file.Bucket, file.Key, options.Bucket, options.Prefix);
            return Outcome.Done;
        }

        var started = timeProvider.GetUtcNow();
        var folder = S3LoadKey.ResultsFolder(file.Key, options.ResultsPrefix);
        if (await ReadSummaryAsync(folder, cancellationToken).ConfigureAwait(false) is { } earlier && file.ETag is not null && earlier.ETag == file.ETag)
        {
            metrics.Record(S3MetricNames.Duplicates, 1, MetricUnit.Count);
            if (earlier.Status == S3LoadSummary.Running && earlier.Jobs.Count > 0)
            {
                // The event again for a load whose jobs run on: whoever comes first finishes it, with the same results.
                LogDuplicate(logger, file.Bucket, file.Key, earlier.Status, "its jobs are followed");
                return await FollowAsync(earlier, folder, deadline, cancellationToken).ConfigureAwait(false);
            }

            LogDuplicate(logger, file.Bucket, file.Key, earlier.Status, "nothing is loaded again");
            return Outcome.Done;
        }

        var summary = new S3LoadSummary { Bucket = file.Bucket, Key = file.Key, ETag = file.ETag, Started = started, Invocations = 1 };
        var (request, keyProblem) = S3LoadKey.Parse(file.Key, options.Prefix);
        if (request is null)
        {
            return await RefuseAsync(summary, folder, $"{keyProblem}.", cancellationToken).ConfigureAwait(false);
        }

        (summary.Operation, summary.Object, summary.ExternalIdField) = (BulkWire.Name(request.Operation), request.ObjectName, request.ExternalIdFieldName);
        var size = file.Size;
        if (size is null || file.ETag is null)
        {
            if (await store.HeadAsync(file.Bucket, file.Key, cancellationToken).ConfigureAwait(false) is not { } head)
            {
                LogGone(logger, file.Bucket, file.Key);
                return Outcome.Done;
            }

            (size, summary.ETag) = (head.Size, summary.ETag ?? head.ETag);
        }

        if (size == 0)
        {
            return await RefuseAsync(summary, folder, "the object is empty (0 bytes): upload a CSV file with a header row and at least one row. Nothing was loaded.", cancellationToken).ConfigureAwait(false);
        }

        if (size > options.MaxBytes)
        {
            return await RefuseAsync(summary, folder, $"the file has {size:N0} bytes, more than the {options.MaxBytes:N0} this function takes ({S3LoadOptions.MaxBytesVariable}): split it, or raise the setting. Nothing was loaded.", cancellationToken).ConfigureAwait(false);
        }

        // The claim: a second delivery from here on finds the load.
        await WriteSummaryAsync(summary, folder, cancellationToken).ConfigureAwait(false);
        LogStarted(logger, file.Bucket, file.Key, summary.Operation, request.ObjectName, size.Value);

        IReadOnlyList<string> header;
        long rows;
        string? problem;
        var check = await store.OpenReadAsync(file.Bucket, file.Key, summary.ETag, cancellationToken).ConfigureAwait(false);
        await using (check.ConfigureAwait(false))
        {
            (header, rows, problem) = await S3FileCheck.RunAsync(check, request, cancellationToken).ConfigureAwait(false);
        }

        if (problem is null)
        {
            try
            {
                problem = S3FileCheck.CheckColumns(await client.DescribeAsync(request.ObjectName, cancellationToken).ConfigureAwait(false), header, request);
            }
            catch (SalesforceException e) when (e.StatusCode == 404)
            {
                problem = $"'{request.ObjectName}' is not an object this user can see in the org: check the key's object folder (such as Lead, Case or Invoice__c). Nothing was loaded.";
            }
        }

        (summary.Rows, summary.Columns) = (rows, [.. header]);
        if (problem is not null)
        {
            return await RefuseAsync(summary, folder, problem, cancellationToken).ConfigureAwait(false);
        }

        var tracker = new JobTracker();
        using var stopping = new CancellationTokenSource(UntilReserve(deadline), timeProvider);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping.Token);
        BulkIngestResult result;
        try
        {
            var csv = await store.OpenReadAsync(file.Bucket, file.Key, summary.ETag, cancellationToken).ConfigureAwait(false);
            await using (csv.ConfigureAwait(false))
            {
                result = await client.Bulk.IngestAsync(request, CsvReader.Open(csv), tracker, stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            tracker.CopyTo(summary);
            if (summary.RowsSent < summary.Rows)
            {
                summary.Message = $"The invocation's time ran out while uploading: the last {summary.Rows - summary.RowsSent:N0} rows of the file were not sent. " +
                    "Raise the function's timeout or split the file, and drop it again.";
            }

            return await ScheduleAsync(summary, folder, cancellationToken).ConfigureAwait(false);
        }
        catch (SalesforceException e)
        {
            tracker.CopyTo(summary);
            summary.Message = $"Salesforce refused the load: {e.Message}";
            if (summary.Jobs.Count == 0)
            {
                return await RefuseAsync(summary, folder, summary.Message, cancellationToken).ConfigureAwait(false);
            }

            // The jobs already uploaded run on: their rows' outcomes are still written.
            return await FollowAsync(summary, folder, deadline, cancellationToken).ConfigureAwait(false);
        }

        tracker.CopyTo(summary);
        return await FinishAsync(summary, folder, result, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Outcome> FollowUpAsync(S3ObjectRef load, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var folder = S3LoadKey.ResultsFolder(load.Key, options.ResultsPrefix);
        if (!string.Equals(load.Bucket, options.Bucket, StringComparison.Ordinal)
            || await ReadSummaryAsync(folder, cancellationToken).ConfigureAwait(false) is not { Status: S3LoadSummary.Running } summary
            || summary.ETag != load.ETag)
        {
            LogFollowUpDone(logger, load.Bucket, load.Key);
            return Outcome.Done;
        }

        summary.Invocations++;
        return await FollowAsync(summary, folder, deadline, cancellationToken).ConfigureAwait(false);
    }

    // Waits for the summary's jobs, then writes the results; near the deadline, records the counts and schedules again.
    private async Task<Outcome> FollowAsync(S3LoadSummary summary, string folder, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        if (summary.Jobs.Count == 0)
        {
            summary.Message ??= "The function stopped before any job was uploaded. Drop the file again.";
            return await RefuseAsync(summary, folder, summary.Message, cancellationToken).ConfigureAwait(false);
        }

        var tracker = new JobTracker();
        using var stopping = new CancellationTokenSource(UntilReserve(deadline), timeProvider);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopping.Token);
        BulkIngestResult resumed;
        try
        {
            resumed = await client.Bulk.ResumeAsync(summary.Jobs.Select(j => j.Id), tracker, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            (summary.RowsProcessed, summary.RowsFailed) = (tracker.Processed, tracker.Failed);
            return await ScheduleAsync(summary, folder, cancellationToken).ConfigureAwait(false);
        }

        // Resumed by id, a job does not know its rows sent; the summary does, so unprocessed rows are counted and read.
        var sent = summary.Jobs.ToDictionary(j => j.Id, j => j.Sent, StringComparer.Ordinal);
        var result = new BulkIngestResult([.. resumed.Jobs.Select(j => new BulkIngestJob(j.Info, sent.GetValueOrDefault(j.Info.Id)))]);
        return await FinishAsync(summary, folder, result, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Outcome> FinishAsync(S3LoadSummary summary, string folder, BulkIngestResult result, CancellationToken cancellationToken)
    {
        var writer = new S3ResultsWriter(store, summary.Bucket, folder);
        try
        {
            var (successful, failed, unprocessed) = await writer.WriteAsync(client.Bulk.GetResultsAsync(result, cancellationToken), summary.Columns, cancellationToken).ConfigureAwait(false);
            (summary.RowsSuccessful, summary.RowsFailed, summary.RowsUnprocessed) = (successful, failed, unprocessed);
            summary.RowsProcessed = successful + failed;
            summary.Results = writer.Files;
            var whole = summary.RowsSent == summary.Rows && unprocessed == 0 && successful + failed == summary.Rows;
            summary.Status = whole && summary.Message is null ? S3LoadSummary.Complete : S3LoadSummary.Incomplete;
            if (summary.Status == S3LoadSummary.Incomplete && summary.Message is null)
            {
                summary.Message = $"{summary.Rows - successful - failed:N0} of the file's {summary.Rows:N0} rows were not processed: they are in unprocessed.csv; a job failed or was aborted ({JobStates(result)}).";
            }
        }
        catch (SalesforceException e) when (e.ErrorCode == "BULK_RESULTS_INCOMPLETE")
        {
            summary.Status = S3LoadSummary.Incomplete;
            summary.Message = e.Message;
        }

        summary.Finished = timeProvider.GetUtcNow();
        await WriteSummaryAsync(summary, folder, cancellationToken).ConfigureAwait(false);
        foreach (var job in result.Jobs)
        {
            metrics.Record(S3MetricNames.JobDuration, job.Info.TotalProcessingTime, MetricUnit.Milliseconds, ("Object", summary.Object ?? "Other"));
        }

        RecordRows(summary);
        metrics.Record(S3MetricNames.LoadDuration, (summary.Finished.Value - summary.Started).TotalMilliseconds, MetricUnit.Milliseconds, ("Object", summary.Object ?? "Other"));
        var jobIds = string.Join(",", summary.Jobs.Select(j => j.Id));
        LogFinished(logger, summary.Bucket, summary.Key, summary.Status, summary.Rows, summary.RowsSuccessful, summary.RowsFailed, summary.RowsUnprocessed, jobIds);
        return Outcome.Done;
    }

    private static string JobStates(BulkIngestResult result) =>
        string.Join(", ", result.Jobs.Where(j => j.Info.State != BulkJobState.JobComplete).Select(j => $"{j.Info.Id} {j.Info.StateName}{(j.Info.ErrorMessage is { } m ? $": {m}" : "")}"));

    // Records where the load stands and makes sure something brings it back.
    private async Task<Outcome> ScheduleAsync(S3LoadSummary summary, string folder, CancellationToken cancellationToken)
    {
        await WriteSummaryAsync(summary, folder, cancellationToken).ConfigureAwait(false);
        var jobs = string.Join(",", summary.Jobs.Select(j => j.Id));
        if (followUp is null)
        {
            LogRunsOn(logger, summary.Bucket, summary.Key, jobs, "no follow-up queue: the message is delivered again");
            return Outcome.Again;
        }

        if (await followUp.SendAsync(new S3ObjectRef(summary.Bucket, summary.Key, summary.ETag, null), cancellationToken).ConfigureAwait(false) is { } failure)
        {
            var why = $"the follow-up was not sent ({failure}): the message is delivered again";
            LogRunsOn(logger, summary.Bucket, summary.Key, jobs, why);
            return Outcome.Again;
        }

        metrics.Record(S3MetricNames.FollowUps, 1, MetricUnit.Count);
        LogRunsOn(logger, summary.Bucket, summary.Key, jobs, "a follow-up message brings it back");
        return Outcome.Done;
    }

    private async Task<Outcome> RefuseAsync(S3LoadSummary summary, string folder, string message, CancellationToken cancellationToken)
    {
        summary.Status = summary.Jobs.Count == 0 ? S3LoadSummary.Failed : S3LoadSummary.Incomplete;
        summary.Message = char.ToUpperInvariant(message[0]) + message[1..];
        summary.Finished = timeProvider.GetUtcNow();
        await WriteSummaryAsync(summary, folder, cancellationToken).ConfigureAwait(false);
        metrics.Record(S3MetricNames.FilesRefused, 1, MetricUnit.Count);
        LogRefused(logger, summary.Bucket, summary.Key, summary.Message);
        return Outcome.Done;
    }

    private void RecordRows(S3LoadSummary summary)
    {
        var dimension = ("Object", summary.Object ?? "Other");
        metrics.Record(S3MetricNames.RowsProcessed, summary.RowsProcessed, MetricUnit.Count, dimension);
        metrics.Record(S3MetricNames.RowsFailed, summary.RowsFailed, MetricUnit.Count, dimension);
        metrics.Record(S3MetricNames.RowsUnprocessed, summary.RowsUnprocessed, MetricUnit.Count, dimension);
    }

    // How long a load may upload and wait for its jobs: until the reserve before the deadline, kept to record it or write its results.
    private TimeSpan UntilReserve(DateTimeOffset deadline)
    {
        // A short timeout keeps a quarter of what is left rather than all of it: the upload still gets its share.
        var now = timeProvider.GetUtcNow();
        var reserve = TimeSpan.FromTicks(Math.Min(options.Reserve.Ticks, (deadline - now).Ticks / 4));
        var left = deadline - reserve - now;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private async Task<S3LoadSummary?> ReadSummaryAsync(string folder, CancellationToken cancellationToken)
    {
        var text = await store.ReadTextAsync(options.Bucket, folder + "summary.json", cancellationToken).ConfigureAwait(false);
        try
        {
            return text is null ? null : JsonSerializer.Deserialize(text, S3LoadJsonContext.Default.S3LoadSummary);
        }
        catch (JsonException)
        {
            // Not ours to read (written by hand?): the file is loaded as if new.
            return null;
        }
    }

    private Task WriteSummaryAsync(S3LoadSummary summary, string folder, CancellationToken cancellationToken) =>
        store.WriteTextAsync(summary.Bucket, folder + "summary.json", JsonSerializer.Serialize(summary, S3LoadJsonContext.Default.S3LoadSummary), "application/json", cancellationToken);

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Loading s3://{Bucket}/{Key}: {Operation} {Object}, {Bytes} bytes")]
    private static partial void LogStarted(ILogger logger, string bucket, string key, string operation, string @object, long bytes);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Loaded s3://{Bucket}/{Key}: {Status}, {Rows} rows, {Successful} successful, {Failed} failed, {Unprocessed} unprocessed; jobs {JobIds}")]
    private static partial void LogFinished(ILogger logger, string bucket, string key, string status, long rows, long successful, long failed, long unprocessed, string jobIds);

    [LoggerMessage(EventId = 702, Level = LogLevel.Warning, Message = "Not loaded: s3://{Bucket}/{Key}: {Problem}")]
    private static partial void LogRefused(ILogger logger, string bucket, string key, string problem);

    [LoggerMessage(EventId = 703, Level = LogLevel.Information, Message = "s3://{Bucket}/{Key} runs on in jobs {JobIds}: {How}")]
    private static partial void LogRunsOn(ILogger logger, string bucket, string key, string jobIds, string how);

    [LoggerMessage(EventId = 704, Level = LogLevel.Information, Message = "s3://{Bucket}/{Key} delivered again (load {Status}): {What}")]
    private static partial void LogDuplicate(ILogger logger, string bucket, string key, string status, string what);

    [LoggerMessage(EventId = 705, Level = LogLevel.Warning, Message = "Ignored s3://{Bucket}/{Key}: loads come from s3://{OurBucket}/{Prefix} only")]
    private static partial void LogNotOurs(ILogger logger, string bucket, string key, string ourBucket, string prefix);

    [LoggerMessage(EventId = 706, Level = LogLevel.Information, Message = "s3://{Bucket}/{Key} is gone: nothing to load")]
    private static partial void LogGone(ILogger logger, string bucket, string key);

    [LoggerMessage(EventId = 707, Level = LogLevel.Information, Message = "Follow-up for s3://{Bucket}/{Key}: the load is no longer running")]
    private static partial void LogFollowUpDone(ILogger logger, string bucket, string key);

    [LoggerMessage(EventId = 708, Level = LogLevel.Warning, Message = "Ignored message {MessageId}: {Problem}")]
    private static partial void LogIgnored(ILogger logger, string messageId, string problem);

    [LoggerMessage(EventId = 709, Level = LogLevel.Error, Message = "Message {MessageId} failed and is delivered again: {ErrorType} {ErrorMessage}")]
    private static partial void LogItemFailed(ILogger logger, string messageId, string errorType, string errorMessage);

    /// <summary>The jobs of an ingest and the rows sent to each, from the library's progress reports (which may arrive
    /// out of order from the jobs' tasks: the largest count seen for each number of jobs started wins).</summary>
    private sealed class JobTracker : IProgress<BulkIngestProgress>
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<int, long> _sentByJobs = [];
        private IReadOnlyList<string> _ids = [];

        public long Processed { get; private set; }

        public long Failed { get; private set; }

        public void Report(BulkIngestProgress value)
        {
            lock (_lock)
            {
                if (value.JobIds.Count > _ids.Count)
                {
                    _ids = value.JobIds;
                }

                _sentByJobs[value.JobIds.Count] = Math.Max(_sentByJobs.GetValueOrDefault(value.JobIds.Count), value.RecordsSent);
                Processed = Math.Max(Processed, value.RecordsProcessed);
                Failed = Math.Max(Failed, value.RecordsFailed);
            }
        }

        public void CopyTo(S3LoadSummary summary)
        {
            lock (_lock)
            {
                // A job's rows count once its upload is done; a job whose upload was cut short was aborted, and sent none.
                var jobs = new List<S3LoadJob>();
                var before = 0L;
                for (var i = 0; i < _ids.Count; i++)
                {
                    var total = _sentByJobs.GetValueOrDefault(i + 1, before);
                    if (total > before)
                    {
                        jobs.Add(new S3LoadJob(_ids[i], total - before));
                        before = total;
                    }
                }

                summary.Jobs = jobs;
                summary.RowsSent = before;
                summary.RowsProcessed = Processed;
                summary.RowsFailed = Failed;
            }
        }
    }
}
