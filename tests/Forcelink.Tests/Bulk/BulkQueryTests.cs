using System.Text;
using Forcelink.Bulk;
using Forcelink.Records;
using Forcelink.Soql;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.Bulk;

public sealed class BulkQueryTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
    private readonly FakeBulkApi _api;
    private readonly SalesforceClient _sut;

    public BulkQueryTests()
    {
        _api = new FakeBulkApi(_time);
        _api.QueryRows.Add(["Id", "LastName", "AnnualRevenue", "IsConverted", "Owner.Name", "Description"]);
        for (var i = 0; i < 7; i++)
        {
            _api.QueryRows.Add([$"00Q5e00000000{i:D2}AAA", $"Doe {i}", i == 3 ? "" : $"{i}000.5", i % 2 == 0 ? "true" : "false", $"Owner {i}", i == 2 ? "two\nlines, \"quoted\"" : ""]);
        }

        _sut = new SalesforceClient(new FakeCredential(_time), new SalesforceClientOptions { ApiVersion = "62.0", TimeProvider = _time, Transport = _api });
    }

    [Fact]
    public async Task QueryAsync_Typed_ReadsEveryPageByLocatorUntilNull()
    {
        var leads = await FakeTimePump.RunAsync(
            _sut.Bulk.QueryAsync<Lead>($"SELECT Id, LastName FROM Lead WHERE Company = {"Acme"}", new BulkQueryOptions { MaxRecordsPerPage = 3 }).ToListAsync().AsTask(), _time);

        Assert.Equal(7, leads.Count);
        Assert.Equal("Doe 6", leads[6].LastName);
        Assert.Equal(1000.5m, leads[1].AnnualRevenue);
        Assert.Null(leads[3].AnnualRevenue);
        Assert.Equal([true, false], leads.Take(2).Select(l => l.IsConverted));
        Assert.Equal("two\nlines, \"quoted\"", leads[2].Description);
        Assert.Equal("Owner 4", leads[4].GetRelated("Owner")!.GetString("Name"));
        var pages = _api.Requests.Where(r => r.Path.EndsWith("/results", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, pages.Count);
        var job = _api.Jobs.Values.Single();
        Assert.Equal("query", job.Operation);
    }

    [Fact]
    public async Task QueryAsync_Untyped_NamesTheObjectFromTheQuery_AndIncludeDeletedRunsQueryAll()
    {
        var records = await FakeTimePump.RunAsync(
            _sut.Bulk.QueryAsync(SoqlQuery.Raw("SELECT Id FROM Lead"), new BulkQueryOptions { IncludeDeleted = true }).ToListAsync().AsTask(), _time);

        Assert.All(records, r => Assert.Equal("Lead", r.ObjectName));
        Assert.Equal("queryAll", _api.Jobs.Values.Single().Operation);
    }

    [Fact]
    public async Task ExportAsync_WritesOneHeaderAndEveryPage_InTheJobsDelimiter()
    {
        using var file = new MemoryStream();
        var options = new BulkQueryOptions { MaxRecordsPerPage = 2, ColumnDelimiter = BulkColumnDelimiter.Pipe, LineEnding = BulkLineEnding.CRLF };

        var count = await FakeTimePump.RunAsync(_sut.Bulk.ExportAsync(SoqlQuery.Raw("SELECT Id FROM Lead"), file, options), _time);

        var text = Encoding.UTF8.GetString(file.ToArray());
        Assert.Equal(7, count);
        Assert.Equal(1, CountOccurrences(text, "\"Id\"|\"LastName\""));
        Assert.StartsWith("\"Id\"|\"LastName\"|\"AnnualRevenue\"", text, StringComparison.Ordinal);
        Assert.EndsWith("\"Owner 6\"|\"\"\r\n", text, StringComparison.Ordinal);
        Assert.Equal(("PIPE", "CRLF"), (_api.Jobs.Values.Single().ColumnDelimiter, _api.Jobs.Values.Single().LineEnding));
        var rows = await new Forcelink.Csv.CsvReader(new StringReader(text), '|').ReadAsync().ToListAsync();
        Assert.Equal(8, rows.Count);
    }

    [Fact]
    public async Task ReadQueryResultsAsync_AFinishedJobById_ReadsWithTheJobsApiVersion()
    {
        var job = await _sut.Bulk.StartQueryAsync(SoqlQuery.Raw("SELECT Id FROM Lead"));
        await FakeTimePump.RunAsync(_sut.Bulk.WaitForJobAsync(BulkJobKind.Query, job.Id), _time);

        var records = await _sut.Bulk.ReadQueryResultsAsync(job.Id).ToListAsync();

        Assert.Equal(7, records.Count);
        Assert.All(_api.Requests.Where(r => r.Path.EndsWith("/results", StringComparison.Ordinal)), r => Assert.StartsWith("/services/data/v62.0/", r.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task QueryAsync_JobAborted_ThrowsBulkJobFailed()
    {
        var job = await _sut.Bulk.StartQueryAsync(SoqlQuery.Raw("SELECT Id FROM Lead"));
        await _sut.Bulk.AbortJobAsync(BulkJobKind.Query, job.Id);

        var e = await Assert.ThrowsAsync<SalesforceException>(() => _sut.Bulk.ReadQueryResultsAsync(job.Id).ToListAsync().AsTask());

        Assert.Equal("BULK_JOB_FAILED", e.ErrorCode);
    }

    public void Dispose() => _sut.Dispose();

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
