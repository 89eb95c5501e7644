using System.Runtime.CompilerServices;
using System.Text.Json;
using Forcelink.Soql;

namespace Forcelink.Bulk;

/// <summary>
/// Bulk API 2.0 through the client's pipeline (retries, token, limit tracking, <see cref="SalesforceException"/>): ingest
/// jobs that write records from records or CSV, query jobs that read a query's records page by page, and the jobs
/// themselves (get, list, wait, abort, delete). Reached as <see cref="SalesforceClient.Bulk"/>. Jobs run in Salesforce,
/// not in this process: one that outlives the process is followed again by its id.
/// </summary>
public partial class BulkClient
{
    private readonly SalesforceClient? _client;

    internal BulkClient(SalesforceClient client) => _client = client;

    /// <summary>For mocking only.</summary>
    protected BulkClient()
    {
    }

    private SalesforceClient Client => _client ?? throw new InvalidOperationException("This client was created for mocking.");

    private BulkOptions Options => Client.Options.Bulk;

    /// <summary>Reads a job's state and counts.</summary>
    /// <exception cref="SalesforceException">No such job (<c>NOT_FOUND</c>, 404), or refused.</exception>
    public virtual async Task<BulkJobInfo> GetJobAsync(BulkJobKind kind, string jobId, CancellationToken cancellationToken = default)
    {
        SalesforceClient.CheckId(jobId);
        using var activity = SalesforceClient.StartActivity("bulkJob", null);
        using var request = new HttpRequestMessage(HttpMethod.Get, await JobPathAsync(kind, jobId, cancellationToken).ConfigureAwait(false));
        return await SendForInfoAsync(request, kind, idempotent: true, knownId: jobId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists the org's Bulk API 2.0 jobs of a kind, following Salesforce's pages of up to 1,000 (in no set order).</summary>
    public virtual async IAsyncEnumerable<BulkJobInfo> ListJobsAsync(BulkJobKind kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var activity = SalesforceClient.StartActivity("bulkJobs", null);
        string? next = await Client.DataPathAsync($"jobs/{Segment(kind)}?jobType={(kind == BulkJobKind.Ingest ? "V2Ingest" : "V2Query")}", cancellationToken).ConfigureAwait(false);
        while (next is not null)
        {
            JobListBody page;
            using (var request = new HttpRequestMessage(HttpMethod.Get, next))
            using (var response = await Client.SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false))
            {
                page = await SalesforceClient.ReadAsync(response, BulkJsonContext.Default.JobListBody, cancellationToken).ConfigureAwait(false);
            }

            foreach (var job in page.Records ?? [])
            {
                yield return BulkWire.ToInfo(job, kind);
            }

            next = page.Done ? null : page.NextRecordsUrl?.TrimStart('/');
        }
    }

    /// <summary>Waits until a job has finished (complete, failed or aborted), reading its state on the client's <see cref="TimeProvider"/>:
    /// first after <see cref="BulkOptions.PollInterval"/>, then 1.5 times longer each time up to <see cref="BulkOptions.MaxPollInterval"/>.
    /// Cancelling stops the wait, not the job.</summary>
    /// <param name="kind">Ingest or query.</param>
    /// <param name="jobId">The job.</param>
    /// <param name="progress">Receives the job after each read.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public virtual async Task<BulkJobInfo> WaitForJobAsync(BulkJobKind kind, string jobId, IProgress<BulkJobInfo>? progress = null, CancellationToken cancellationToken = default)
    {
        var delay = Options.PollInterval;
        while (true)
        {
            var info = await GetJobAsync(kind, jobId, cancellationToken).ConfigureAwait(false);
            progress?.Report(info);
            if (info.IsFinished)
            {
                return info;
            }

            await Task.Delay(delay, Client.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(Options.MaxPollInterval.Ticks, (long)(delay.Ticks * 1.5)));
        }
    }

    /// <summary>Aborts a job that has not finished; rows not yet processed are then in its unprocessed results.</summary>
    /// <exception cref="SalesforceException">The job has finished already, or does not exist.</exception>
    public virtual Task<BulkJobInfo> AbortJobAsync(BulkJobKind kind, string jobId, CancellationToken cancellationToken = default) =>
        SetStateAsync(kind, jobId, "Aborted", cancellationToken);

    /// <summary>Deletes a finished job and its results (Salesforce deletes them itself 7 days after a job finishes).</summary>
    public virtual async Task DeleteJobAsync(BulkJobKind kind, string jobId, CancellationToken cancellationToken = default)
    {
        SalesforceClient.CheckId(jobId);
        using var activity = SalesforceClient.StartActivity("bulkDelete", null);
        using var request = new HttpRequestMessage(HttpMethod.Delete, await JobPathAsync(kind, jobId, cancellationToken).ConfigureAwait(false));
        using var response = await Client.SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false);
    }

    private async Task<BulkJobInfo> SetStateAsync(BulkJobKind kind, string jobId, string state, CancellationToken cancellationToken)
    {
        SalesforceClient.CheckId(jobId);
        using var activity = SalesforceClient.StartActivity(state == "Aborted" ? "bulkAbort" : "bulkClose", null);
        using var request = new HttpRequestMessage(HttpMethod.Patch, await JobPathAsync(kind, jobId, cancellationToken).ConfigureAwait(false))
        {
            Content = SalesforceClient.JsonBody(JsonSerializer.SerializeToUtf8Bytes(new JobStateBody { State = state }, BulkJsonContext.Default.JobStateBody)),
        };
        return await SendForInfoAsync(request, kind, idempotent: true, knownId: jobId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<BulkJobInfo> CreateJobAsync(BulkJobKind kind, CreateJobBody body, string? objectName, CancellationToken cancellationToken)
    {
        using var activity = SalesforceClient.StartActivity(kind == BulkJobKind.Ingest ? "bulkIngest" : "bulkQuery", objectName);
        using var request = new HttpRequestMessage(HttpMethod.Post, await Client.DataPathAsync($"jobs/{Segment(kind)}", cancellationToken).ConfigureAwait(false))
        {
            Content = SalesforceClient.JsonBody(JsonSerializer.SerializeToUtf8Bytes(body, BulkJsonContext.Default.CreateJobBody)),
        };

        // A repeat would create a second job.
        return await SendForInfoAsync(request, kind, idempotent: false, knownId: null, cancellationToken).ConfigureAwait(false);
    }

    // knownId: the job's id when the caller named it; an answer to a state change may carry only the new state
    // (a recorded close answered {"state":"UploadComplete"}).
    private async Task<BulkJobInfo> SendForInfoAsync(HttpRequestMessage request, BulkJobKind kind, bool idempotent, string? knownId, CancellationToken cancellationToken)
    {
        using var response = await Client.SendAsync(request, idempotent, cancellationToken).ConfigureAwait(false);
        var body = await SalesforceClient.ReadAsync(response, BulkJsonContext.Default.JobInfoBody, cancellationToken).ConfigureAwait(false);
        body.Id ??= knownId;
        return BulkWire.ToInfo(body, kind);
    }

    private Task<string> JobPathAsync(BulkJobKind kind, string jobId, CancellationToken cancellationToken) =>
        Client.DataPathAsync($"jobs/{Segment(kind)}/{jobId}", cancellationToken);

    private static string Segment(BulkJobKind kind) => kind == BulkJobKind.Ingest ? "ingest" : "query";

    /// <summary>The object a query reads, for typed and untyped records alike.</summary>
    private static string ObjectOf(SoqlQuery query) =>
        SalesforceClient.FromObject(query.Text) ?? throw new ArgumentException("The query names no object after FROM; a bulk query reads one object.", nameof(query));
}
