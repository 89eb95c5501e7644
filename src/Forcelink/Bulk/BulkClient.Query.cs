using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Forcelink.Csv;
using Forcelink.Records;
using Forcelink.Soql;

namespace Forcelink.Bulk;

public partial class BulkClient
{
    /// <summary>Creates a query job (<c>query</c>, or <c>queryAll</c> with <see cref="BulkQueryOptions.IncludeDeleted"/>); Salesforce runs it on its own.</summary>
    public virtual Task<BulkJobInfo> StartQueryAsync(SoqlQuery query, BulkQueryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        options ??= new BulkQueryOptions();
        if (options.MaxRecordsPerPage is < 1)
        {
            throw new ArgumentException($"MaxRecordsPerPage {options.MaxRecordsPerPage} must be at least 1.", nameof(options));
        }

        return CreateJobAsync(BulkJobKind.Query, new CreateJobBody
        {
            Operation = options.IncludeDeleted ? "queryAll" : "query",
            Query = query.Text,
            ColumnDelimiter = BulkWire.Name(options.ColumnDelimiter),
            LineEnding = options.LineEnding == BulkLineEnding.CRLF ? "CRLF" : "LF",
        }, SalesforceClient.FromObject(query.Text), cancellationToken);
    }

    /// <summary>Runs a query as a bulk job and streams its records as typed records, one page of results at a time (each page read
    /// row by row from the response), so memory stays constant at any size. Values arrive as text (CSV has no types): the typed getters
    /// read numbers, dates and checkboxes from it; an empty value is <see langword="null"/>; <c>Owner.Name</c> columns become related records.</summary>
    /// <exception cref="SalesforceException">Salesforce refused the query, or the job failed (<c>BULK_JOB_FAILED</c>).</exception>
    public virtual async IAsyncEnumerable<T> QueryAsync<T>(SoqlQuery query, BulkQueryOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : SObject, ISObjectType, new()
    {
        var job = await RunQueryAsync(query, options, cancellationToken).ConfigureAwait(false);
        await foreach (var fields in ReadQueryPagesAsync(job, options?.MaxRecordsPerPage, cancellationToken).ConfigureAwait(false))
        {
            yield return SObject.FromJson<T>(fields);
        }
    }

    /// <summary>Runs a query whose holes are bound by type as a bulk job: <c>QueryAsync&lt;Lead&gt;($"SELECT Id FROM Lead WHERE Company = {company}")</c>.</summary>
    public IAsyncEnumerable<T> QueryAsync<T>(SoqlInterpolatedStringHandler query, BulkQueryOptions? options = null, CancellationToken cancellationToken = default)
        where T : SObject, ISObjectType, new() =>
        QueryAsync<T>(new SoqlQuery(query), options, cancellationToken);

    /// <summary>Runs a query over any object as a bulk job and streams its records, as <see cref="QueryAsync{T}(SoqlQuery, BulkQueryOptions?, CancellationToken)"/> does.</summary>
    public virtual async IAsyncEnumerable<SObject> QueryAsync(SoqlQuery query, BulkQueryOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var objectName = ObjectOf(query);
        var job = await RunQueryAsync(query, options, cancellationToken).ConfigureAwait(false);
        await foreach (var fields in ReadQueryPagesAsync(job, options?.MaxRecordsPerPage, cancellationToken).ConfigureAwait(false))
        {
            yield return Record(objectName, fields);
        }
    }

    /// <summary>Runs a query over any object whose holes are bound by type as a bulk job: <c>QueryAsync($"SELECT Id FROM Contact WHERE Email = {email}")</c>.</summary>
    public IAsyncEnumerable<SObject> QueryAsync(SoqlInterpolatedStringHandler query, BulkQueryOptions? options = null, CancellationToken cancellationToken = default) =>
        QueryAsync(new SoqlQuery(query), options, cancellationToken);

    /// <summary>Streams the records of a finished query job, for example one started by an earlier process.</summary>
    public virtual async IAsyncEnumerable<SObject> ReadQueryResultsAsync(string jobId, int? maxRecordsPerPage = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var job = Completed(await GetJobAsync(BulkJobKind.Query, jobId, cancellationToken).ConfigureAwait(false));
        var objectName = job.ObjectName ?? "SObject";
        await foreach (var fields in ReadQueryPagesAsync(job, maxRecordsPerPage, cancellationToken).ConfigureAwait(false))
        {
            yield return Record(objectName, fields);
        }
    }

    /// <summary>Runs a query as a bulk job and writes its results to <paramref name="destination"/> as Salesforce sends them (CSV in the
    /// options' delimiter and line ending, one header row), page by page with no copy held: constant memory at any size.</summary>
    /// <returns>The number of records written.</returns>
    public virtual async Task<long> ExportAsync(SoqlQuery query, Stream destination, BulkQueryOptions? options = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var job = await RunQueryAsync(query, options, cancellationToken).ConfigureAwait(false);
        return await WriteQueryPagesAsync(job, destination, options?.MaxRecordsPerPage, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the results of a finished query job to <paramref name="destination"/>, as <see cref="ExportAsync"/> does.</summary>
    public virtual async Task<long> WriteQueryResultsAsync(string jobId, Stream destination, int? maxRecordsPerPage = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var job = Completed(await GetJobAsync(BulkJobKind.Query, jobId, cancellationToken).ConfigureAwait(false));
        return await WriteQueryPagesAsync(job, destination, maxRecordsPerPage, progress, cancellationToken).ConfigureAwait(false);
    }

    private async Task<BulkJobInfo> RunQueryAsync(SoqlQuery query, BulkQueryOptions? options, CancellationToken cancellationToken)
    {
        var job = await StartQueryAsync(query, options, cancellationToken).ConfigureAwait(false);
        return Completed(await WaitForJobAsync(BulkJobKind.Query, job.Id, cancellationToken: cancellationToken).ConfigureAwait(false));
    }

    private static BulkJobInfo Completed(BulkJobInfo job) => job.State switch
    {
        BulkJobState.JobComplete => job,
        BulkJobState.Failed or BulkJobState.Aborted => throw new SalesforceException(
            $"The bulk query job {job.Id} {(job.State == BulkJobState.Aborted ? "was aborted" : "failed")}{(job.ErrorMessage is { } m ? $": {m}" : "")}.", 0, "BULK_JOB_FAILED"),
        _ => throw new SalesforceException($"The bulk query job {job.Id} is {job.StateName}: its results can be read once it is JobComplete (wait with WaitForJobAsync).", 0, "BULK_JOB_NOT_FINISHED"),
    };

    private static SObject Record(string objectName, JsonObject fields)
    {
        var record = new SObject(objectName);
        record.Load(fields);
        return record;
    }

    /// <summary>Each record of each page, as the JSON a REST query would give (without types).</summary>
    private async IAsyncEnumerable<JsonObject> ReadQueryPagesAsync(BulkJobInfo job, int? maxRecords, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var delimiter = BulkWire.Char(job.ColumnDelimiter);
        string? locator = null;
        do
        {
            using var response = await GetQueryPageAsync(job, locator, maxRecords, cancellationToken).ConfigureAwait(false);
            locator = NextLocator(response);
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                string[][]? paths = null;
                await foreach (var row in CsvReader.Open(stream, delimiter: delimiter).ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (paths is null)
                    {
                        paths = [.. row.Fields.Select(name => name.Split('.'))];
                        continue;
                    }

                    yield return ToJson(paths, row.Fields);
                }
            }
        }
        while (locator is not null);
    }

    private static JsonObject ToJson(string[][] paths, IReadOnlyList<string> values)
    {
        var json = new JsonObject();
        for (var i = 0; i < paths.Length; i++)
        {
            var value = i < values.Count && values[i].Length > 0 ? JsonValue.Create(values[i]) : null;
            var target = json;
            var path = paths[i];
            for (var p = 0; p < path.Length - 1; p++)
            {
                if (target[path[p]] is not JsonObject child)
                {
                    target[path[p]] = child = [];
                }

                target = child;
            }

            target[path[^1]] = value;
        }

        return json;
    }

    private async Task<long> WriteQueryPagesAsync(BulkJobInfo job, Stream destination, int? maxRecords, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        long records = 0;
        string? locator = null;
        var first = true;
        var buffer = ArrayPool<byte>.Shared.Rent(81_920);
        try
        {
            do
            {
                using var response = await GetQueryPageAsync(job, locator, maxRecords, cancellationToken).ConfigureAwait(false);
                locator = NextLocator(response);
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    // Every page starts with the header row; the file keeps the first page's only.
                    var skipping = !first;
                    int read;
                    while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        var chunk = buffer.AsMemory(0, read);
                        if (skipping)
                        {
                            var end = chunk.Span.IndexOf((byte)'\n');
                            if (end < 0)
                            {
                                continue;
                            }

                            chunk = chunk[(end + 1)..];
                            skipping = false;
                        }

                        await destination.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                    }
                }

                first = false;
                if (response.Headers.TryGetValues("Sforce-NumberOfRecords", out var counts)
                    && long.TryParse(counts.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
                {
                    records += count;
                    progress?.Report(records);
                }
            }
            while (locator is not null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        return records;
    }

    private async Task<HttpResponseMessage> GetQueryPageAsync(BulkJobInfo job, string? locator, int? maxRecords, CancellationToken cancellationToken)
    {
        // Results must be read with the API version that made the job (else 409).
        var version = job.ApiVersion ?? await Client.GetApiVersionAsync(cancellationToken).ConfigureAwait(false);
        var query = new List<string>();
        if (locator is not null)
        {
            query.Add($"locator={Uri.EscapeDataString(locator)}");
        }

        if (maxRecords is { } max)
        {
            query.Add(string.Create(CultureInfo.InvariantCulture, $"maxRecords={max}"));
        }

        var path = $"services/data/v{version}/jobs/query/{job.Id}/results{(query.Count == 0 ? "" : "?" + string.Join('&', query))}";
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        return await Client.SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false);
    }
}
