using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Forcelink.Csv;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.TestDoubles;

/// <summary>
/// Bulk API 2.0 as Salesforce documents it, in memory: jobs are created Open, take one CSV upload (201, no body),
/// close to UploadComplete, pass InProgress while polled and end JobComplete; results come back as quoted CSV in the
/// job's delimiter, in reverse order (Salesforce guarantees none), with <c>sf__Id</c>/<c>sf__Created</c> or
/// <c>sf__Error</c> first. Query results are paged by <c>maxRecords</c> with <c>Sforce-Locator</c> (<c>null</c> on the
/// last page). Anything else is an unexpected request and throws.
/// </summary>
public sealed class FakeBulkApi(FakeTimeProvider time) : HttpMessageHandler
{
    private const string Data = "/services/data/v62.0/";
    private readonly Lock _lock = new();
    private int _nextJob;
    private int _nextRecord;

    public Dictionary<string, FakeJob> Jobs { get; } = [];

    public List<(HttpMethod Method, string Path, DateTimeOffset At, long BodyLength)> Requests { get; } = [];

    /// <summary>Polls a job answers InProgress before it completes.</summary>
    public int PollsUntilDone { get; set; } = 2;

    /// <summary>The <c>sf__Error</c> for a row, or null to write it. Default: an insert with no LastName fails as Salesforce says.</summary>
    public Func<FakeJob, IReadOnlyDictionary<string, string>, string?> Failure { get; set; } = (job, row) =>
        job.Operation == "insert" && row.TryGetValue("LastName", out var name) && name.Length == 0
            ? "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --"
            : null;

    /// <summary>When set, a job processes only this many rows and then fails; the rest are unprocessed.</summary>
    public int? FailAfter { get; set; }

    /// <summary>When set, the successful results lose this many rows (a result Salesforce did not return).</summary>
    public int DropSuccessfulResults { get; set; }

    /// <summary>The records a query job returns: a header row, then rows.</summary>
    public List<string[]> QueryRows { get; } = [];

    /// <summary>Page size when the client gives no maxRecords.</summary>
    public int DefaultPageSize { get; set; } = 1000;

    /// <summary>Jobs in the org for the list resource, beyond those created here.</summary>
    public int ListPageSize { get; set; } = 1000;

    public IEnumerable<FakeJob> IngestJobs => Jobs.Values.Where(j => j.Kind == "ingest").OrderBy(j => j.Id, StringComparer.Ordinal);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query);
        lock (_lock)
        {
            Requests.Add((request.Method, path, time.GetUtcNow(), body.Length));
            var response = Route(request.Method, path, query, body);
            response.RequestMessage = request;
            return response;
        }
    }

    private HttpResponseMessage Route(HttpMethod method, string path, System.Collections.Specialized.NameValueCollection query, string body)
    {
        if (!path.StartsWith(Data + "jobs/", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Unexpected request: {method} {path}");
        }

        var parts = path[(Data.Length + "jobs/".Length)..].Split('/');
        var kind = parts[0];
        if (parts.Length == 1 && method == HttpMethod.Post)
        {
            return Create(kind, JsonNode.Parse(body)!.AsObject());
        }

        if (parts.Length == 1 && method == HttpMethod.Get)
        {
            return List(kind, query["queryLocator"]);
        }

        if (!Jobs.TryGetValue(parts[1], out var job) || job.Kind != kind)
        {
            return Json(HttpStatusCode.NotFound, """[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]""");
        }

        return (method.Method, parts.Length > 2 ? parts[2] : null) switch
        {
            ("GET", null) => Poll(job),
            ("PATCH", null) => SetState(job, JsonNode.Parse(body)!["state"]!.GetValue<string>()),
            ("DELETE", null) => Delete(job),
            ("PUT", "batches") => Upload(job, body),
            ("GET", "successfulResults") => Results(job, "successful"),
            ("GET", "failedResults") => Results(job, "failed"),
            ("GET", "unprocessedrecords") => Results(job, "unprocessed"),
            ("GET", "results") => QueryPage(job, query["locator"], query["maxRecords"]),
            _ => throw new InvalidOperationException($"Unexpected request: {method} {path}"),
        };
    }

    private HttpResponseMessage Create(string kind, JsonObject body)
    {
        var operation = body["operation"]?.GetValue<string>() ?? "";
        if (kind == "ingest" && operation == "upsert" && body["externalIdFieldName"] is null)
        {
            return Json(HttpStatusCode.BadRequest, """[{"errorCode":"INVALIDJOB","message":"InvalidJob : External ID was blank for Lead. An External ID must be specified for upsert."}]""");
        }

        var job = new FakeJob
        {
            Id = string.Create(CultureInfo.InvariantCulture, $"7505e{++_nextJob:D10}AAA"),
            Kind = kind,
            Operation = operation,
            ObjectName = body["object"]?.GetValue<string>() ?? "Lead",
            ExternalIdFieldName = body["externalIdFieldName"]?.GetValue<string>(),
            ColumnDelimiter = body["columnDelimiter"]?.GetValue<string>() ?? "COMMA",
            LineEnding = body["lineEnding"]?.GetValue<string>() ?? "LF",
            State = kind == "query" ? "UploadComplete" : "Open",
        };
        Jobs[job.Id] = job;
        return Json(HttpStatusCode.OK, job.ToJson().ToJsonString());
    }

    private HttpResponseMessage List(string kind, string? locator)
    {
        var all = Jobs.Values.Where(j => j.Kind == kind).OrderBy(j => j.Id, StringComparer.Ordinal).ToList();
        var start = locator is null ? 0 : int.Parse(locator, CultureInfo.InvariantCulture);
        var page = all.Skip(start).Take(ListPageSize).ToList();
        var done = start + page.Count >= all.Count;
        var json = new JsonObject
        {
            ["done"] = done,
            ["records"] = new JsonArray([.. page.Select(j => (JsonNode)j.ToJson())]),
            ["nextRecordsUrl"] = done ? null : $"{Data}jobs/{kind}?queryLocator={start + page.Count}",
        };
        return Json(HttpStatusCode.OK, json.ToJsonString());
    }

    private static HttpResponseMessage Upload(FakeJob job, string csv)
    {
        if (job.State != "Open" || job.Csv is not null)
        {
            return Json(HttpStatusCode.BadRequest, """[{"errorCode":"INVALIDJOBSTATE","message":"Found multiple contents for job: <jobId>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job."}]""");
        }

        job.Csv = csv;
        return new HttpResponseMessage(HttpStatusCode.Created);
    }

    private HttpResponseMessage SetState(FakeJob job, string state)
    {
        if (job.State is "JobComplete" or "Failed" or "Aborted")
        {
            return Json(HttpStatusCode.BadRequest, $$"""[{"errorCode":"INVALIDJOBSTATE","message":"Job is already {{job.State}}"}]""");
        }

        if (state == "Aborted")
        {
            job.State = "Aborted";
            job.Process(this, 0);
        }
        else
        {
            job.State = "UploadComplete";
        }

        return Json(HttpStatusCode.OK, job.ToJson().ToJsonString());
    }

    private HttpResponseMessage Delete(FakeJob job)
    {
        Jobs.Remove(job.Id);
        return new HttpResponseMessage(HttpStatusCode.NoContent);
    }

    private HttpResponseMessage Poll(FakeJob job)
    {
        if (job.State is "UploadComplete" or "InProgress")
        {
            job.State = ++job.Polls >= PollsUntilDone ? (FailAfter is null || job.Kind == "query" ? "JobComplete" : "Failed") : "InProgress";
            if (job.State != "InProgress")
            {
                job.Process(this, FailAfter);
            }
        }

        return Json(HttpStatusCode.OK, job.ToJson().ToJsonString());
    }

    private HttpResponseMessage Results(FakeJob job, string which)
    {
        var delimiter = job.Delimiter;
        var text = new StringBuilder();
        var prefix = which switch
        {
            "successful" => new[] { "sf__Id", "sf__Created" },
            "failed" => ["sf__Id", "sf__Error"],
            _ => [],
        };
        text.Append(string.Join(delimiter, prefix.Concat(job.Header).Select(Quote))).Append('\n');
        var rows = which switch
        {
            "successful" => job.Successful.Skip(DropSuccessfulResults),
            "failed" => job.Failed,
            _ => job.Unprocessed,
        };
        foreach (var row in rows.Reverse())
        {
            text.Append(string.Join(delimiter, row.Select(Quote))).Append('\n');
        }

        return Csv(text.ToString());
    }

    private HttpResponseMessage QueryPage(FakeJob job, string? locator, string? maxRecords)
    {
        if (job.State != "JobComplete")
        {
            return Json(HttpStatusCode.BadRequest, """[{"errorCode":"INVALIDJOBSTATE","message":"Job is not complete"}]""");
        }

        var size = maxRecords is null ? DefaultPageSize : int.Parse(maxRecords, CultureInfo.InvariantCulture);
        var start = locator is null ? 0 : int.Parse(locator, CultureInfo.InvariantCulture);
        var rows = QueryRows.Skip(1).Skip(start).Take(size).ToList();
        var next = start + rows.Count < QueryRows.Count - 1 ? (start + rows.Count).ToString(CultureInfo.InvariantCulture) : "null";
        var text = new StringBuilder();
        foreach (var row in rows.Prepend(QueryRows[0]))
        {
            text.Append(string.Join(job.Delimiter, row.Select(Quote))).Append(job.LineEnding == "CRLF" ? "\r\n" : "\n");
        }

        var response = Csv(text.ToString());
        response.Headers.Add("Sforce-Locator", next);
        response.Headers.Add("Sforce-NumberOfRecords", rows.Count.ToString(CultureInfo.InvariantCulture));
        return response;
    }

    internal string NextRecordId() => string.Create(CultureInfo.InvariantCulture, $"00Q5e{++_nextRecord:D10}AAA");

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static HttpResponseMessage Csv(string text)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(text, Encoding.UTF8) };
        response.Content.Headers.Remove("Content-Type");
        response.Content.Headers.TryAddWithoutValidation("Content-Type", "text/csv");
        return response;
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json) => StubHttpHandler.Json(status, json);
}

public sealed class FakeJob
{
    public required string Id { get; init; }

    public required string Kind { get; init; }

    public required string Operation { get; init; }

    public required string ObjectName { get; init; }

    public string? ExternalIdFieldName { get; init; }

    public required string ColumnDelimiter { get; init; }

    public required string LineEnding { get; init; }

    public required string State { get; set; }

    public int Polls { get; set; }

    public string? Csv { get; set; }

    public string[] Header { get; private set; } = [];

    public List<string[]> Rows { get; } = [];

    public List<string[]> Successful { get; } = [];

    public List<string[]> Failed { get; } = [];

    public List<string[]> Unprocessed { get; } = [];

    public string Delimiter => ColumnDelimiter switch
    {
        "TAB" => "\t",
        "SEMICOLON" => ";",
        "PIPE" => "|",
        "CARET" => "^",
        "BACKQUOTE" => "`",
        _ => ",",
    };

    internal void Process(FakeBulkApi api, int? limit)
    {
        if (Kind != "ingest" || Csv is null || Header.Length > 0)
        {
            return;
        }

        var rows = new CsvReader(new StringReader(Csv!), Delimiter[0]).ReadAsync().ToBlockingEnumerable().ToList();
        Header = [.. rows[0].Fields];
        var index = 0;
        foreach (var row in rows.Skip(1))
        {
            var values = row.Fields.ToArray();
            Rows.Add(values);
            if (limit is { } max && index++ >= max)
            {
                Unprocessed.Add(values);
                continue;
            }

            var named = Header.Select((h, i) => (h, v: i < values.Length ? values[i] : "")).ToDictionary(p => p.h, p => p.v);
            if (api.Failure(this, named) is { } error)
            {
                Failed.Add([named.GetValueOrDefault("Id", ""), error, .. values]);
            }
            else
            {
                var id = named.TryGetValue("Id", out var given) && given.Length > 0 ? given : api.NextRecordId();
                Successful.Add([id, Operation is "insert" or "upsert" ? "true" : "false", .. values]);
            }
        }
    }

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["operation"] = Operation,
        ["object"] = ObjectName,
        ["createdById"] = "0055e000000AbCdAAK",
        ["createdDate"] = "2026-12-07T10:00:00.000+0000",
        ["systemModstamp"] = "2026-12-07T10:00:00.000+0000",
        ["state"] = State,
        ["externalIdFieldName"] = ExternalIdFieldName,
        ["concurrencyMode"] = "Parallel",
        ["contentType"] = "CSV",
        ["apiVersion"] = 62.0m,
        ["contentUrl"] = Kind == "ingest" ? $"services/data/v62.0/jobs/ingest/{Id}/batches" : null,
        ["lineEnding"] = LineEnding,
        ["columnDelimiter"] = ColumnDelimiter,
        ["jobType"] = Kind == "ingest" ? "V2Ingest" : "V2Query",
        ["numberRecordsProcessed"] = Kind == "query" ? 0 : Successful.Count + Failed.Count,
        ["numberRecordsFailed"] = Failed.Count,
        ["retries"] = 0,
        ["totalProcessingTime"] = 0,
    };
}
