using System.Globalization;
using System.Text.Json;
using Forcelink.Emulator.Api;
using Forcelink.Emulator.Org;
using Forcelink.Emulator.Soql;
using Microsoft.AspNetCore.Http.Features;

namespace Forcelink.Emulator.Bulk;

/// <summary>
/// Bulk API 2.0 under <c>/services/data/vXX.X/jobs/</c>: ingest jobs (API 41.0+) and query jobs (API 47.0+). Every
/// route but the upload runs under the org gate through <see cref="RestApi.Handle"/>; the upload streams its body
/// to disk outside the gate (<see cref="UploadAsync"/>) and results stream from disk after the gate is released.
/// </summary>
internal sealed class BulkApi(EmulatedOrg org, RecordWriter writer)
{
    private const decimal MinIngestVersion = 41.0m;
    private const decimal MinQueryVersion = 47.0m;
    private const int JobListPageSize = 1000;

    private static readonly string[] IngestOperations = ["insert", "update", "upsert", "delete", "hardDelete"];
    private static readonly string[] QueryOperations = ["query", "queryAll"];

    private readonly IngestProcessor _ingest = new(org, writer);
    private readonly QueryProcessor _query = new(org);

    private BulkJobStore Jobs => org.BulkJobs;

    private DateTimeOffset Now => org.TimeProvider.GetUtcNow();

    /// <summary>The one route whose body is streamed rather than read into <see cref="ApiCall.Body"/>.</summary>
    public static bool IsUpload(string method, IReadOnlyList<string> segments) =>
        HttpMethods.IsPut(method) && segments is ["jobs", "ingest", _, "batches"];

    public ApiResult Handle(ApiCall call, string[] rest)
    {
        if (rest is not [("ingest" or "query") and var kind, ..])
        {
            return ApiResult.NotFound();
        }

        var isQuery = kind == "query";
        if (call.VersionNumber < (isQuery ? MinQueryVersion : MinIngestVersion))
        {
            return ApiResult.NotFound();
        }

        return rest[1..] switch
        {
            [] => call.Method switch
            {
                "POST" => isQuery ? CreateQuery(call) : CreateIngest(call),
                "GET" or "HEAD" => List(call, isQuery),
                _ => ApiResult.MethodNotAllowed(call.Method, "GET,HEAD,POST"),
            },
            [var id] => Jobs.Find(id) is { } job && job.IsQuery == isQuery
                ? call.Method switch
                {
                    "GET" or "HEAD" => ApiResult.Json(200, w => JobInfoWriter.Write(w, job, job.StateAt(Now), JobView.Info)),
                    "PATCH" => ChangeState(call, job),
                    "DELETE" => Delete(job),
                    _ => ApiResult.MethodNotAllowed(call.Method, "GET,HEAD,PATCH,DELETE"),
                }
                : ApiResult.NotFound(),
            [var id, var resource] => Jobs.Find(id) is { } job && job.IsQuery == isQuery
                ? Resource(call, job, resource)
                : ApiResult.NotFound(),
            _ => ApiResult.NotFound(),
        };
    }

    /// <summary>
    /// <c>PUT jobs/ingest/{id}/batches</c>: the CSV goes to the job's folder as it arrives, measured against the upload
    /// limit. A second upload is accepted and makes the close fail, as Salesforce answers it.
    /// </summary>
    public async Task<ApiResult> UploadAsync(string version, IReadOnlyList<string> segments, HttpContext context, CancellationToken cancellationToken = default)
    {
        BulkJob? job;
        bool first;
        await org.Gate.WaitAsync(cancellationToken);
        try
        {
            job = Jobs.Find(segments[2]);
            if (job is null || job.IsQuery || decimal.Parse(version, CultureInfo.InvariantCulture) < MinIngestVersion)
            {
                return ApiResult.NotFound();
            }

            var state = job.StateAt(Now);
            if (state != BulkJobState.Open)
            {
                return BulkErrors.InvalidJobState($"Data can be uploaded only to an Open job; job {job.Id} is {state}.");
            }

            job.Uploads++;
            first = job.Uploads == 1;
            job.Uploading = true;
        }
        finally
        {
            org.Gate.Release();
        }

        var limit = org.Options.Bulk.UploadLimitBytes;
        long received = 0;
        var completed = false;
        try
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                // Kestrel's 30 MB default would cut a legal 100 MB upload short; the emulator applies Salesforce's limit itself.
                size.MaxRequestBodySize = null;
            }

            await using (var target = first ? new FileStream(job.UploadPath, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: true) : Stream.Null)
            {
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await context.Request.Body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    received += read;
                    if (Base64Length(received) > limit)
                    {
                        break;
                    }

                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            completed = Base64Length(received) <= limit;
        }
        finally
        {
            await org.Gate.WaitAsync(CancellationToken.None);
            try
            {
                job.Uploading = false;
                if (completed)
                {
                    job.HasData |= first;
                }
                else
                {
                    job.Uploads--;
                    if (first && Jobs.Find(job.Id) == job)
                    {
                        File.Delete(job.UploadPath);
                    }
                }
            }
            finally
            {
                org.Gate.Release();
            }
        }

        return completed ? new ApiResult(201) : BulkErrors.UploadTooLarge(limit);
    }

    /// <summary>Salesforce measures the upload after base64 encoding.</summary>
    private static long Base64Length(long bytes) => (bytes + 2) / 3 * 4;

    private ApiResult CreateIngest(ApiCall call)
    {
        var body = JsonBodies.Parse(call.Body);
        if (body.ValueKind != JsonValueKind.Object)
        {
            return BulkErrors.JsonParser("JobInfo", body);
        }

        if (Settings(body, IngestOperations, out var operation, out var format) is { } invalid)
        {
            return invalid;
        }

        if (Text(body, "object") is not { Length: > 0 } objectName)
        {
            return BulkErrors.InvalidJob("The object property is required: name the sObject to load, e.g. {\"object\":\"Account\",\"operation\":\"insert\"}.");
        }

        if (operation is null)
        {
            return BulkErrors.InvalidJob("The operation property is required: insert, update, upsert, delete or hardDelete.");
        }

        // Bulk API 1.0's wording for the same checks (InvalidJob exceptions); Bulk API 2.0 reports the codes in capitals.
        if (org.Store.Find(objectName) is not { } schema || !org.Directory.PermissionsFor(call.Session.User, schema.Name).Read)
        {
            return BulkErrors.InvalidJob($"Unable to find object: {objectName}");
        }

        string? externalId = null;
        if (operation == "upsert")
        {
            if (Text(body, "externalIdFieldName") is not { Length: > 0 } keyName)
            {
                return BulkErrors.InvalidJob($"External ID was blank for {schema.Name}. An External ID must be specified for upsert.");
            }

            if (schema.Find(keyName) is not { } key || (!key.ExternalId && key.Type != Records.FieldType.Id))
            {
                return BulkErrors.InvalidJob($"Field name provided, {keyName} does not match an External ID, Salesforce Id, or indexed field for {schema.Name}");
            }

            externalId = key.Name;
        }

        var id = Jobs.NewId();
        var job = new BulkJob(id, isQuery: false, operation, schema.Name, call.Session, Now, call.Version, format, Jobs.NewDirectory(id))
        {
            ExternalIdFieldName = externalId,
        };
        Jobs.Add(job);
        return ApiResult.Json(200, w => JobInfoWriter.Write(w, job, BulkJobState.Open, JobView.Created));
    }

    private ApiResult CreateQuery(ApiCall call)
    {
        var body = JsonBodies.Parse(call.Body);
        if (body.ValueKind != JsonValueKind.Object)
        {
            return BulkErrors.JsonParser("QueryJobInfo", body);
        }

        if (Settings(body, QueryOperations, out var operation, out var format) is { } invalid)
        {
            return invalid;
        }

        if (operation is null)
        {
            return BulkErrors.InvalidJob("The operation property is required: query or queryAll.");
        }

        if (Text(body, "query") is not { Length: > 0 } soql)
        {
            return BulkErrors.InvalidJob("The query property is required: the SOQL to run, e.g. {\"operation\":\"query\",\"query\":\"SELECT Id FROM Account\"}.");
        }

        SoqlQueryResult result;
        var catalog = new UserCatalog(org, call.Session.User);
        try
        {
            var select = SoqlParser.ParseQuery(soql);
            if (Unsupported(select) is { } feature)
            {
                return BulkErrors.InvalidJob($"Failed to process query: FUNCTIONALITY_NOT_ENABLED: {feature} not supported by Bulk API 2.0 queries");
            }

            result = new SoqlEngine(catalog, org.TimeProvider).Query(soql, includeDeleted: operation == "queryAll");
        }
        catch (SoqlException e)
        {
            return BulkErrors.InvalidJob($"Failed to process query: {e.ErrorCode}: {e.Message}");
        }

        var now = Now;
        var id = Jobs.NewId();
        var job = new BulkJob(id, isQuery: true, operation, result.EntityName, call.Session, now, call.Version, format, Jobs.NewDirectory(id))
        {
            Query = soql,
            PkChunkingSupported = result.EntityName != "Organization",
        };
        Jobs.Add(job);
        _query.Process(job, result, catalog, now, now + org.Options.Bulk.ProcessingTime);
        return ApiResult.Json(200, w => JobInfoWriter.Write(w, job, BulkJobState.UploadComplete, JobView.Created));
    }

    /// <summary>Bulk API 2.0 runs neither aggregates nor OFFSET ("Understanding Bulk API 2.0 Query", Limits).</summary>
    private static string? Unsupported(SoqlSelect select) =>
        select.IsCount || select.IsAggregate ? "Aggregate functions such as COUNT() and GROUP BY are"
        : select.Offset is not null ? "OFFSET is"
        : null;

    /// <summary>Reads operation, contentType, columnDelimiter and lineEnding; values outside their enums fail as Jackson does.</summary>
    private static ApiResult? Settings(JsonElement body, string[] operations, out string? operation, out CsvFormat format)
    {
        format = CsvFormat.Default;
        operation = null;
        if (EnumValue(body, "operation", "OperationEnum", operations, out operation) is { } badOperation)
        {
            return badOperation;
        }

        if (EnumValue(body, "contentType", "ContentType", ["CSV"], out _) is { } badContent)
        {
            return badContent;
        }

        if (EnumValue(body, "columnDelimiter", "ColumnDelimiterEnum", [.. CsvFormat.Delimiters.Keys], out var delimiter) is { } badDelimiter)
        {
            return badDelimiter;
        }

        if (EnumValue(body, "lineEnding", "LineEndingEnum", [.. CsvFormat.LineEndings], out var lineEnding) is { } badLineEnding)
        {
            return badLineEnding;
        }

        format = new CsvFormat(delimiter ?? "COMMA", lineEnding ?? "LF");
        return null;
    }

    private static ApiResult? EnumValue(JsonElement body, string name, string typeName, IReadOnlyList<string> allowed, out string? value)
    {
        value = null;
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String || !allowed.Contains(element.GetString(), StringComparer.Ordinal))
        {
            return BulkErrors.JsonParser(typeName, element);
        }

        value = element.GetString();
        return null;
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString() : null;

    private ApiResult List(ApiCall call, bool isQuery)
    {
        var query = call.Query;
        var jobType = isQuery ? "V2Query" : "V2Ingest";
        var excluded = (query.TryGetValue("isPkChunkingEnabled", out var pk) && pk.Equals("true", StringComparison.OrdinalIgnoreCase))
            || (query.TryGetValue("jobType", out var type) && type.Length > 0 && type != jobType)
            || (query.TryGetValue("concurrencyMode", out var mode) && mode.Length > 0 && !mode.Equals("Parallel", StringComparison.OrdinalIgnoreCase));
        var jobs = excluded ? [] : Jobs.Jobs.Where(j => j.IsQuery == isQuery).ToList();
        var offset = 0;
        if (query.TryGetValue("queryLocator", out var locator) && locator.Length > 0
            && (!BulkErrors.TryParseListLocator(locator, out offset) || offset > jobs.Count))
        {
            return BulkErrors.InvalidQueryLocator();
        }

        var now = Now;
        var page = jobs.Skip(offset).Take(JobListPageSize).ToList();
        var next = offset + page.Count;
        return ApiResult.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("done", next >= jobs.Count);
            w.WriteStartArray("records");
            foreach (var job in page)
            {
                JobInfoWriter.Write(w, job, job.StateAt(now), JobView.ListItem);
            }

            w.WriteEndArray();
            if (next < jobs.Count)
            {
                w.WriteString("nextRecordsUrl", $"{call.VersionPrefix}/jobs/{(isQuery ? "query" : "ingest")}?queryLocator={BulkErrors.ListLocator(next)}");
            }
            else
            {
                w.WriteNull("nextRecordsUrl");
            }

            w.WriteEndObject();
        });
    }

    private ApiResult ChangeState(ApiCall call, BulkJob job)
    {
        var body = JsonBodies.Parse(call.Body);
        if (body.ValueKind != JsonValueKind.Object)
        {
            return BulkErrors.JsonParser("JobStateEnum", body);
        }

        if (EnumValue(body, "state", "JobStateEnum", Enum.GetNames<BulkJobState>(), out var target) is { } invalid)
        {
            return invalid;
        }

        var now = Now;
        var state = job.StateAt(now);
        var view = job.IsQuery ? JobView.Created : JobView.StateChanged;
        switch (target)
        {
            case "UploadComplete" when !job.IsQuery && state == BulkJobState.Open:
                if (job.Uploads > 1)
                {
                    // Salesforce's own wording, typo and 15-character id included (reported for API 43.0).
                    return BulkErrors.InvalidJob($"Found multipe contents for job: <{job.Id[..15]}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.");
                }

                if (job.Uploading)
                {
                    return BulkErrors.InvalidJobState($"Job {job.Id} is still receiving its upload; close it once the PUT request has completed.");
                }

                job.Close(now);
                _ingest.Process(job, org.Store.Find(job.ObjectName)!, now, now + org.Options.Bulk.ProcessingTime);
                return ApiResult.Json(200, w => JobInfoWriter.Write(w, job, BulkJobState.UploadComplete, view));
            case "Aborted" when state is BulkJobState.Open or BulkJobState.UploadComplete or BulkJobState.InProgress:
                if (!job.IsQuery && state == BulkJobState.Open)
                {
                    IngestProcessor.Abandon(job);
                }

                job.Abort(now);
                return ApiResult.Json(200, w => JobInfoWriter.Write(w, job, BulkJobState.Aborted, view));
            case null:
                return BulkErrors.InvalidJobState("The state property is required: UploadComplete to start processing, or Aborted.");
            default:
                return BulkErrors.InvalidJobState($"Job {job.Id} is {state}; it can't be changed to {target}. " +
                    (job.IsQuery ? "A query job can only be Aborted, while it runs." : "An Open job can be set to UploadComplete or Aborted; a running one to Aborted."));
        }
    }

    private ApiResult Delete(BulkJob job)
    {
        var state = job.StateAt(Now);
        var deletable = state is BulkJobState.JobComplete or BulkJobState.Aborted or BulkJobState.Failed
            || (state == BulkJobState.UploadComplete && !job.IsQuery);
        if (!deletable)
        {
            return BulkErrors.InvalidJobState($"Job {job.Id} is {state}; a job can be deleted once it is " +
                (job.IsQuery ? "JobComplete, Aborted or Failed." : "UploadComplete, JobComplete, Aborted or Failed."));
        }

        Jobs.Remove(job);
        return ApiResult.NoContent();
    }

    private ApiResult Resource(ApiCall call, BulkJob job, string resource)
    {
        if (job.IsQuery)
        {
            return resource != "results" ? ApiResult.NotFound()
                : call.Method is "GET" or "HEAD" ? BulkResults.QueryPage(call, job, job.StateAt(Now), org.Options.Bulk.QueryPageSize)
                : ApiResult.MethodNotAllowed(call.Method, "GET,HEAD");
        }

        if (resource == "batches")
        {
            // A PUT never gets here (the pipeline streams it), except from a composite subrequest, which Salesforce refuses too.
            return call.Method == "PUT" ? ApiResult.NotFound() : ApiResult.MethodNotAllowed(call.Method, "PUT");
        }

        if (!BulkResults.IsIngestResult(resource))
        {
            return ApiResult.NotFound();
        }

        return call.Method is "GET" or "HEAD"
            ? BulkResults.IngestFile(job, resource, job.StateAt(Now))
            : ApiResult.MethodNotAllowed(call.Method, "GET,HEAD");
    }
}
