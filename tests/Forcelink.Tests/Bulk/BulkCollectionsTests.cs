using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.Bulk;

public sealed class BulkCollectionsTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
    private readonly FakeBulkApi _api;
    private readonly SalesforceClient _sut;

    public BulkCollectionsTests()
    {
        _api = new FakeBulkApi(_time);
        _sut = new SalesforceClient(new FakeCredential(_time), new SalesforceClientOptions
        {
            ApiVersion = "62.0",
            TimeProvider = _time,
            Transport = _api,
            Bulk = { CollectionThreshold = 4, MaxUploadBytes = 1_000 },
        });
    }

    [Fact]
    public async Task CreateManyAsync_AtTheThreshold_GoesThroughBulk_AndAnswersInInputOrder()
    {
        var leads = BulkIngestTests.Leads(60);
        leads[7].LastName = "";
        leads[8].Email = null;

        var results = await FakeTimePump.RunAsync(_sut.CreateManyAsync(leads), _time);

        Assert.True(_api.IngestJobs.Count() > 1);
        Assert.Equal(60, results.Count);
        Assert.False(results[7].IsSuccess);
        Assert.Equal("REQUIRED_FIELD_MISSING", results[7].Errors[0].ErrorCode);
        Assert.All(results.Where((_, i) => i != 7), r => Assert.True(r.IsSuccess));
        // Each id went back to the record it was created from: the fake writes the uploaded row next to the id it gave.
        var created = _api.IngestJobs.SelectMany(j => j.Successful).ToDictionary(r => r[0], r => r[2]);
        Assert.All(leads.Where((_, i) => i != 7), l => Assert.Equal(l.LastName, created[l.Id!]));
        Assert.Null(leads[7].Id);
    }

    [Fact]
    public async Task UpsertManyAsync_AboveTheThreshold_ReportsCreated()
    {
        var leads = BulkIngestTests.Leads(5);
        for (var i = 0; i < leads.Count; i++)
        {
            leads[i]["Ext_Id__c"] = $"ext-{i}";
        }

        var results = await FakeTimePump.RunAsync(_sut.UpsertManyAsync(leads, "Ext_Id__c"), _time);

        Assert.All(results, r => Assert.True(r.Created));
        Assert.Equal("upsert", _api.IngestJobs.Single().Operation);
    }

    [Fact]
    public async Task CreateManyAsync_BelowTheThresholdOrAllOrNone_StaysOnCollections()
    {
        // The fake knows only /jobs: a collections call is an unexpected request.
        var below = await Assert.ThrowsAsync<InvalidOperationException>(() => _sut.CreateManyAsync(BulkIngestTests.Leads(3)));
        var allOrNone = await Assert.ThrowsAsync<InvalidOperationException>(() => _sut.CreateManyAsync(BulkIngestTests.Leads(10), allOrNone: true));

        Assert.Contains("composite/sobjects", below.Message, StringComparison.Ordinal);
        Assert.Contains("composite/sobjects", allOrNone.Message, StringComparison.Ordinal);
        Assert.Empty(_api.Jobs);
    }

    public void Dispose() => _sut.Dispose();
}
