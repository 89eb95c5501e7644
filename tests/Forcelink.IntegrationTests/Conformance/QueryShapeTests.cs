using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Forcelink.Tests.Conformance;

namespace Forcelink.IntegrationTests.Conformance;

/// <summary>The emulator's query and search answers against the recorded ones: the same query over similar data gives
/// pages of the same shape (relationships, child subqueries, nulls, aggregates, nextRecordsUrl).</summary>
public sealed class QueryShapeTests
{
    private const string NextRecordsUrl = @"^/services/data/v\d+\.\d/query/01g\w{15}-\d+$";

    [ConformanceFact]
    public async Task OrganizationId_SameShape()
    {
        await using var org = await ConformanceOrg.StartAsync();

        var (status, body) = await org.QueryAsync("select id from Organization");

        Assert.Equal(200, status);
        ConformanceOrg.AssertShape(ConformanceCorpus.Restforce("sobject/org_query_response"), body);
    }

    [ConformanceFact]
    public async Task ParentAndChildRelationships_SameShape()
    {
        await using var org = await ConformanceOrg.StartAsync();
        var parent = (await org.AddAsync("Whizbang__c", new { Name = "Parent Whizbang", Text_Label__c = "Hello" }))[0];
        var record = (await org.AddAsync("Whizbang__c", new
        {
            Name = "Whizbang",
            Checkbox_Label__c = false,
            Text_Label__c = "Hi there!",
            Date_Label__c = "2010-01-01",
            DateTime_Label__c = "2011-07-07T00:37:00.000+0000",
            Picklist_Multiselect_Label__c = "four;six",
            ParentWhizbang__c = parent,
        }))[0];
        await org.AddAsync("Whizbang__c", new { Name = "Child Whizbang", ParentWhizbang__c = record });

        var (status, body) = await org.QueryAsync(
            "SELECT Checkbox_Label__c, Text_Label__c, Date_Label__c, DateTime_Label__c, Picklist_Multiselect_Label__c, ParentWhizbang__r.Name, " +
            $"ParentWhizbang__r.Text_Label__c, (SELECT Name FROM Whizbangs__r) FROM Whizbang__c WHERE Id = '{record}'");

        Assert.Equal(200, status);
        ConformanceOrg.AssertShape(ConformanceOrg.Customize(ConformanceCorpus.Restforce("sobject/query_success_response")), body);
    }

    [ConformanceFact]
    public async Task Pages_SameShape()
    {
        await using var org = await ConformanceOrg.StartAsync();
        await org.AddAsync("Whizbang__c", [.. Enumerable.Range(0, 201).Select(i => new { Text_Label__c = $"Page {i}" })]);

        var (status, first) = await org.QueryAsync("SELECT Text_Label__c FROM Whizbang__c", batchSize: 200);
        var (lastStatus, last) = await org.CallAsync(HttpMethod.Get, first!["nextRecordsUrl"]!.GetValue<string>());

        Assert.Equal((200, 200), (status, lastStatus));
        ConformanceOrg.AssertShape(ConformanceOrg.Customize(ConformanceCorpus.Restforce("sobject/query_paginated_first_page_response")), first);
        ConformanceOrg.AssertShape(ConformanceOrg.Customize(ConformanceCorpus.Restforce("sobject/query_paginated_last_page_response")), last);
        Assert.Matches(NextRecordsUrl, first["nextRecordsUrl"]!.GetValue<string>());
    }

    [ConformanceFact]
    public async Task FourPagesOfContacts_SameShapeAndLocatorForm()
    {
        var pages = Enumerable.Range(1, 4).Select(i => ConformanceCorpus.NetCoreForce($"querybatch/batch-{i}")).ToList();
        await using var org = await ConformanceOrg.StartAsync();
        await org.AddAsync("Contact", [.. Enumerable.Range(0, 800).Select(i => new { LastName = $"Contact {i}" })]);

        var (_, page) = await org.QueryAsync("SELECT Id FROM Contact", batchSize: 200);
        for (var i = 0; i < pages.Count; i++)
        {
            ConformanceOrg.AssertShape(pages[i], page);
            if (pages[i]["nextRecordsUrl"] is { } recordedNext)
            {
                Assert.Matches(NextRecordsUrl, recordedNext.GetValue<string>());
                Assert.Matches(NextRecordsUrl, page!["nextRecordsUrl"]!.GetValue<string>());
                Assert.EndsWith(recordedNext.GetValue<string>()[recordedNext.GetValue<string>().LastIndexOf('-')..], page["nextRecordsUrl"]!.GetValue<string>(), StringComparison.Ordinal);
                (_, page) = await org.CallAsync(HttpMethod.Get, page["nextRecordsUrl"]!.GetValue<string>());
            }
        }
    }

    [ConformanceFact]
    public async Task Aggregate_SameShape()
    {
        await using var org = await ConformanceOrg.StartAsync();
        await org.AddAsync("Opportunity",
            new { Name = "Big", StageName = "Prospecting", CloseDate = "2026-12-01", Amount = 300 },
            new { Name = "Small", StageName = "Closed Won", CloseDate = "2026-12-01", Amount = 100 });

        var (status, body) = await org.QueryAsync("SELECT CampaignId, SUM(Amount) FROM Opportunity GROUP BY CampaignId");

        Assert.Equal(200, status);
        ConformanceOrg.AssertShape(ConformanceCorpus.Restforce("sobject/query_aggregate_success_response"), body);
    }

    [ConformanceFact]
    public async Task Count_SameShape()
    {
        await using var org = await ConformanceOrg.StartAsync();
        await org.AddAsync("Case", new { Subject = "One" }, new { Subject = "Two" });

        var (status, body) = await org.QueryAsync("SELECT COUNT() FROM Case");

        Assert.Equal(200, status);
        ConformanceOrg.AssertShape(ConformanceCorpus.NetCoreForce("count_query"), body);
        Assert.Equal(2, body!["totalSize"]!.GetValue<int>());
    }

    [ConformanceTheory]
    [InlineData("restforce/spec/fixtures/sobject/query_empty_response.json")]
    [InlineData("netcoreforce/src/NetCoreForce.Client.Tests/responses/query_empty_result.json")]
    public async Task Empty_SameShape(string file)
    {
        await using var org = await ConformanceOrg.StartAsync();

        var (status, body) = await org.QueryAsync("SELECT Name FROM Contact WHERE Name = 'some nonexistent name'");

        Assert.Equal(200, status);
        ConformanceOrg.AssertShape(ConformanceCorpus.ReadJson(file), body);
    }

    [ConformanceTheory]
    [InlineData("query_case_result")]
    [InlineData("query_case_single_result")]
    public async Task CasesWithParents_SameShape(string fixture)
    {
        await using var org = await ConformanceOrg.StartAsync();
        var account = (await org.AddAsync("Account", new { Name = "Edge Communications" }))[0];
        var contact = (await org.AddAsync("Contact", new { FirstName = "Rose", LastName = "Gonzalez", AccountId = account }))[0];
        await org.AddAsync("Case", new { Subject = "Broken", AccountId = account, ContactId = contact });

        var (status, body) = await org.QueryAsync("SELECT Id, CaseNumber, SystemModstamp, Account.Name, Account.SystemModstamp, Contact.Name, Contact.SystemModstamp FROM Case");

        Assert.Equal(200, status);
        ConformanceOrg.AssertShape(ConformanceCorpus.NetCoreForce(fixture), body);
    }

    [ConformanceFact]
    public async Task QueryRefused_SameShapeAndCode()
    {
        await using var org = await ConformanceOrg.StartAsync();

        var (status, body) = await org.QueryAsync("SELECT Foo FROM Account");

        // The recorded message is restforce's placeholder ("error_message"); Salesforce's own wording is the echo and caret.
        ConformanceOrg.AssertError(ConformanceCorpus.Restforce("sobject/query_error_response"), 400, status, body,
            new Regex(@"^\nSELECT Foo FROM Account\n {7}\^\nERROR at Row:1:Column:8\nNo such column 'Foo' on entity 'Account'\. ", RegexOptions.CultureInvariant));
    }

    [ConformanceFact]
    public async Task Search_SameRecordShapeInsideTheCurrentEnvelope()
    {
        var recorded = ConformanceCorpus.Restforce("sobject/search_success_response");
        await using var org = await ConformanceOrg.StartAsync();
        await org.AddAsync("Account", new { Name = "bar" }, new { Name = "bar baz" });

        var (status, body) = await org.CallAsync(HttpMethod.Get, "search?q=" + Uri.EscapeDataString("FIND {bar} RETURNING Account(Id)"));

        // Kept: old API versions (the recording's) answered a bare array; current ones wrap it in searchRecords.
        Assert.Equal(200, status);
        Assert.IsType<JsonArray>(recorded);
        Assert.Equal(["searchRecords"], body!.AsObject().Select(p => p.Key));
        ConformanceOrg.AssertShape(recorded, body["searchRecords"]);
    }

    [ConformanceFact]
    public async Task SearchWithoutBraces_SameError()
    {
        await using var org = await ConformanceOrg.StartAsync();

        var (status, body) = await org.CallAsync(HttpMethod.Get, "search?q=" + Uri.EscapeDataString("FIND bar"));

        ConformanceOrg.AssertError(ConformanceCorpus.Restforce("sobject/search_error_response"), 400, status, body);
    }

    [ConformanceFact]
    public async Task ExemplarSimpleQuery_SameShape() =>
        await AssertExemplarAsync("simpleQuery", org => org.AddAsync("Contact", new { FirstName = "Matteo", LastName = "Crippa" }));

    [ConformanceTheory]
    [InlineData("subQuery")]
    [InlineData("subqueryAccountsAndContacts")]
    public async Task ExemplarChildSubquery_SameShape(string name) =>
        await AssertExemplarAsync(name, async org =>
        {
            var ids = await org.AddAsync("Account", new { Name = "Cisco Systems, Inc." }, new { Name = "GenePoint" });
            await org.AddAsync("Contact", new { LastName = "Frank", AccountId = ids[1] });
        });

    [ConformanceFact]
    public async Task ExemplarQueryMore_SameShape() =>
        await AssertExemplarAsync("queryMore", org => org.AddAsync("Contact", [.. Enumerable.Range(0, 201).Select(i => new { LastName = $"Contact {i}" })]), batchSize: 200);

    [ConformanceFact]
    public async Task ExemplarEmpty_SameShape() =>
        await AssertExemplarAsync("emptyQuery", _ => Task.CompletedTask);

    [ConformanceTheory]
    [InlineData("queryWithNullFields")]
    [InlineData("queryWithAggregates")]
    public async Task ExemplarAggregateWithNulls_SameShape(string name) =>
        await AssertExemplarAsync(name, org => org.AddAsync("Account", new { Name = "sForce" }, new { Name = "Edge Communications", AnnualRevenue = 139000000 }));

    [ConformanceFact]
    public async Task ExemplarZeroValuesInAChildSubquery_SameShape() =>
        await AssertExemplarAsync("queryWithZeroFields", async org =>
        {
            var (_, entry) = await AddProductAsync(org, unitPrice: 0);
            var opportunity = (await org.AddAsync("Opportunity", new { Name = "Dickenson Mobile Generators", StageName = "Prospecting", CloseDate = "2026-12-01", Amount = 0 }))[0];
            await org.AddAsync("OpportunityLineItem", new { OpportunityId = opportunity, PricebookEntryId = entry, Quantity = 1, UnitPrice = 0 });
        });

    [ConformanceFact]
    public async Task ExemplarParentsInsideAChildSubquery_SameShape() =>
        await AssertExemplarAsync("complexSubQuery", async org =>
        {
            var (_, entry) = await AddProductAsync(org, unitPrice: 1300);
            var opportunity = (await org.AddAsync("Opportunity", new { Name = "My Opportunity", StageName = "Prospecting", CloseDate = "2022-02-01", Amount = 1300 }))[0];
            await org.AddAsync("OpportunityLineItem", new { OpportunityId = opportunity, PricebookEntryId = entry, Quantity = 1 });
        });

    private static async Task<(string Product, string Entry)> AddProductAsync(ConformanceOrg org, decimal unitPrice)
    {
        var product = (await org.AddAsync("Product2", new { Name = "MyProduct", Family = "None", IsActive = true }))[0];
        var pricebook = (await org.AddAsync("Pricebook2", new { Name = "Standard Price Book", IsActive = true }))[0];
        var entry = (await org.AddAsync("PricebookEntry", new { Pricebook2Id = pricebook, Product2Id = product, UnitPrice = unitPrice, IsActive = true }))[0];
        return (product, entry);
    }

    /// <summary>Runs an exemplar's own query over seeded data and compares each page with the recorded one.</summary>
    private static async Task AssertExemplarAsync(string name, Func<ConformanceOrg, Task> seed, int? batchSize = null)
    {
        var exemplar = ConformanceCorpus.Exemplar(name);
        await using var org = await ConformanceOrg.StartAsync();
        await seed(org);

        var (status, body) = await org.QueryAsync(exemplar["query"]!.GetValue<string>(), batchSize);

        Assert.Equal(200, status);
        ConformanceOrg.AssertShape(exemplar["queryResult"], body);
        if (exemplar["queryMoreResult"] is { } more)
        {
            Assert.Matches(NextRecordsUrl, exemplar["queryResult"]!["nextRecordsUrl"]!.GetValue<string>());
            var (moreStatus, moreBody) = await org.CallAsync(HttpMethod.Get, body!["nextRecordsUrl"]!.GetValue<string>());
            Assert.Equal(200, moreStatus);
            ConformanceOrg.AssertShape(more, moreBody);
        }
    }
}
