using System.Text;
using Forcelink.Bulk;
using Forcelink.Csv;
using Forcelink.Records;
using Forcelink.Tests.Conformance;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.Bulk;

public sealed class BulkIngestTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
    private readonly FakeBulkApi _api;
    private readonly SalesforceClient _sut;

    public BulkIngestTests()
    {
        _api = new FakeBulkApi(_time);
        _sut = CreateSut();
    }

    [Fact]
    public async Task IngestAsync_Records_UploadsOneCsvAndStreamsEveryOutcome()
    {
        var leads = Leads(5);
        leads[2].LastName = "";
        leads[3].Email = null;

        var result = await RunAsync(_sut.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), leads.ToAsyncEnumerable()));

        var job = Assert.Single(_api.IngestJobs);
        Assert.Equal("JobComplete", job.State);
        Assert.Equal(["LastName", "Company", "Email"], job.Header);
        Assert.StartsWith("LastName,Company,Email\nDoe 0,Acme,doe0@example.com\n", job.Csv, StringComparison.Ordinal);
        Assert.Contains("Doe 3,Acme,#N/A\n", job.Csv, StringComparison.Ordinal);
        Assert.Equal((5L, 4L, 1L, 0L), (result.RecordsSent, result.Successful, result.Failed, result.Unprocessed));

        var rows = await RunAsync(_sut.Bulk.GetResultsAsync(result).ToListAsync().AsTask());
        Assert.Equal(4, rows.Count(r => r.Kind == BulkResultKind.Successful && r.Created == true && r.Id!.StartsWith("00Q", StringComparison.Ordinal)));
        var failed = Assert.Single(rows, r => r.Kind == BulkResultKind.Failed);
        Assert.Equal("REQUIRED_FIELD_MISSING", failed.Error!.ErrorCode);
        Assert.Equal(["LastName"], failed.Error.Fields);
        Assert.Equal("doe2@example.com", failed["Email"]);
        Assert.Equal(["LastName", "Company", "Email"], failed.Columns);
    }

    [Fact]
    public async Task IngestAsync_PastTheUploadLimit_SplitsIntoJobsThatTogetherSendEveryRow()
    {
        using var sut = CreateSut(o => o.Bulk.MaxUploadBytes = 1_000);
        var leads = Leads(100);

        var result = await RunAsync(sut.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), leads.ToAsyncEnumerable()));

        var jobs = _api.IngestJobs.ToList();
        Assert.True(jobs.Count > 3, $"{jobs.Count} jobs");
        Assert.All(jobs, j => Assert.True(Encoding.UTF8.GetByteCount(j.Csv!) <= 1_000));
        Assert.All(jobs, j => Assert.StartsWith("LastName,Company,Email\n", j.Csv, StringComparison.Ordinal));
        Assert.Equal(leads.Select(l => l.LastName), jobs.SelectMany(j => j.Rows).Select(r => r[0]));
        Assert.Equal(100, result.RecordsSent);
        Assert.Equal(jobs.Select(j => (long)j.Rows.Count), result.Jobs.Select(j => j.RecordsSent!.Value));
        Assert.Equal(100, (await RunAsync(sut.Bulk.GetResultsAsync(result).ToListAsync().AsTask())).Count);
    }

    [Fact]
    public async Task IngestAsync_MaxJobsInFlight_UploadsTheNextJobOnlyAfterOneFinishes()
    {
        using var sut = CreateSut(o =>
        {
            o.Bulk.MaxUploadBytes = 1_000;
            o.Bulk.MaxJobsInFlight = 2;
        });

        await RunAsync(sut.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), Leads(100).ToAsyncEnumerable()));

        // Walk the requests: at no point are more than two uploaded jobs unfinished.
        var finished = new HashSet<string>();
        var running = new HashSet<string>();
        var jobStates = new Dictionary<string, int>();
        foreach (var (method, path, _, _) in _api.Requests)
        {
            var parts = path.Split('/');
            if (parts.Length < 7)
            {
                continue;
            }

            var id = parts[6];
            if (method == HttpMethod.Put)
            {
                running.Add(id);
                Assert.True(running.Count <= 2, "three jobs in flight");
            }
            else if (method == HttpMethod.Get && !path.Contains("Results", StringComparison.Ordinal) && (jobStates[id] = jobStates.GetValueOrDefault(id) + 1) == _api.PollsUntilDone)
            {
                running.Remove(id);
                finished.Add(id);
            }
        }

        Assert.Equal(_api.IngestJobs.Count(), finished.Count);
    }

    [Fact]
    public async Task WaitForJobAsync_PollsOnTheTimeProvider_WithGrowingWaitsUpToTheMaximum()
    {
        _api.PollsUntilDone = 7;
        var clock = new TimerRecordingTimeProvider(_time);
        using var sut = CreateSut(o =>
        {
            o.TimeProvider = clock;
            o.Bulk.PollInterval = TimeSpan.FromSeconds(1);
            o.Bulk.MaxPollInterval = TimeSpan.FromSeconds(2);
        });

        await RunAsync(sut.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), Leads(3).ToAsyncEnumerable()));

        // The waits asked of the clock, not measured; timers that never fire and each request's timeout (RequestTimeout) are left out.
        var waits = clock.DueTimes.Where(d => d > TimeSpan.Zero && d < TimeSpan.FromMinutes(1)).Select(d => d.TotalSeconds);
        Assert.Equal([1, 1.5, 2, 2, 2, 2], waits);
        Assert.Equal(7, _api.Requests.Count(r => r.Method == HttpMethod.Get));
    }

    [Fact]
    public async Task IngestAsync_ReportsProgress_WithJobIdsAndCounts()
    {
        var reports = new List<BulkIngestProgress>();
        var leads = Leads(4);
        leads[0].LastName = "";

        await RunAsync(_sut.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), leads.ToAsyncEnumerable(), new ListProgress<BulkIngestProgress>(reports)));

        Assert.Equal([_api.IngestJobs.Single().Id], reports[0].JobIds);
        Assert.Contains(reports, r => r.RecordsSent == 4 && r.RecordsProcessed == 0);
        var last = reports[^1];
        Assert.Equal((4L, 4L, 1L, 1), (last.RecordsSent, last.RecordsProcessed, last.RecordsFailed, last.JobsFinished));
    }

    [Fact]
    public async Task IngestAsync_CsvStream_UsesTheRequestsDelimiterAndLineEnding()
    {
        var csv = "LastName;Company;Description\r\nDoe;\"Acme; Inc\";\"two\r\nlines\"\r\nRoe;Beta;\r\n";
        var request = new BulkIngestRequest("Lead", BulkOperation.Insert) { ColumnDelimiter = BulkColumnDelimiter.Semicolon, LineEnding = BulkLineEnding.CRLF };

        var result = await RunAsync(_sut.Bulk.IngestAsync(request, new MemoryStream(Encoding.UTF8.GetBytes(csv))));

        var job = _api.IngestJobs.Single();
        Assert.Equal(("SEMICOLON", "CRLF"), (job.ColumnDelimiter, job.LineEnding));
        Assert.Equal("LastName;Company;Description\r\nDoe;\"Acme; Inc\";\"two\r\nlines\"\r\nRoe;Beta;\r\n", job.Csv);
        Assert.Equal(2, result.Successful);
    }

    [Fact]
    public async Task IngestAsync_CsvWithAnUnclosedQuote_ThrowsNamingTheLine_AndAbortsTheOpenJob()
    {
        var csv = "LastName,Company\nDoe,Acme\n\"Roe,Beta\nPoe,Gamma\n";

        var e = await Assert.ThrowsAsync<CsvFormatException>(() => RunAsync(_sut.Bulk.IngestAsync(BulkIngestRequest.Insert("Lead"), new MemoryStream(Encoding.UTF8.GetBytes(csv)))));

        Assert.Equal(3, e.Line);
        Assert.Contains("column 1", e.Message, StringComparison.Ordinal);
        Assert.Equal("Aborted", _api.IngestJobs.Single().State);
    }

    [Fact]
    public async Task IngestAsync_CsvRowWithMoreCellsThanTheHeader_NamesLineAndColumn()
    {
        var csv = "LastName,Company\nDoe,Acme\nRoe,Beta,extra\n";

        var e = await Assert.ThrowsAsync<CsvFormatException>(() => RunAsync(_sut.Bulk.IngestAsync(BulkIngestRequest.Insert("Lead"), new MemoryStream(Encoding.UTF8.GetBytes(csv)))));

        Assert.StartsWith("Line 3, column 3: the row has more cells than the header's 2 columns", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestAsync_RecordWithAFieldOutsideTheColumns_IsRefusedNamingIt()
    {
        var leads = Leads(3);
        leads[1]["Ext_Id__c"] = "x";

        var e = await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(_sut.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), leads.ToAsyncEnumerable())));

        Assert.Contains("Record 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("Ext_Id__c", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BulkOperation.Update)]
    [InlineData(BulkOperation.Delete)]
    [InlineData(BulkOperation.HardDelete)]
    public async Task IngestAsync_ById_SendsIdsAndRefusesARecordWithout(BulkOperation operation)
    {
        var leads = Leads(2);
        leads[0].Id = "00Q5e000000AbCdEAK";

        var e = await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(_sut.Bulk.IngestAsync(new BulkIngestRequest("Lead", operation), leads.ToAsyncEnumerable())));

        Assert.Contains("Record 2", e.Message, StringComparison.Ordinal);
        var job = _api.IngestJobs.Single();
        Assert.Equal("Aborted", job.State);
    }

    [Fact]
    public async Task IngestAsync_Delete_SendsOnlyTheIdColumn()
    {
        var leads = Leads(2);
        leads[0].Id = "00Q5e000000AbCdEAK";
        leads[1].Id = "00Q5e000000AbCeEAK";

        var result = await RunAsync(_sut.Bulk.IngestAsync(BulkIngestRequest.Delete("Lead"), leads.ToAsyncEnumerable()));

        Assert.Equal("Id\n00Q5e000000AbCdEAK\n00Q5e000000AbCeEAK\n", _api.IngestJobs.Single().Csv);
        Assert.Equal("delete", result.Jobs[0].Info.Operation);
    }

    [Fact]
    public async Task IngestAsync_Upsert_SendsTheExternalIdFieldName()
    {
        var leads = Leads(2);
        leads[0]["Ext_Id__c"] = "a";
        leads[1]["Ext_Id__c"] = "b";

        var result = await RunAsync(_sut.Bulk.IngestAsync(BulkIngestRequest.Upsert("Lead", "Ext_Id__c"), leads.ToAsyncEnumerable()));

        var job = _api.IngestJobs.Single();
        Assert.Equal(("upsert", "Ext_Id__c"), (job.Operation, job.ExternalIdFieldName));
        Assert.Equal("Ext_Id__c", result.Jobs[0].Info.ExternalIdFieldName);
    }

    [Fact]
    public async Task IngestAsync_NoRecords_CreatesNoJob()
    {
        var result = await _sut.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), AsyncEnumerable.Empty<Lead>());

        Assert.Empty(result.Jobs);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task GetResultsAsync_JobFailedPartWay_AccountsTheRestAsUnprocessed()
    {
        _api.FailAfter = 3;

        var result = await RunAsync(_sut.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), Leads(5).ToAsyncEnumerable()));
        var rows = await RunAsync(_sut.Bulk.GetResultsAsync(result).ToListAsync().AsTask());

        Assert.Equal(BulkJobState.Failed, result.Jobs[0].Info.State);
        Assert.Equal((3L, 0L, 2L), (result.Successful, result.Failed, result.Unprocessed));
        Assert.Equal(2, rows.Count(r => r.Kind == BulkResultKind.Unprocessed));
        Assert.Equal(5, rows.Count);
    }

    [Fact]
    public async Task GetResultsAsync_CompletedJobWithNoFailures_RequestsOnlyTheSuccessfulRows()
    {
        var result = await RunAsync(_sut.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), Leads(4).ToAsyncEnumerable()));
        var before = _api.Requests.Count;

        var rows = await RunAsync(_sut.Bulk.GetResultsAsync(result).ToListAsync().AsTask());

        Assert.Equal(4, rows.Count(r => r.Kind == BulkResultKind.Successful));
        var read = Assert.Single(_api.Requests.Skip(before));
        Assert.EndsWith("/successfulResults", read.Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResultsAsync_CompletedJobWithAFailure_RequestsTheFailedRowsButNotTheUnprocessed()
    {
        var leads = Leads(3);
        leads[1].LastName = "";
        var result = await RunAsync(_sut.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), leads.ToAsyncEnumerable()));
        var before = _api.Requests.Count;

        await RunAsync(_sut.Bulk.GetResultsAsync(result).ToListAsync().AsTask());

        Assert.Equal(["successfulResults", "failedResults"], _api.Requests.Skip(before).Select(r => r.Path.Split('/')[^1]));
    }

    [Fact]
    public async Task GetResultsAsync_ARowWithNoOutcome_ThrowsSayingHowMany()
    {
        _api.DropSuccessfulResults = 1;
        var result = await RunAsync(_sut.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), Leads(4).ToAsyncEnumerable()));

        var e = await Assert.ThrowsAsync<SalesforceException>(() => RunAsync(_sut.Bulk.GetResultsAsync(result).ToListAsync().AsTask()));

        Assert.Equal("BULK_RESULTS_INCOMPLETE", e.ErrorCode);
        Assert.Contains("1 row have no outcome", e.Message, StringComparison.Ordinal);
        Assert.Contains(result.Jobs[0].Info.Id, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResumeAsync_AJobStartedEarlier_WaitsAndReadsItsResultsById()
    {
        _api.PollsUntilDone = 4;
        var started = _sut.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), Leads(3).ToAsyncEnumerable());
        var first = await RunUntilAsync(() => _api.IngestJobs.Any(j => j.State == "InProgress"));
        Assert.False(started.IsCompleted);

        // A second process: a new client that knows only the job id.
        using var other = CreateSut();
        var id = _api.IngestJobs.Single().Id;
        var resumed = await RunAsync(other.Bulk.ResumeAsync([id]));
        var rows = await RunAsync(other.Bulk.GetResultsAsync(id).ToListAsync().AsTask());

        Assert.Equal(BulkJobState.JobComplete, resumed.Jobs[0].Info.State);
        Assert.Null(resumed.Jobs[0].RecordsSent);
        Assert.Equal(3, rows.Count);
        await RunAsync(started);
        Assert.True(first);
    }

    [Fact]
    public async Task GetResultsAsync_JobStillRunning_SaysToWait()
    {
        _api.PollsUntilDone = 100;
        _ = _sut.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), Leads(1).ToAsyncEnumerable());
        await RunUntilAsync(() => _api.IngestJobs.Any(j => j.State == "InProgress"));

        var e = await Assert.ThrowsAsync<SalesforceException>(() => _sut.Bulk.GetResultsAsync(_api.IngestJobs.Single().Id).ToListAsync().AsTask());

        Assert.Equal("BULK_JOB_NOT_FINISHED", e.ErrorCode);
    }

    [Fact]
    public async Task AbortDeleteGetAndList_UseTheJobResources()
    {
        using var sut = CreateSut(o => o.Bulk.MaxUploadBytes = 1_000);
        _api.PollsUntilDone = 100;
        _api.ListPageSize = 2;
        _ = sut.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), Leads(200).ToAsyncEnumerable());
        await RunUntilAsync(() => _api.IngestJobs.Count() == 5 && _api.IngestJobs.All(j => j.State != "Open"));

        var listed = await sut.Bulk.ListJobsAsync(BulkJobKind.Ingest).ToListAsync();
        var aborted = await sut.Bulk.AbortJobAsync(BulkJobKind.Ingest, listed[0].Id);
        await sut.Bulk.DeleteJobAsync(BulkJobKind.Ingest, listed[1].Id);
        var missing = await Assert.ThrowsAsync<SalesforceException>(() => sut.Bulk.GetJobAsync(BulkJobKind.Ingest, listed[1].Id));

        Assert.Equal(5, listed.Count);
        Assert.Equal(BulkJobState.Aborted, aborted.State);
        Assert.Equal(BulkJobState.Aborted, (await sut.Bulk.GetJobAsync(BulkJobKind.Ingest, listed[0].Id)).State);
        Assert.Equal((404, "NOT_FOUND"), (missing.StatusCode, missing.ErrorCode));
    }

    [Fact]
    public void Options_Invalid_AreReportedTogether()
    {
        var options = new SalesforceClientOptions { Bulk = { MaxUploadBytes = 10, MaxJobsInFlight = 0, PollInterval = TimeSpan.Zero, CollectionThreshold = 0 } };

        var errors = options.Validate();

        Assert.Equal(4, errors.Count(e => e.StartsWith("Bulk.", StringComparison.Ordinal)));
    }

    [ConformanceFact]
    public async Task Conformance_RecordedJobAndResultBodies_AreRead()
    {
        var folder = ConformanceCorpus.PathOf("restforce/historic/bulk_620777e");

        var create = await File.ReadAllTextAsync(Path.Combine(folder, "create_job_success_response.json"));
        var success = System.Text.Json.JsonSerializer.Deserialize<string>(await File.ReadAllTextAsync(Path.Combine(folder, "success_results_success_response.json")))!;
        var failed = System.Text.Json.JsonSerializer.Deserialize<string>(await File.ReadAllTextAsync(Path.Combine(folder, "failed_results_success_response.json")))!;
        var stub = new StubHttpHandler()
            .On(HttpMethod.Get, "/services/data/v62.0/jobs/ingest/7502f0000007zCgAAI/successfulResults", _ => Csv(success))
            .On(HttpMethod.Get, "/services/data/v62.0/jobs/ingest/7502f0000007zCgAAI/failedResults", _ => Csv(failed))
            .On(HttpMethod.Get, "/services/data/v62.0/jobs/ingest/7502f0000007zCgAAI/unprocessedrecords", _ => Csv("Name\n"))
            .On(HttpMethod.Get, "/services/data/v62.0/jobs/ingest/7502f0000007zCgAAI", _ => StubHttpHandler.Json(System.Net.HttpStatusCode.OK,
                create.Replace("\"Open\"", "\"JobComplete\"", StringComparison.Ordinal).Replace("\"0123456789ABC\"", "\"7502f0000007zCgAAI\"", StringComparison.Ordinal)
                    .Replace("\"state\"", "\"numberRecordsProcessed\": 4, \"numberRecordsFailed\": 2, \"state\"", StringComparison.Ordinal)));
        using var sut = new SalesforceClient(new FakeCredential(_time), new SalesforceClientOptions { ApiVersion = "62.0", TimeProvider = _time, Transport = stub });

        var rows = await sut.Bulk.GetResultsAsync("7502f0000007zCgAAI").ToListAsync();

        Assert.Equal(["Foo Bar", "Bizz Buzz", "Foo Bar", "Bizz Buzz"], rows.Select(r => r["Name"]));
        Assert.Equal([true, true], rows.Where(r => r.Kind == BulkResultKind.Successful).Select(r => r.Created));
        Assert.All(rows.Where(r => r.Kind == BulkResultKind.Failed), r => Assert.Equal(("UNKNOWN_ERROR", "Error Message"), (r.Error!.ErrorCode, r.Error.Message)));
        Assert.Equal("0012f000007uKgsAAE", rows[0].Id);
    }

    public void Dispose() => _sut.Dispose();

    internal static List<Lead> Leads(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new Lead { LastName = $"Doe {i}", Company = "Acme", Email = $"doe{i}@example.com" })];

    private static HttpResponseMessage Csv(string text) => new(System.Net.HttpStatusCode.OK) { Content = new StringContent(text, Encoding.UTF8, "text/csv") };

    private SalesforceClient CreateSut(Action<SalesforceClientOptions>? configure = null)
    {
        var options = new SalesforceClientOptions { ApiVersion = "62.0", TimeProvider = _time, Transport = _api, RetryDelay = TimeSpan.Zero };
        configure?.Invoke(options);
        return new SalesforceClient(new FakeCredential(_time), options);
    }

    private Task<T> RunAsync<T>(Task<T> work, TimeSpan? step = null) => FakeTimePump.RunAsync(work, _time, step);

    private Task RunAsync(Task work) => FakeTimePump.RunAsync(work, _time);

    private async Task<bool> RunUntilAsync(Func<bool> condition)
    {
        var done = new TaskCompletionSource<bool>();
        var pump = FakeTimePump.RunAsync(done.Task, _time);
        while (!condition())
        {
            Assert.False(pump.IsCompleted, "the condition never came true");
            await Task.WhenAny(pump, Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System));
        }

        done.SetResult(true);
        return await pump;
    }
}

/// <summary>The clock of a <see cref="FakeTimeProvider"/>, recording the due time of every timer created on it.</summary>
internal sealed class TimerRecordingTimeProvider(FakeTimeProvider inner) : TimeProvider
{
    private readonly List<TimeSpan> _dueTimes = [];

    public IReadOnlyList<TimeSpan> DueTimes
    {
        get
        {
            lock (_dueTimes)
            {
                return [.. _dueTimes];
            }
        }
    }

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_dueTimes)
        {
            _dueTimes.Add(dueTime);
        }

        return inner.CreateTimer(callback, state, dueTime, period);
    }
}

/// <summary>Collects reports synchronously, in order.</summary>
internal sealed class ListProgress<T>(List<T> reports) : IProgress<T>
{
    public void Report(T value)
    {
        lock (reports)
        {
            reports.Add(value);
        }
    }
}
