using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Forcelink.Csv;
using Forcelink.Records;

namespace Forcelink.Bulk;

public partial class BulkClient
{
    /// <summary>
    /// Writes records through Bulk API 2.0 and waits for every job to finish. The records are written as CSV straight onto
    /// the upload, never held whole; past <see cref="BulkOptions.MaxUploadBytes"/> the rest goes to a further job, with at
    /// most <see cref="BulkOptions.MaxJobsInFlight"/> jobs processing at once. Read each row's outcome afterwards with
    /// <see cref="GetResultsAsync(BulkIngestResult, CancellationToken)"/>.
    /// </summary>
    /// <param name="request">The object, operation and CSV shape. The columns are <see cref="BulkIngestRequest.Columns"/>, else the first record's fields.</param>
    /// <param name="records">The records. A field a record lacks is sent empty (left as it is); a field set to <see langword="null"/> as <c>#N/A</c> (cleared).</param>
    /// <param name="progress">Receives rows sent, processed and failed, and the job ids, as they change.</param>
    /// <param name="cancellationToken">Stops sending and waiting; jobs already uploaded run on in Salesforce (their ids are in the progress reports).</param>
    /// <exception cref="ArgumentException">A record has a field that is not a column, or lacks the Id or external id the operation needs.</exception>
    /// <exception cref="SalesforceException">Salesforce refused a job; when jobs were already uploaded, the message names them (<c>BULK_INGEST_INTERRUPTED</c>).</exception>
    public virtual async Task<BulkIngestResult> IngestAsync<T>(BulkIngestRequest request, IAsyncEnumerable<T> records, IProgress<BulkIngestProgress>? progress = null, CancellationToken cancellationToken = default)
        where T : SObject
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(records);
        var rows = new RecordRows<T>(records, request);
        await using (rows.ConfigureAwait(false))
        {
            return await IngestCoreAsync(request, rows, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the rows of a UTF-8 CSV (RFC 4180, header row of field API names, the request's delimiter, LF or CRLF) through
    /// Bulk API 2.0, as <see cref="IngestAsync{T}(BulkIngestRequest, IAsyncEnumerable{T}, IProgress{BulkIngestProgress}?, CancellationToken)"/>
    /// does: streamed, split past <see cref="BulkOptions.MaxUploadBytes"/>, every job waited for. The stream is read once, to its end.</summary>
    /// <exception cref="FormatException">The CSV cannot be read as written (a quote never closed, more cells than the header); the message
    /// names the line and column. Rows before it may already be in jobs: check a file first when that matters.</exception>
    public virtual async Task<BulkIngestResult> IngestAsync(BulkIngestRequest request, Stream csv, IProgress<BulkIngestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(csv);
        return await IngestAsync(request, CsvReader.Open(csv, delimiter: BulkWire.Char(request.ColumnDelimiter)), progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Follows jobs started earlier (by this or another process) until each has finished, as the result of one ingest.</summary>
    public virtual async Task<BulkIngestResult> ResumeAsync(IEnumerable<string> jobIds, IProgress<BulkIngestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobIds);
        var ids = jobIds.Select(id => SalesforceClient.CheckId(id, nameof(jobIds))).ToList();
        var tracker = new IngestProgress(progress);
        foreach (var id in ids)
        {
            tracker.Started(id);
        }

        var infos = await Task.WhenAll(ids.Select(id => WaitForJobAsync(BulkJobKind.Ingest, id, new InlineProgress(tracker.Update), cancellationToken))).ConfigureAwait(false);
        return new BulkIngestResult([.. infos.Select(info => new BulkIngestJob(info, null))]);
    }

    /// <summary>Streams the outcome of every row of an ingest's jobs as Salesforce returns it (in no set order): written rows, then failed
    /// ones, then unprocessed ones, each with the columns it was uploaded with. Reads one row at a time, whatever the size. At the end of
    /// each job, checks that every row sent has an outcome. The failed or unprocessed rows of a completed job whose counts show none
    /// are not requested.</summary>
    /// <exception cref="SalesforceException">A job's results do not account for every row it was sent (<c>BULK_RESULTS_INCOMPLETE</c>):
    /// the message says how many have no outcome.</exception>
    public virtual async IAsyncEnumerable<BulkResultRow> GetResultsAsync(BulkIngestResult result, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var job in result.Jobs)
        {
            await foreach (var row in ReadResultsAsync(job.Info, job.RecordsSent, cancellationToken).ConfigureAwait(false))
            {
                yield return row;
            }
        }
    }

    /// <summary>Streams the outcome of every row of one finished ingest job, for example one started by an earlier process.</summary>
    /// <exception cref="SalesforceException">The job has not finished (<c>BULK_JOB_NOT_FINISHED</c>), does not exist, or its results do not account for every row processed.</exception>
    public virtual async IAsyncEnumerable<BulkResultRow> GetResultsAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var info = await GetJobAsync(BulkJobKind.Ingest, jobId, cancellationToken).ConfigureAwait(false);
        if (!info.IsFinished)
        {
            throw new SalesforceException($"The bulk job {jobId} is {info.StateName}: its results can be read once it has finished (wait with WaitForJobAsync).", 0, "BULK_JOB_NOT_FINISHED");
        }

        await foreach (var row in ReadResultsAsync(info, null, cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    internal async Task<BulkIngestResult> IngestAsync(BulkIngestRequest request, CsvReader csv, IProgress<BulkIngestProgress>? progress, CancellationToken cancellationToken)
    {
        var rows = new CsvRows(csv);
        await using (rows.ConfigureAwait(false))
        {
            return await IngestCoreAsync(request, rows, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<BulkIngestResult> IngestCoreAsync(BulkIngestRequest request, IngestRows rows, IProgress<BulkIngestProgress>? progress, CancellationToken cancellationToken)
    {
        await rows.StartAsync(cancellationToken).ConfigureAwait(false);
        if (rows.Current is null)
        {
            return new BulkIngestResult([]);
        }

        var tracker = new IngestProgress(progress);
        var jobs = new List<(string Id, long Sent, Task<BulkJobInfo> Finished)>();
        try
        {
            while (rows.Current is not null)
            {
                while (jobs.Count(j => !j.Finished.IsCompleted) >= Options.MaxJobsInFlight)
                {
                    await Task.WhenAny(jobs.Select(j => j.Finished).Where(t => !t.IsCompleted)).ConfigureAwait(false);
                }

                // A job that failed while others were uploaded ends the ingest now rather than after the upload.
                if (jobs.FirstOrDefault(j => j.Finished.IsFaulted) is { Finished: { } failed })
                {
                    await failed.ConfigureAwait(false);
                }

                var job = await CreateJobAsync(BulkJobKind.Ingest, new CreateJobBody
                {
                    Object = request.ObjectName,
                    Operation = BulkWire.Name(request.Operation),
                    ExternalIdFieldName = request.ExternalIdFieldName,
                    AssignmentRuleId = request.AssignmentRuleId,
                    ColumnDelimiter = BulkWire.Name(request.ColumnDelimiter),
                    LineEnding = request.LineEnding == BulkLineEnding.CRLF ? "CRLF" : "LF",
                }, request.ObjectName, cancellationToken).ConfigureAwait(false);
                tracker.Started(job.Id);
                var sent = await UploadAsync(job, rows, request, cancellationToken).ConfigureAwait(false);
                await SetStateAsync(BulkJobKind.Ingest, job.Id, "UploadComplete", cancellationToken).ConfigureAwait(false);
                tracker.Sent(sent);
                jobs.Add((job.Id, sent, WaitForJobAsync(BulkJobKind.Ingest, job.Id, new InlineProgress(tracker.Update), cancellationToken)));
            }

            var infos = await Task.WhenAll(jobs.Select(j => j.Finished)).ConfigureAwait(false);
            return new BulkIngestResult([.. infos.Select((info, i) => new BulkIngestJob(info, jobs[i].Sent))]);
        }
        catch (SalesforceException e) when (jobs.Count > 0)
        {
            throw new SalesforceException(
                $"{e.Message} The bulk ingest stopped; {jobs.Count} job{(jobs.Count == 1 ? " was" : "s were")} already uploaded and run on in Salesforce: " +
                $"{string.Join(", ", jobs.Select(j => j.Id))}. Follow them with ResumeAsync, or abort them.",
                e.StatusCode,
                "BULK_INGEST_INTERRUPTED",
                e.Errors,
                e);
        }
    }

    private async Task<long> UploadAsync(BulkJobInfo job, IngestRows rows, BulkIngestRequest request, CancellationToken cancellationToken)
    {
        using var content = new IngestUploadContent(rows, BulkWire.Char(request.ColumnDelimiter), BulkWire.Text(request.LineEnding), Options.MaxUploadBytes);
        try
        {
            using var upload = new HttpRequestMessage(HttpMethod.Put, await Client.DataPathAsync($"jobs/ingest/{job.Id}/batches", cancellationToken).ConfigureAwait(false))
            {
                Content = content,
            };

            // Not repeatable: the rows stream once.
            using var response = await Client.SendAsync(upload, idempotent: false, cancellationToken).ConfigureAwait(false);
            return content.Rows;
        }
        catch (Exception e)
        {
            // An open job holds no data Salesforce will process; abort it so it does not linger as Open.
            try
            {
                await AbortJobAsync(BulkJobKind.Ingest, job.Id, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception abort) when (abort is SalesforceException or HttpRequestException)
            {
            }

            if (content.Failure is { } failure && !ReferenceEquals(failure, e))
            {
                ExceptionDispatchInfo.Throw(failure);
            }

            throw;
        }
    }

    private async IAsyncEnumerable<BulkResultRow> ReadResultsAsync(BulkJobInfo job, long? sent, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var counts = new long[3];
        foreach (var kind in ResultKinds)
        {
            // A completed job's counts are final: a result set they show empty would answer its header alone, and each
            // request counts against the org's daily API limit.
            if (job.State == BulkJobState.JobComplete
                && ((kind == BulkResultKind.Failed && job.RecordsFailed == 0)
                    || (kind == BulkResultKind.Unprocessed && (sent is null || sent == job.RecordsProcessed))))
            {
                continue;
            }

            var resource = kind switch
            {
                BulkResultKind.Successful => "successfulResults",
                BulkResultKind.Failed => "failedResults",
                _ => "unprocessedrecords",
            };
            await foreach (var row in ReadResultCsvAsync(job, resource, kind, cancellationToken).ConfigureAwait(false))
            {
                counts[(int)kind]++;
                yield return row;
            }
        }

        var (successful, failed, unprocessed) = (counts[0], counts[1], counts[2]);
        var missing = sent is { } total ? total - successful - failed - unprocessed : (job.RecordsSuccessful - successful) + (job.RecordsFailed - failed);
        if (missing != 0 || successful != job.RecordsSuccessful || failed != job.RecordsFailed)
        {
            var of = sent is { } s ? string.Create(CultureInfo.InvariantCulture, $" of the {s:N0} rows sent") : "";
            throw new SalesforceException(
                $"The results of bulk job {job.Id} do not account for every row{of}: {successful:N0} successful, {failed:N0} failed and {unprocessed:N0} unprocessed rows were read, " +
                $"while the job reports {job.RecordsProcessed:N0} processed of which {job.RecordsFailed:N0} failed. " +
                $"{Math.Abs(missing):N0} row{(Math.Abs(missing) == 1 ? "" : "s")} {(missing > 0 ? "have no outcome: they may or may not be written" : "more than expected were read")}; " +
                "read the results again, or check the job in Setup > Bulk Data Load Jobs.",
                0,
                "BULK_RESULTS_INCOMPLETE");
        }
    }

    private async IAsyncEnumerable<BulkResultRow> ReadResultCsvAsync(BulkJobInfo job, string resource, BulkResultKind kind, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var delimiter = BulkWire.Char(job.ColumnDelimiter);
        string? locator = null;
        do
        {
            var path = await Client.DataPathAsync($"jobs/ingest/{job.Id}/{resource}", cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Get, locator is null ? path : $"{path}?locator={Uri.EscapeDataString(locator)}");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
            using var response = await Client.SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false);
            locator = NextLocator(response);
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                ResultColumns? columns = null;
                await foreach (var row in CsvReader.Open(stream, delimiter: delimiter).ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (columns is null)
                    {
                        columns = new ResultColumns(row.Fields);
                        continue;
                    }

                    yield return columns.ToRow(job.Id, kind, row.Fields);
                }
            }
        }
        while (locator is not null);
    }

    private static readonly BulkResultKind[] ResultKinds = [BulkResultKind.Successful, BulkResultKind.Failed, BulkResultKind.Unprocessed];

    /// <summary>The next page's locator; Salesforce writes the string <c>null</c> on the last page.</summary>
    internal static string? NextLocator(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Sforce-Locator", out var values) && values.FirstOrDefault() is { Length: > 0 } value && value != "null" ? value : null;

    /// <summary>Where the <c>sf__</c> columns are in a result's header, and the uploaded columns after them.</summary>
    private sealed class ResultColumns
    {
        private readonly int _id = -1;
        private readonly int _created = -1;
        private readonly int _error = -1;
        private readonly int[] _uploaded;

        public ResultColumns(IReadOnlyList<string> header)
        {
            var uploaded = new List<int>();
            for (var i = 0; i < header.Count; i++)
            {
                switch (header[i])
                {
                    case "sf__Id":
                        _id = i;
                        break;
                    case "sf__Created":
                        _created = i;
                        break;
                    case "sf__Error":
                        _error = i;
                        break;
                    default:
                        uploaded.Add(i);
                        break;
                }
            }

            _uploaded = [.. uploaded];
            Names = [.. uploaded.Select(i => header[i])];
        }

        public IReadOnlyList<string> Names { get; }

        public BulkResultRow ToRow(string jobId, BulkResultKind kind, IReadOnlyList<string> fields)
        {
            string? Cell(int index) => index >= 0 && index < fields.Count ? fields[index] : null;
            var values = new string[_uploaded.Length];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = Cell(_uploaded[i]) ?? "";
            }

            var id = Cell(_id);
            bool? created = kind == BulkResultKind.Successful && bool.TryParse(Cell(_created), out var c) ? c : null;
            var error = kind == BulkResultKind.Failed ? BulkErrorText.Parse(Cell(_error)) : null;
            return new BulkResultRow(jobId, kind, string.IsNullOrEmpty(id) ? null : id, created, error, Names, values);
        }
    }

    /// <summary>Sums the jobs' counts into one report; jobs report from their own tasks.</summary>
    private sealed class IngestProgress(IProgress<BulkIngestProgress>? progress)
    {
        private readonly Lock _lock = new();
        private readonly List<string> _ids = [];
        private readonly Dictionary<string, BulkJobInfo> _latest = [];
        private long _sent;

        public void Started(string id)
        {
            lock (_lock)
            {
                _ids.Add(id);
            }

            Report();
        }

        public void Sent(long rows)
        {
            lock (_lock)
            {
                _sent += rows;
            }

            Report();
        }

        public void Update(BulkJobInfo info)
        {
            lock (_lock)
            {
                _latest[info.Id] = info;
            }

            Report();
        }

        private void Report()
        {
            if (progress is null)
            {
                return;
            }

            BulkIngestProgress report;
            lock (_lock)
            {
                report = new BulkIngestProgress(
                    _sent,
                    _latest.Values.Sum(i => i.RecordsProcessed),
                    _latest.Values.Sum(i => i.RecordsFailed),
                    [.. _ids],
                    _latest.Values.Count(i => i.IsFinished));
            }

            progress.Report(report);
        }
    }

    /// <summary>Calls back on the reporting thread (<see cref="Progress{T}"/> would post to the thread pool, out of order).</summary>
    private sealed class InlineProgress(Action<BulkJobInfo> report) : IProgress<BulkJobInfo>
    {
        public void Report(BulkJobInfo value) => report(value);
    }
}
