using System.Text;
using Forcelink.Bulk;
using Forcelink.IntegrationTests.Fleet;
using Forcelink.Records;
using Forcelink.Soql;

namespace Forcelink.IntegrationTests.Library;

/// <summary>The library's Bulk API 2.0 ingest against the emulator's, over loopback.</summary>
public sealed class BulkIngestTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task IngestAsync_ThousandsOfLeadsSplitOverJobs_WritesEveryRowAndAccountsForEach()
    {
        await using var fixture = await ClientFixture.StartAsync(configureClient: o =>
        {
            o.Bulk.MaxUploadBytes = 40_000;
            o.Bulk.MaxJobsInFlight = 2;
        });
        var leads = Leads(2_500);
        leads[1_234].LastName = null;
        var reports = new List<BulkIngestProgress>();

        var result = await fixture.Client.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), ToAsync(leads), new SyncProgress<BulkIngestProgress>(reports)).WaitAsync(Timeout);
        var rows = await fixture.Client.Bulk.GetResultsAsync(result).ToListAsync().AsTask().WaitAsync(Timeout);

        Assert.True(result.Jobs.Count >= 3, $"{result.Jobs.Count} jobs");
        Assert.All(result.Jobs, j => Assert.Equal(BulkJobState.JobComplete, j.Info.State));
        Assert.Equal((2_500L, 2_499L, 1L, 0L), (result.RecordsSent, result.Successful, result.Failed, result.Unprocessed));
        Assert.Equal(2_500, rows.Count);
        var failed = Assert.Single(rows, r => r.Kind == BulkResultKind.Failed);
        Assert.Equal("REQUIRED_FIELD_MISSING", failed.Error!.ErrorCode);
        Assert.Contains("LastName", failed.Error.Fields);
        Assert.Equal("#N/A", failed["LastName"]);
        Assert.Equal("doe1234@example.com", failed["Email"]);
        Assert.All(rows.Where(r => r.Kind == BulkResultKind.Successful), r => Assert.True(r.Created));
        Assert.Equal(2_499, await fixture.Client.CountAsync(SoqlQuery.Raw("SELECT COUNT() FROM Lead")).WaitAsync(Timeout));
        Assert.Equal(result.Jobs.Select(j => j.Info.Id), reports[^1].JobIds);
        Assert.Equal(2_500, reports[^1].RecordsProcessed);
    }

    [Fact]
    public async Task IngestAsync_UpdateUpsertDeleteAndHardDelete_RoundTrip()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var bulk = fixture.Client.Bulk;
        var invoices = Enumerable.Range(0, 50).Select(i => new SObject("Invoice__c") { ["Number__c"] = $"INV-{i}", ["Amount__c"] = i }).ToList();

        var upserted = await bulk.IngestAsync(BulkIngestRequest.Upsert("Invoice__c", "Number__c"), ToAsync(invoices)).WaitAsync(Timeout);
        var ids = (await bulk.GetResultsAsync(upserted).ToListAsync().AsTask().WaitAsync(Timeout)).Select(r => r.Id!).ToList();
        var again = await bulk.IngestAsync(BulkIngestRequest.Upsert("Invoice__c", "Number__c"), ToAsync(invoices.Take(10).ToList())).WaitAsync(Timeout);
        var againRows = await bulk.GetResultsAsync(again).ToListAsync().AsTask().WaitAsync(Timeout);
        var updates = ids.Take(20).Select(id => new SObject("Invoice__c") { Id = id, ["Amount__c"] = 999 }).ToList();
        var updated = await bulk.IngestAsync(BulkIngestRequest.Update("Invoice__c"), ToAsync(updates)).WaitAsync(Timeout);
        var deleted = await bulk.IngestAsync(BulkIngestRequest.Delete("Invoice__c"), ToAsync(ids.Take(30).Select(id => new SObject("Invoice__c") { Id = id }).ToList())).WaitAsync(Timeout);
        var hard = await bulk.IngestAsync(BulkIngestRequest.HardDelete("Invoice__c"), ToAsync(ids.Skip(30).Select(id => new SObject("Invoice__c") { Id = id }).ToList())).WaitAsync(Timeout);

        Assert.Equal(50, upserted.Successful);
        Assert.All(againRows, r => Assert.False(r.Created));
        Assert.Equal(20, updated.Successful);
        Assert.Equal(30, deleted.Successful);
        Assert.Equal(20, hard.Successful);
        Assert.Equal(30, await fixture.Client.CountAllAsync(SoqlQuery.Raw("SELECT COUNT() FROM Invoice__c")).WaitAsync(Timeout));
    }

    [Theory]
    [InlineData(BulkColumnDelimiter.Semicolon, BulkLineEnding.CRLF, ";", "\r\n")]
    [InlineData(BulkColumnDelimiter.Tab, BulkLineEnding.LF, "\t", "\n")]
    [InlineData(BulkColumnDelimiter.Backquote, BulkLineEnding.LF, "`", "\n")]
    public async Task IngestAsync_CsvStreamInEachDelimiter_IsWrittenAsSent(BulkColumnDelimiter delimiter, BulkLineEnding lineEnding, string d, string n)
    {
        await using var fixture = await ClientFixture.StartAsync();
        var csv = $"LastName{d}Company{d}Description{n}Doe{d}\"Acme{d} Inc\"{d}\"two{n}lines, \"\"quoted\"\"\"{n}Roe{d}Beta{d}{n}";
        var request = new BulkIngestRequest("Lead", BulkOperation.Insert) { ColumnDelimiter = delimiter, LineEnding = lineEnding };

        var result = await fixture.Client.Bulk.IngestAsync(request, new MemoryStream(Encoding.UTF8.GetBytes(csv))).WaitAsync(Timeout);
        var leads = await fixture.Client.QueryAsync<Lead>(SoqlQuery.Raw("SELECT LastName, Company, Description FROM Lead ORDER BY LastName")).ToListAsync().AsTask().WaitAsync(Timeout);

        Assert.Equal(2, result.Successful);
        Assert.Equal($"Acme{d} Inc", leads[0].Company);
        Assert.Equal($"two{n}lines, \"quoted\"", leads[0].Description);
        Assert.Null(leads[1].Description);
    }

    [Fact]
    public async Task IngestAsync_UnknownColumn_JobFails_AndEveryRowIsUnprocessed()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var csv = "LastName,Company,Colour__c\nDoe,Acme,red\nRoe,Beta,blue\n";

        var result = await fixture.Client.Bulk.IngestAsync(BulkIngestRequest.Insert("Lead"), new MemoryStream(Encoding.UTF8.GetBytes(csv))).WaitAsync(Timeout);
        var rows = await fixture.Client.Bulk.GetResultsAsync(result).ToListAsync().AsTask().WaitAsync(Timeout);

        var job = Assert.Single(result.Jobs);
        Assert.Equal(BulkJobState.Failed, job.Info.State);
        Assert.Contains("Colour__c", job.Info.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(2, job.Unprocessed);
        Assert.Equal(["Doe", "Roe"], rows.Where(r => r.Kind == BulkResultKind.Unprocessed).Select(r => r["LastName"]).Order());
    }

    [Fact]
    public async Task IngestAsync_SlowJob_PollsOnTheClockAndCanBeResumedByIdFromAnotherClient()
    {
        await using var fixture = await ClientFixture.StartAsync(options => options.Org.Bulk.ProcessingTime = TimeSpan.FromSeconds(20));
        var reports = new List<BulkIngestProgress>();
        using var stopped = new CancellationTokenSource();
        var first = fixture.Client.Bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), ToAsync(Leads(30)), new SyncProgress<BulkIngestProgress>(reports), stopped.Token);
        while (Last(reports) is not { RecordsSent: > 0 })
        {
            Assert.False(first.IsCompleted, "the ingest ended before its job was uploaded");
            await Task.WhenAny(first, Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System));
        }

        // The first process ends before the job does.
        await stopped.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Timeout));
        var id = Last(reports)!.JobIds.Single();

        using var other = fixture.CreateClient();
        var resumed = await TimePump.RunAsync(other.Bulk.ResumeAsync([id]), fixture.Emulator.Time, TimeSpan.FromSeconds(1));
        var rows = await other.Bulk.GetResultsAsync(id).ToListAsync().AsTask().WaitAsync(Timeout);

        Assert.Equal(BulkJobState.JobComplete, resumed.Jobs[0].Info.State);
        Assert.Equal(30, rows.Count(r => r.Kind == BulkResultKind.Successful));
    }

    [Fact]
    public async Task Jobs_ListAbortAndDelete()
    {
        await using var fixture = await ClientFixture.StartAsync(options => options.Org.Bulk.ProcessingTime = TimeSpan.FromMinutes(5));
        var bulk = fixture.Client.Bulk;
        using var stop = new CancellationTokenSource();
        var running = bulk.IngestAsync(BulkIngestRequest.Insert<Lead>(), ToAsync(Leads(3)), cancellationToken: stop.Token);
        BulkJobInfo? job = null;
        while (job is null)
        {
            Assert.False(running.IsCompleted, "the ingest ended before its job was listed");
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System));
            job = await bulk.ListJobsAsync(BulkJobKind.Ingest).FirstOrDefaultAsync(j => j.State == BulkJobState.InProgress).AsTask().WaitAsync(Timeout);
        }

        var aborted = await bulk.AbortJobAsync(BulkJobKind.Ingest, job.Id).WaitAsync(Timeout);
        await stop.CancelAsync();
        await bulk.DeleteJobAsync(BulkJobKind.Ingest, job.Id).WaitAsync(Timeout);
        var gone = await Assert.ThrowsAsync<SalesforceException>(() => bulk.GetJobAsync(BulkJobKind.Ingest, job.Id).WaitAsync(Timeout));

        Assert.Equal(BulkJobState.Aborted, aborted.State);
        Assert.Equal(404, gone.StatusCode);
        Assert.Equal("Lead", job.ObjectName);
        Assert.Equal("insert", job.Operation);
    }

    [Fact]
    public async Task CreateManyAsync_AboveTheBulkThreshold_SetsEachRecordsOwnId()
    {
        await using var fixture = await ClientFixture.StartAsync(configureClient: o => o.Bulk.CollectionThreshold = 100);
        var leads = Leads(300);
        leads[5].LastName = null;

        var results = await fixture.Client.CreateManyAsync(leads).WaitAsync(Timeout);

        Assert.Equal(299, results.Count(r => r.IsSuccess));
        Assert.Equal("REQUIRED_FIELD_MISSING", results[5].Errors[0].ErrorCode);
        foreach (var i in new[] { 0, 6, 150, 299 })
        {
            var read = await fixture.Client.GetAsync<Lead>(leads[i].Id!, ["LastName", "Email"]).WaitAsync(Timeout);
            Assert.Equal((leads[i].LastName, leads[i].Email), (read.LastName, read.Email));
        }

        Assert.Contains(fixture.Emulator.Host.Org.RequestLog, r => r.Path.Contains("/jobs/ingest", StringComparison.Ordinal));
    }

    private static T? Last<T>(List<T> reports)
        where T : class
    {
        lock (reports)
        {
            return reports.Count == 0 ? null : reports[^1];
        }
    }

    internal static List<Lead> Leads(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new Lead { LastName = $"Doe {i}", Company = "Acme", Email = $"doe{i}@example.com" })];

    internal static async IAsyncEnumerable<T> ToAsync<T>(IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }
}

/// <summary>Collects reports on the reporting thread, in order.</summary>
internal sealed class SyncProgress<T>(List<T> reports) : IProgress<T>
{
    public void Report(T value)
    {
        lock (reports)
        {
            reports.Add(value);
        }
    }
}
