using System.Net;
using System.Text.Json.Nodes;
using Forcelink.Records;
using Forcelink.Soql;

namespace Forcelink.Tests.Conformance;

/// <summary>Recorded query and search answers (restforce, NetCoreForce, plugin-data's exemplars) read by the client:
/// records with their relationships and child subqueries, aggregates, counts, pages followed through nextRecordsUrl.</summary>
public sealed class QueryConformanceTests : IDisposable
{
    private const string Fixtures = "restforce/spec/fixtures/sobject/";
    private const string NetCoreForce = "netcoreforce/src/NetCoreForce.Client.Tests/responses/";
    private readonly RecordedOrg _org = new();

    public static TheoryData<string> Exemplars => new(
        "simpleQuery", "subQuery", "queryMore", "emptyQuery", "queryWithNullFields", "queryWithZeroFields",
        "subqueryAccountsAndContacts", "queryWithAggregates", "queryWithNestedObject", "complexSubQuery");

    [ConformanceTheory]
    [MemberData(nameof(Exemplars))]
    public async Task Exemplar_EveryRecordKeepsEveryValueChildrenAndParents(string name)
    {
        var exemplar = ConformanceCorpus.Exemplar(name);
        var soql = exemplar["query"]!.GetValue<string>();
        var pages = new List<JsonObject> { exemplar["queryResult"]!.AsObject() };
        if (exemplar["queryMoreResult"] is JsonObject more)
        {
            pages.Add(more);
        }

        if (pages[0]["nextRecordsUrl"]?.GetValue<string>() is { } next)
        {
            _org.Http.On(HttpMethod.Get, next, _ => RecordedOrg.Reply(HttpStatusCode.OK, pages[1]));
        }

        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "query", _ => RecordedOrg.Reply(HttpStatusCode.OK, pages[0]));

        var records = await _org.Client().QueryAsync(SoqlQuery.Raw(soql)).ToListAsync();

        var expected = pages.SelectMany(p => p["records"]!.AsArray()).Select(r => r!.AsObject()).ToList();
        Assert.Equal(expected.Count, records.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            await AssertRecordAsync(expected[i], records[i]);
        }

        Assert.Equal([RecordedOrg.Data + "query?q=" + soql, .. pages.Skip(1).Select(_ => pages[0]["nextRecordsUrl"]!.GetValue<string>())], _org.Paths);
    }

    [ConformanceFact]
    public async Task QueryWithParentAndChildren_ReadsBoth()
    {
        var fixture = ConformanceCorpus.Restforce("sobject/query_success_response");
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "query", _ => RecordedOrg.Reply(HttpStatusCode.OK, Fixtures + "query_success_response.json"));

        var records = await _org.Client().QueryAsync(SoqlQuery.Raw("SELECT Text_Label, ParentWhizbang__r.Name, (SELECT Name FROM Whizbangs__r) FROM Whizbang")).ToListAsync();

        var record = Assert.Single(records);
        await AssertRecordAsync(fixture["records"]![0]!.AsObject(), record);
        Assert.Equal(fixture["records"]![0]!["ParentWhizbang__r"]!["Name"]!.GetValue<string>(), record.GetRelated("ParentWhizbang__r")!.GetString("Name"));
        var child = Assert.Single(record.GetChildren("Whizbangs__r"));
        Assert.Equal(fixture["records"]![0]!["Whizbangs__r"]!["records"]![0]!["Name"]!.GetValue<string>(), child.GetString("Name"));
        Assert.Equal("four;six", record.GetString("Picklist_Multiselect_Label"));
        Assert.Equal(false, record.GetBoolean("Checkbox_Label"));
    }

    [ConformanceFact]
    public async Task PaginatedQuery_FollowsNextRecordsUrl()
    {
        var first = ConformanceCorpus.Restforce("sobject/query_paginated_first_page_response");
        var last = ConformanceCorpus.Restforce("sobject/query_paginated_last_page_response");
        var next = first["nextRecordsUrl"]!.GetValue<string>();
        _org.Http.On(HttpMethod.Get, next, _ => RecordedOrg.Reply(HttpStatusCode.OK, Fixtures + "query_paginated_last_page_response.json"));
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "query", _ => RecordedOrg.Reply(HttpStatusCode.OK, Fixtures + "query_paginated_first_page_response.json"));

        var records = await _org.Client().QueryAsync(SoqlQuery.Raw("SELECT Text_Label FROM Whizbang")).ToListAsync();

        Assert.Equal(
            first.Rows().Concat(last.Rows()).Select(r => r!["Text_Label"]!.GetValue<string>()),
            records.Select(r => r.GetString("Text_Label")));
        Assert.Equal(next, _org.Paths[^1]);
        Assert.Equal(2, _org.Http.Requests.Count);
    }

    [ConformanceFact]
    public async Task FourPagesFromADeveloperOrg_AreAllStreamedInOrder()
    {
        var pages = Enumerable.Range(1, 4).Select(i => ConformanceCorpus.NetCoreForce($"querybatch/batch-{i}")).ToList();
        for (var i = 1; i < pages.Count; i++)
        {
            var file = NetCoreForce + $"querybatch/batch-{i + 1}.json";
            _org.Http.On(HttpMethod.Get, pages[i - 1]["nextRecordsUrl"]!.GetValue<string>(), _ => RecordedOrg.Reply(HttpStatusCode.OK, file));
        }

        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "query", _ => RecordedOrg.Reply(HttpStatusCode.OK, NetCoreForce + "querybatch/batch-1.json"));

        var records = await _org.Client().QueryAsync(SoqlQuery.Raw("SELECT Id FROM Contact")).ToListAsync();

        Assert.Equal(pages.Sum(p => p["records"]!.AsArray().Count), records.Count);
        Assert.All(records, r => Assert.Equal("Contact", r.ObjectName));
        Assert.Equal(pages.Take(3).Select(p => p["nextRecordsUrl"]!.GetValue<string>()), _org.Paths.Skip(1));
    }

    [ConformanceTheory]
    [InlineData(Fixtures + "query_aggregate_success_response.json")]
    [InlineData(Fixtures + "org_query_response.json")]
    [InlineData(Fixtures + "query_empty_response.json")]
    [InlineData(NetCoreForce + "query_empty_result.json")]
    [InlineData(NetCoreForce + "query_case_result.json")]
    [InlineData(NetCoreForce + "query_case_single_result.json")]
    public async Task RecordedPage_EveryRecordKeepsEveryValue(string file)
    {
        var page = ConformanceCorpus.ReadJson(file);
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "query", _ => RecordedOrg.Reply(HttpStatusCode.OK, file));

        var records = await _org.Client().QueryAsync(SoqlQuery.Raw("SELECT Id FROM Account")).ToListAsync();

        var expected = page.Rows();
        Assert.Equal(expected.Count, records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            await AssertRecordAsync(expected[i]!.AsObject(), records[i]);
        }
    }

    [ConformanceFact]
    public async Task Aggregate_ExpressionsAreNumbers()
    {
        var page = ConformanceCorpus.Restforce("sobject/query_aggregate_success_response");
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "query", _ => RecordedOrg.Reply(HttpStatusCode.OK, Fixtures + "query_aggregate_success_response.json"));

        var records = await _org.Client().QueryAsync(SoqlQuery.Raw("SELECT CampaignId, SUM(Amount) FROM Opportunity GROUP BY CampaignId")).ToListAsync();

        Assert.All(records, r => Assert.Equal("AggregateResult", r.ObjectName));
        Assert.Equal(page.Rows().Select(r => r!["expr0"]!.GetValue<decimal>()), records.Select(r => r.GetDecimal("expr0")!.Value));
        Assert.Equal(page.Rows().Select(r => r!["CampaignId"]?.GetValue<string>()), records.Select(r => r.GetString("CampaignId")));
    }

    [ConformanceFact]
    public async Task CasesWithParents_AreTypedRecordsWithTheirRelatedRecords()
    {
        var page = ConformanceCorpus.NetCoreForce("query_case_result");
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "query", _ => RecordedOrg.Reply(HttpStatusCode.OK, NetCoreForce + "query_case_result.json"));

        var cases = await _org.Client().QueryAsync<Case>(SoqlQuery.Raw("SELECT Id, CaseNumber, SystemModstamp, Account.Name, Contact.Name FROM Case")).ToListAsync();

        Assert.Equal(page.Rows().Select(r => r!["CaseNumber"]!.GetValue<string>()), cases.Select(c => c.CaseNumber));
        Assert.Equal(page.Rows().Select(r => r!["Account"]?["Name"]?.GetValue<string>()), cases.Select(c => c.GetRelated("Account")?.GetString("Name")));
        Assert.Equal(page.Rows().Select(r => r!["Contact"]?["Name"]?.GetValue<string>()), cases.Select(c => c.GetRelated("Contact")?.GetString("Name")));
        Assert.All(cases, c => Assert.NotNull(c.SystemModstamp));
    }

    [ConformanceFact]
    public async Task Count_IsTotalSize()
    {
        var page = ConformanceCorpus.NetCoreForce("count_query");
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "query", _ => RecordedOrg.Reply(HttpStatusCode.OK, NetCoreForce + "count_query.json"));

        var count = await _org.Client().CountAsync(SoqlQuery.Raw("SELECT COUNT() FROM Case"));

        Assert.Equal(page["totalSize"]!.GetValue<int>(), count);
    }

    [ConformanceFact]
    public async Task QueryRefused_IsInvalidField()
    {
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "query", _ => RecordedOrg.Reply(HttpStatusCode.BadRequest, Fixtures + "query_error_response.json"));

        var error = await Assert.ThrowsAsync<SalesforceException>(() => _org.Client().QueryAsync(SoqlQuery.Raw("SELECT Foo FROM Account")).ToListAsync().AsTask());

        RecordConformanceTests.AssertRefusal(error, 400, "query_error_response");
    }

    [ConformanceFact]
    public async Task Search_BareArrayOfAnOldVersion_IsRead()
    {
        var fixture = ConformanceCorpus.Restforce("sobject/search_success_response").AsArray();
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "search", _ => RecordedOrg.Reply(HttpStatusCode.OK, Fixtures + "search_success_response.json"));

        var records = await _org.Client().SearchRawAsync("FIND {bar}");

        Assert.Equal(fixture.Count, records.Count);
        for (var i = 0; i < fixture.Count; i++)
        {
            await AssertRecordAsync(fixture[i]!.AsObject(), records[i]);
        }
    }

    [ConformanceFact]
    public async Task SearchRefused_IsMalformedSearch()
    {
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "search", _ => RecordedOrg.Reply(HttpStatusCode.BadRequest, Fixtures + "search_error_response.json"));

        var error = await Assert.ThrowsAsync<SalesforceException>(() => _org.Client().SearchRawAsync("FIND bar"));

        RecordConformanceTests.AssertRefusal(error, 400, "search_error_response");
    }

    /// <summary>
    /// The record holds every value of the recorded one; a parent relationship reads as a record of its type, a child
    /// relationship as its records (none for Salesforce's <see langword="null"/>), the same through
    /// <see cref="SalesforceClient.QueryChildrenAsync"/>; other objects (compound fields, tooling metadata) stay JSON.
    /// </summary>
    private async Task AssertRecordAsync(JsonObject expected, SObject record)
    {
        RecordConformanceTests.AssertHoldsEveryField(expected, record);
        foreach (var (field, value) in expected.Where(p => p.Key != "attributes"))
        {
            switch (value)
            {
                case JsonObject children when children.ContainsKey("records"):
                    var expectedChildren = children["records"]!.AsArray().Select(c => c!.AsObject()).ToList();
                    var read = record.GetChildren(field);
                    Assert.Equal(expectedChildren.Count, read.Count);
                    for (var i = 0; i < read.Count; i++)
                    {
                        await AssertRecordAsync(expectedChildren[i], read[i]);
                    }

                    Assert.Equal(read.Select(c => c.ToJson()), (await _org.Client().QueryChildrenAsync(record, field).ToListAsync()).Select(c => c.ToJson()));
                    break;
                case JsonObject parent when parent["attributes"] is JsonObject attributes:
                    var related = record.GetRelated(field);
                    Assert.NotNull(related);
                    Assert.Equal(attributes["type"]!.GetValue<string>(), related.ObjectName);
                    await AssertRecordAsync(parent, related);
                    break;
                case null:
                    Assert.Empty(record.GetChildren(field));
                    Assert.Null(record.GetRelated(field));
                    break;
            }
        }
    }

    public void Dispose() => _org.Dispose();
}

internal static class RecordedPages
{
    /// <summary>The records of a recorded page.</summary>
    public static JsonArray Rows(this JsonNode page) => page["records"]!.AsArray();
}
