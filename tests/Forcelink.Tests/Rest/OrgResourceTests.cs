using System.Net;
using System.Text.Json.Nodes;
using Forcelink.Records;
using Forcelink.Models;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.Rest;

/// <summary>Describe global's cache, the updated/deleted windows and the composite graph request, against a stub.</summary>
public sealed class OrgResourceTests : IDisposable
{
    private const string Data = "/services/data/v62.0/";
    private const string Global = """
        {"encoding":"UTF-8","maxBatchSize":200,"sobjects":[
          {"name":"Case","label":"Case","keyPrefix":"500","custom":false,"createable":true,"queryable":true,"replicateable":true},
          {"name":"Lead","label":"Lead","labelPlural":"Leads","keyPrefix":"00Q","custom":false,"createable":true,"queryable":true,"replicateable":true}]}
        """;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly StubHttpHandler _http = new();

    [Fact]
    public async Task DescribeGlobalAsync_ConcurrentCallers_ShareOneCallAndTheCache()
    {
        var release = new TaskCompletionSource();
        _http.OnAsync(HttpMethod.Get, Data + "sobjects", async (_, _) =>
        {
            await release.Task;
            return StubHttpHandler.Json(HttpStatusCode.OK, Global);
        });
        using var sut = CreateSut();

        var callers = Enumerable.Range(0, 10).Select(_ => sut.DescribeGlobalAsync()).ToList();
        release.SetResult();
        var results = await Task.WhenAll(callers);
        var again = await sut.DescribeGlobalAsync();

        Assert.Single(_http.Requests);
        Assert.All(results, r => Assert.Same(results[0], r));
        Assert.Same(results[0], again);
        Assert.Equal("Lead", again.FindByKeyPrefix("00Q5g00000AbCdEEAV")!.Name);
        Assert.Equal("500", again.Find("case")!.KeyPrefix);
        Assert.Null(again.Find("Invoice__c"));
    }

    [Fact]
    public async Task DescribeGlobalAsync_Refresh_ReadsAgain()
    {
        _http.On(HttpMethod.Get, Data + "sobjects", _ => StubHttpHandler.Json(HttpStatusCode.OK, Global));
        using var sut = CreateSut();

        var first = await sut.DescribeGlobalAsync();
        var second = await sut.DescribeGlobalAsync(refresh: true);

        Assert.Equal(2, _http.Requests.Count);
        Assert.NotSame(first, second);
    }

    [Fact]
    public async Task DescribeGlobalAsync_Failure_IsNotCached()
    {
        _http.OnSequence(HttpMethod.Get, Data + "sobjects",
            _ => StubHttpHandler.Json(HttpStatusCode.Forbidden, """[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"""),
            _ => StubHttpHandler.Json(HttpStatusCode.OK, Global));
        using var sut = CreateSut();

        await Assert.ThrowsAsync<SalesforceException>(() => sut.DescribeGlobalAsync());
        var description = await sut.DescribeGlobalAsync();

        Assert.Equal(2, description.Objects.Count);
    }

    [Fact]
    public async Task GetUpdatedAsync_Window_DropsSecondsAndEncodesTheDates()
    {
        _http.On(HttpMethod.Get, Data + "sobjects/Lead/updated/", _ => StubHttpHandler.Json(HttpStatusCode.OK,
            """{"ids":["00Q000000000001AAA"],"latestDateCovered":"2026-11-26T11:59:00.000+0000"}"""));
        using var sut = CreateSut();

        var updated = await sut.GetUpdatedAsync("Lead", new DateTimeOffset(2026, 11, 26, 10, 0, 45, TimeSpan.Zero), new DateTimeOffset(2026, 11, 26, 13, 59, 59, TimeSpan.FromHours(2)));

        Assert.Equal(["00Q000000000001AAA"], updated.Ids);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 11, 59, 0, TimeSpan.Zero), updated.LatestDateCovered);
        Assert.Equal("?start=2026-11-26T10%3A00%3A00%2B00%3A00&end=2026-11-26T11%3A59%3A00%2B00%3A00", _http.Requests[0].Uri.Query);
    }

    [Fact]
    public async Task GetDeletedAsync_Answer_ReadsSalesforcesDates()
    {
        _http.On(HttpMethod.Get, Data + "sobjects/Lead/deleted/", _ => StubHttpHandler.Json(HttpStatusCode.OK, """
            {"deletedRecords":[{"id":"00Q000000000001AAA","deletedDate":"2026-11-26T10:07:19.000+0000"}],
             "earliestDateAvailable":"2026-11-11T12:00:00.000+0000","latestDateCovered":"2026-11-26T11:00:00.000+0000"}
            """));
        using var sut = CreateSut();

        var deleted = await sut.GetDeletedAsync("Lead", _time.GetUtcNow().AddHours(-2), _time.GetUtcNow().AddHours(-1));

        Assert.Equal("00Q000000000001AAA", Assert.Single(deleted.Records).Id);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 10, 7, 19, TimeSpan.Zero), deleted.Records[0].DeletedDate);
        Assert.Equal(new DateTimeOffset(2026, 11, 11, 12, 0, 0, TimeSpan.Zero), deleted.EarliestDateAvailable);
    }

    [Fact]
    public async Task GetUpdatedAsync_WindowWithinOneMinute_IsRefusedBeforeSending()
    {
        using var sut = CreateSut();
        var start = new DateTimeOffset(2026, 11, 26, 10, 0, 5, TimeSpan.Zero);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => sut.GetUpdatedAsync("Lead", start, start.AddSeconds(50)));

        Assert.Contains("at least one whole minute", error.Message, StringComparison.Ordinal);
        Assert.Empty(_http.Requests);
    }

    [Fact]
    public async Task GetUpdatedAsync_InvalidReplicationDate_SaysHowToFixIt()
    {
        _http.On(HttpMethod.Get, Data + "sobjects/Lead/updated/", _ => StubHttpHandler.Json(HttpStatusCode.BadRequest,
            """[{"message":"startDate before org replication enabled date","errorCode":"INVALID_REPLICATION_DATE"}]"""));
        using var sut = CreateSut();

        var error = await Assert.ThrowsAsync<SalesforceException>(() => sut.GetUpdatedAsync("Lead", _time.GetUtcNow().AddDays(-40), _time.GetUtcNow()));

        Assert.Equal("INVALID_REPLICATION_DATE", error.ErrorCode);
        Assert.Contains("30 days", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendCompositeGraphAsync_Graph_SendsVersionedNodesAndReadsResults()
    {
        _http.On(HttpMethod.Post, Data + "composite/graph", _ => StubHttpHandler.Json(HttpStatusCode.OK, """
            {"graphs":[{"graphId":"lead1","graphResponse":{"compositeResponse":[
              {"body":[{"errorCode":"PROCESSING_HALTED","message":"The transaction was rolled back since another operation in the same transaction failed."}],"httpHeaders":{},"httpStatusCode":400,"referenceId":"NewLead"},
              {"body":[{"errorCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [Subject]","fields":["Subject"]}],"httpHeaders":{},"httpStatusCode":400,"referenceId":"NewCase"}]},
             "isSuccessful":false}]}
            """));
        using var sut = CreateSut();
        var graph = new CompositeGraph("lead1")
            .Create("NewLead", new Lead { LastName = "Doe", Company = "Acme" })
            .Create("NewCase", new SObject("Case") { ["Description"] = CompositeRequest.Reference("NewLead") });

        var result = await sut.SendCompositeGraphAsync(graph);

        Assert.False(result.IsSuccessful);
        Assert.Equal("REQUIRED_FIELD_MISSING", Assert.Single(result.Errors).ErrorCode);
        Assert.Equal(400, result["NewLead"]!.StatusCode);
        var sent = JsonNode.Parse(_http.Requests[0].Body!)!["graphs"]![0]!;
        Assert.Equal("lead1", (string?)sent["graphId"]);
        Assert.Equal("/services/data/v62.0/sobjects/Case", (string?)sent["compositeRequest"]![1]!["url"]);
        Assert.Equal("@{NewLead.id}", (string?)sent["compositeRequest"]![1]!["body"]!["Description"]);
    }

    [Theory]
    [InlineData(".graph")]
    [InlineData("a.b")]
    [InlineData("0123456789012345678901234567890123456789")]
    public void CompositeGraph_BadGraphId_IsRefused(string graphId) =>
        Assert.Throws<ArgumentException>(() => new CompositeGraph(graphId));

    [Fact]
    public void CompositeGraph_ReferenceIdTwice_IsRefused()
    {
        var graph = new CompositeGraph("g").Create("a", new Lead { LastName = "A", Company = "X" });

        Assert.Throws<ArgumentException>(() => graph.Create("a", new Lead { LastName = "B", Company = "X" }));
    }

    [Fact]
    public async Task SendCompositeGraphsAsync_TooManyNodesInAll_IsRefusedBeforeSending()
    {
        using var sut = CreateSut();
        var graphs = Enumerable.Range(0, 2).Select(g =>
        {
            var graph = new CompositeGraph($"g{g}");
            for (var i = 0; i < 300; i++)
            {
                graph.Create($"n{i}", new Lead { LastName = "L", Company = "C" });
            }

            return graph;
        }).ToList();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => sut.SendCompositeGraphsAsync(graphs));

        Assert.Contains("500 nodes", error.Message, StringComparison.Ordinal);
        Assert.Empty(_http.Requests);
    }

    public void Dispose() => _http.Dispose();

    private SalesforceClient CreateSut()
    {
        var options = new SalesforceClientOptions { ApiVersion = "62.0", TimeProvider = _time, Transport = _http, RetryDelay = TimeSpan.Zero };
        return new SalesforceClient(new FakeCredential(_time), options);
    }
}
