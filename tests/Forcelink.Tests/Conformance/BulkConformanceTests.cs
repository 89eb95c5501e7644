using System.Net;
using System.Text;
using System.Text.Json;
using Forcelink.Bulk;
using Forcelink.Records;
using Forcelink.Tests.TestDoubles;

namespace Forcelink.Tests.Conformance;

/// <summary>Recorded Bulk API 2.0 answers (restforce's unmerged bulk commits 620777e and b9c8dde) and the Salesforce
/// CLI's CSV files in every column delimiter, read by the library's bulk client.</summary>
public sealed class BulkConformanceTests : IDisposable
{
    private const string JobPath = RecordedOrg.Data + "jobs/ingest/";

    /// <summary>The job id of the recordings' <c>contentUrl</c>: their <c>id</c> values were replaced by hand and are not ids.</summary>
    private const string RealJobId = "7502f0000007zCgAAI";
    private readonly RecordedOrg _org = new();

    public static TheoryData<string> Variants => new("restforce/historic/bulk_620777e/", "restforce/historic/bulk_b9c8dde/");

    [ConformanceTheory]
    [MemberData(nameof(Variants))]
    public async Task CreatedJob_IsReadAsItsInfo(string folder)
    {
        var fixture = ConformanceCorpus.ReadJson(folder + "create_job_success_response.json");
        _org.Http.On(HttpMethod.Get, JobPath + RealJobId, _ => RecordedOrg.Reply(HttpStatusCode.OK, folder + "create_job_success_response.json"));

        var job = await _org.Client().Bulk.GetJobAsync(BulkJobKind.Ingest, RealJobId);

        Assert.Equal(fixture["id"]!.GetValue<string>(), job.Id);
        Assert.Equal(BulkJobKind.Ingest, job.Kind);
        Assert.Equal(fixture["operation"]!.GetValue<string>(), job.Operation);
        Assert.Equal(fixture["object"]!.GetValue<string>(), job.ObjectName);
        Assert.Equal(BulkJobState.Open, job.State);
        Assert.Equal("46.0", job.ApiVersion);
        Assert.Equal(BulkColumnDelimiter.Comma, job.ColumnDelimiter);
        Assert.Equal(BulkLineEnding.LF, job.LineEnding);
        Assert.True(Records.SalesforceDateTime.TryParse(fixture["createdDate"]!.GetValue<string>(), out var created));
        Assert.Equal(created, job.CreatedDate);
    }

    [ConformanceTheory]
    [MemberData(nameof(Variants))]
    public async Task StatusWithStateAndIdOnly_IsRead(string folder)
    {
        var fixture = ConformanceCorpus.ReadJson(folder + "check_status_success_response.json");
        _org.Http.On(HttpMethod.Get, JobPath + RealJobId, _ => RecordedOrg.Reply(HttpStatusCode.OK, folder + "check_status_success_response.json"));

        var job = await _org.Client().Bulk.GetJobAsync(BulkJobKind.Ingest, RealJobId);

        Assert.Equal((fixture["id"]!.GetValue<string>(), BulkJobState.JobComplete, true), (job.Id, job.State, job.IsFinished));
    }

    [ConformanceTheory]
    [MemberData(nameof(Variants))]
    public async Task Results_SuccessfulAndFailedRowsWithTheirIdsAndErrors(string folder)
    {
        const string id = RealJobId;
        var successful = Csv(folder + "success_results_success_response.json");
        var failed = Csv(folder + "failed_results_success_response.json");
        _org.Http.On(HttpMethod.Get, JobPath + id + "/successfulResults", _ => CsvReply(successful));
        _org.Http.On(HttpMethod.Get, JobPath + id + "/failedResults", _ => CsvReply(failed));
        _org.Http.On(HttpMethod.Get, JobPath + id + "/unprocessedrecords", _ => CsvReply("Name\n"));
        _org.Http.On(HttpMethod.Get, JobPath + id, _ => StubHttpHandler.Json(HttpStatusCode.OK,
            $$"""{"id":"{{id}}","operation":"insert","object":"Account","state":"JobComplete","numberRecordsProcessed":4,"numberRecordsFailed":2}"""));

        var rows = await _org.Client().Bulk.GetResultsAsync(id).ToListAsync();

        var expectedSuccessful = Rows(successful);
        var expectedFailed = Rows(failed);
        Assert.Equal(
            expectedSuccessful.Select(r => ((string?)r[0], (bool?)bool.Parse(r[1]), (string?)r[2])),
            rows.Where(r => r.Kind == BulkResultKind.Successful).Select(r => (r.Id, r.Created, r["Name"])));
        Assert.Equal(
            expectedFailed.Select(r => ((string?)r[0], r[1], (string?)r[2])),
            rows.Where(r => r.Kind == BulkResultKind.Failed).Select(r => (r.Id, r.Error!.Message, r["Name"])));
        Assert.All(rows, r => Assert.Equal(id, r.JobId));
    }

    [ConformanceTheory]
    [MemberData(nameof(Variants))]
    public async Task Ingest_EveryRecordedAnswerInTurn(string folder)
    {
        // restforce replaced the job ids by hand ("0123456789ABC", "0123456789"); the id in its contentUrl has the real form, so it stands in.
        var created = ConformanceCorpus.ReadJson(folder + "create_job_success_response.json").AsObject();
        const string id = RealJobId;
        Assert.Contains($"/jobs/ingest/{id}/batches", created["contentUrl"]!.GetValue<string>(), StringComparison.Ordinal);
        created["id"] = id;
        var successful = Csv(folder + "success_results_success_response.json");
        _org.Http.On(HttpMethod.Post, RecordedOrg.Data + "jobs/ingest", _ => RecordedOrg.Reply(HttpStatusCode.OK, created));
        _org.Http.On(HttpMethod.Put, JobPath + id + "/batches", _ => RecordedOrg.Reply(HttpStatusCode.Created, folder + "upload_csv_success_response.json"));
        _org.Http.On(HttpMethod.Patch, JobPath + id, _ => RecordedOrg.Reply(HttpStatusCode.OK, folder + "close_job_success_response.json"));
        _org.Http.On(HttpMethod.Get, JobPath + id + "/successfulResults", _ => CsvReply(successful));
        _org.Http.On(HttpMethod.Get, JobPath + id + "/failedResults", _ => CsvReply("\"sf__Id\",\"sf__Error\",Name\n"));
        _org.Http.On(HttpMethod.Get, JobPath + id + "/unprocessedrecords", _ => CsvReply("Name\n"));
        // The recorded status is trimmed to state and id; Salesforce also sends the counters, added here from the results.
        var status = ConformanceCorpus.ReadJson(folder + "check_status_success_response.json").AsObject();
        status["id"] = id;
        status["numberRecordsProcessed"] = Rows(successful).Count;
        status["numberRecordsFailed"] = 0;
        _org.Http.On(HttpMethod.Get, JobPath + id, _ => RecordedOrg.Reply(HttpStatusCode.OK, status));
        var accounts = Rows(successful).Select(r => Account(r[2])).ToList();
        var client = _org.Client();

        var result = await FakeTimePump.RunAsync(client.Bulk.IngestAsync(BulkIngestRequest.Insert("Account"), accounts.ToAsyncEnumerable()), _org.Time, TimeSpan.FromSeconds(5));

        Assert.Equal((accounts.Count, accounts.Count, 0L, 0L), (result.RecordsSent, result.Successful, result.Failed, result.Unprocessed));
        Assert.Equal([RealJobId], result.Jobs.Select(j => j.Info.Id));
        var upload = _org.Http.Requests.Single(r => r.Method == HttpMethod.Put);
        Assert.Equal(Rows(successful).Select(r => r[2]), Rows(upload.Body!).Select(r => r[0]));
        var rows = await client.Bulk.GetResultsAsync(result).ToListAsync();
        Assert.Equal(Rows(successful).Select(r => ((string?)r[0], (string?)r[2])), rows.Select(r => (r.Id, r["Name"])));
        Assert.All(rows, r => Assert.Equal(BulkResultKind.Successful, r.Kind));
    }

    public static TheoryData<string, BulkColumnDelimiter> CliCsvFiles => new()
    {
        { "backquote.csv", BulkColumnDelimiter.Backquote },
        { "caret.csv", BulkColumnDelimiter.Caret },
        { "comma.csv", BulkColumnDelimiter.Comma },
        { "comma_wrapped_values.csv", BulkColumnDelimiter.Comma },
        { "pipe.csv", BulkColumnDelimiter.Pipe },
        { "semicolon.csv", BulkColumnDelimiter.Semicolon },
        { "single-column.csv", BulkColumnDelimiter.Comma },
        { "tab.csv", BulkColumnDelimiter.Tab },
    };

    [ConformanceTheory]
    [MemberData(nameof(CliCsvFiles))]
    public async Task CsvInEachDelimiter_UploadedWithItsRowsAndDelimiter(string file, BulkColumnDelimiter delimiter)
    {
        var path = ConformanceCorpus.PathOf("plugin-data/test/test-files/csv/" + file);
        var separator = FileSeparator(delimiter);
        var expected = (await File.ReadAllLinesAsync(path)).Where(l => l.Length > 0).Select(l => l.Split(separator).Select(c => c.Trim('"')).ToArray()).ToList();
        using var api = new FakeBulkApi(_org.Time) { Failure = (_, _) => null };
        using var client = new SalesforceClient(new FakeCredential(_org.Time), new SalesforceClientOptions { ApiVersion = RecordedOrg.ApiVersion, TimeProvider = _org.Time, Transport = api, RetryDelay = TimeSpan.Zero });
        await using var csv = File.OpenRead(path);

        var result = await FakeTimePump.RunAsync(client.Bulk.IngestAsync(new BulkIngestRequest("Account", BulkOperation.Insert) { ColumnDelimiter = delimiter }, csv), _org.Time);

        var job = Assert.Single(api.IngestJobs);
        Assert.Equal(delimiter.ToString().ToUpperInvariant(), job.ColumnDelimiter);
        Assert.Equal(expected[0], job.Header);
        Assert.Equal(expected.Skip(1), job.Rows);
        Assert.Equal(expected.Count - 1, result.Successful);
    }

    private static char FileSeparator(BulkColumnDelimiter delimiter) => delimiter switch
    {
        BulkColumnDelimiter.Backquote => '`',
        BulkColumnDelimiter.Caret => '^',
        BulkColumnDelimiter.Pipe => '|',
        BulkColumnDelimiter.Semicolon => ';',
        BulkColumnDelimiter.Tab => '\t',
        _ => ',',
    };

    /// <summary>restforce stored each result file as a JSON string of the CSV text.</summary>
    private static string Csv(string file) => JsonSerializer.Deserialize<string>(ConformanceCorpus.ReadText(file))!;

    /// <summary>The data rows of a simple CSV (no delimiter or line break inside a value), quotes removed.</summary>
    private static List<string[]> Rows(string csv) =>
        [.. csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.TrimEnd('\r').Split(',').Select(c => c.Trim('"')).ToArray())];

    private static HttpResponseMessage CsvReply(string text) => new(HttpStatusCode.OK) { Content = new StringContent(text, Encoding.UTF8, "text/csv") };

    private static SObject Account(string name)
    {
        var account = new SObject("Account");
        account.Set("Name", name);
        return account;
    }

    public void Dispose() => _org.Dispose();
}
