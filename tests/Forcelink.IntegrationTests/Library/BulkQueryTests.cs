using System.Text;
using Forcelink.Bulk;
using Forcelink.Csv;
using Forcelink.Records;
using Forcelink.Soql;

namespace Forcelink.IntegrationTests.Library;

/// <summary>The library's Bulk API 2.0 queries against the emulator's, over loopback.</summary>
public sealed class BulkQueryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task QueryAsync_Typed_ReadsEveryPageAsRecords()
    {
        await using var fixture = await ClientFixture.StartAsync();
        await SeedAsync(fixture, 250);

        var leads = await fixture.Client.Bulk.QueryAsync<Lead>($"SELECT Id, LastName, Email, NumberOfEmployees, IsConverted, Owner.Name FROM Lead WHERE Company = {"Acme"}", new BulkQueryOptions { MaxRecordsPerPage = 100 })
            .ToListAsync().AsTask().WaitAsync(Timeout);

        Assert.Equal(250, leads.Count);
        Assert.Equal(250, leads.Select(l => l.Id).Distinct().Count());
        Assert.All(leads, l => Assert.False(l.IsConverted));
        Assert.Contains(leads, l => l.NumberOfEmployees == 7);
        Assert.All(leads, l => Assert.False(string.IsNullOrEmpty(l.GetRelated("Owner")!.GetString("Name"))));
        var pages = fixture.Emulator.Host.Org.RequestLog.Count(r => r.Path.EndsWith("/results", StringComparison.Ordinal));
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task QueryAsync_IncludeDeleted_RunsQueryAll()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var ids = await SeedAsync(fixture, 5);
        await fixture.Client.DeleteAsync<Lead>(ids[0]).WaitAsync(Timeout);

        var live = await fixture.Client.Bulk.QueryAsync(SoqlQuery.Raw("SELECT Id, IsDeleted FROM Lead")).ToListAsync().AsTask().WaitAsync(Timeout);
        var all = await fixture.Client.Bulk.QueryAsync(SoqlQuery.Raw("SELECT Id, IsDeleted FROM Lead"), new BulkQueryOptions { IncludeDeleted = true }).ToListAsync().AsTask().WaitAsync(Timeout);

        Assert.Equal(4, live.Count);
        Assert.Equal(5, all.Count);
        Assert.True(all.Single(r => r.Id == ids[0]).IsDeleted);
        Assert.All(all, r => Assert.Equal("Lead", r.ObjectName));
    }

    [Fact]
    public async Task ExportAsync_WritesRawCsvWithOneHeader_AtAnyPageSize()
    {
        await using var fixture = await ClientFixture.StartAsync();
        await SeedAsync(fixture, 120);
        using var file = new MemoryStream();

        var count = await fixture.Client.Bulk.ExportAsync(SoqlQuery.Raw("SELECT Id, LastName, Description FROM Lead"), file,
            new BulkQueryOptions { MaxRecordsPerPage = 50, ColumnDelimiter = BulkColumnDelimiter.Pipe, LineEnding = BulkLineEnding.CRLF }).WaitAsync(Timeout);

        var text = Encoding.UTF8.GetString(file.ToArray());
        var rows = await new CsvReader(new StringReader(text), '|').ReadAsync().ToListAsync();
        Assert.Equal(120, count);
        Assert.Equal(121, rows.Count);
        Assert.Equal(["Id", "LastName", "Description"], rows[0].Fields);
        Assert.DoesNotContain(rows.Skip(1), r => r.Fields[0] == "Id");
        Assert.Contains(rows, r => r.Fields[2] == "line one\r\nline two | with a pipe");
    }

    [Fact]
    public async Task QueryAsync_BadQuery_IsRefusedAtCreation()
    {
        await using var fixture = await ClientFixture.StartAsync();

        var e = await Assert.ThrowsAsync<SalesforceException>(() => fixture.Client.Bulk.QueryAsync(SoqlQuery.Raw("SELECT Nope__c FROM Lead")).ToListAsync().AsTask().WaitAsync(Timeout));

        Assert.Equal(400, e.StatusCode);
        Assert.Equal("INVALIDJOB", e.ErrorCode);
    }

    private static async Task<List<string>> SeedAsync(ClientFixture fixture, int count)
    {
        var leads = Enumerable.Range(0, count).Select(i => new Lead
        {
            LastName = $"Doe {i}",
            Company = "Acme",
            Email = $"doe{i}@example.com",
            NumberOfEmployees = i,
            Description = i == 3 ? "line one\r\nline two | with a pipe" : null,
        }).ToList();
        var results = await fixture.Client.CreateManyAsync(leads).WaitAsync(Timeout);
        Assert.All(results, r => Assert.True(r.IsSuccess));
        return [.. results.Select(r => r.Id!)];
    }
}
