using System.Text.Json.Nodes;
using Forcelink.Emulator.Hosting;

namespace Forcelink.IntegrationTests.Emulator;

/// <summary>Child relationships over REST: subqueries on standard and custom lookups, describe, access, paging, and the
/// products of opportunities whose prices Salesforce fills in.</summary>
public sealed class ChildRelationshipTests
{
    private static void AddInvoices(EmulatorOptions options) => options.Org.CustomObjects.Add(new CustomObjectOptions
    {
        Name = "Invoice__c",
        PluralLabel = "Sales Invoices",
        Fields =
        [
            new CustomFieldOptions { Name = "Account__c", Type = "reference", ReferenceTo = ["Account"] },
            new CustomFieldOptions { Name = "Payer__c", Type = "reference", ReferenceTo = ["Contact"], ChildRelationshipName = "PaidInvoices" },
        ],
    });

    [Fact]
    public async Task Query_CustomLookups_DefaultAndConfiguredChildRelationshipNames()
    {
        await using var emulator = await EmulatorFixture.StartAsync(AddInvoices);
        var token = await emulator.GetTokenAsync();
        var account = await emulator.CreateAsync(token, "Account", new { Name = "Acme" });
        var contact = await emulator.CreateAsync(token, "Contact", new { LastName = "Payer", AccountId = account });
        var invoice = await emulator.CreateAsync(token, "Invoice__c", new { Name = "INV-1", Account__c = account, Payer__c = contact });

        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=" + Uri.EscapeDataString(
            "SELECT Name, (SELECT Name FROM SalesInvoices__r), (SELECT LastName, (SELECT Name FROM PaidInvoices__r) FROM Contacts) FROM Account"), token);

        Assert.Equal(400, status);
        Assert.Contains("A subquery inside a subquery is not supported by the Forcelink emulator.", body![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=" + Uri.EscapeDataString(
            "SELECT Name, (SELECT Name FROM SalesInvoices__r), (SELECT LastName FROM Contacts) FROM Account"), token);
        Assert.Equal(200, status);
        var record = body!["records"]![0]!;
        Assert.Equal(invoice, record["SalesInvoices__r"]!["records"]![0]!["attributes"]!["url"]!.GetValue<string>().Split('/')[^1]);
        Assert.Equal("Payer", record["Contacts"]!["records"]![0]!["LastName"]!.GetValue<string>());

        (_, body, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=" + Uri.EscapeDataString("SELECT LastName, (SELECT Name FROM PaidInvoices__r) FROM Contact"), token);
        Assert.Equal("INV-1", body!["records"]![0]!["PaidInvoices__r"]!["records"]![0]!["Name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Describe_ListsTheChildRelationshipsTheUserCanRead()
    {
        await using var emulator = await EmulatorFixture.StartAsync(AddInvoices);
        var token = await emulator.GetTokenAsync();

        var (_, body, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Account/describe", token);

        var children = body!["childRelationships"]!.AsArray().Select(r => (r!["childSObject"]!.GetValue<string>(), r["field"]!.GetValue<string>(), r["relationshipName"]!.GetValue<string>())).ToList();
        Assert.Contains(("Contact", "AccountId", "Contacts"), children);
        Assert.Contains(("Case", "AccountId", "Cases"), children);
        Assert.Contains(("Opportunity", "AccountId", "Opportunities"), children);
        Assert.Contains(("Account", "ParentId", "ChildAccounts"), children);
        Assert.Contains(("Invoice__c", "Account__c", "SalesInvoices__r"), children);
    }

    [Fact]
    public async Task Query_ChildObjectNotReadable_InvalidType()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o =>
        {
            o.Org.Profiles.Add(new PermissionOptions { Name = "Accounts Only", Objects = { ["Account"] = new ObjectPermissions { Read = true } } });
            o.Org.Users.Add(new UserOptions { Username = "accounts@example.com", Profile = "Accounts Only" });
            o.Org.Apps[0].Profiles.Add("Accounts Only");
        });
        var token = await emulator.GetTokenAsync("accounts@example.com");

        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=" + Uri.EscapeDataString("SELECT Name, (SELECT LastName FROM Contacts) FROM Account"), token);

        Assert.Equal(400, status);
        Assert.Equal("INVALID_TYPE", body![0]!["errorCode"]!.GetValue<string>());
        Assert.Contains("Didn't understand relationship 'Contacts' in FROM part of query call.", body[0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_ParentsOverSeveralPages_ChildrenStayWithTheirParents()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var accounts = await emulator.Host.AddRecordsAsync("Account", [.. Enumerable.Range(0, 250).Select(i => new { Name = EmulatorFixture.Invariant($"Account {i:D3}") })]);
        await emulator.Host.AddRecordsAsync("Contact", [.. accounts.Select((id, i) => new { LastName = EmulatorFixture.Invariant($"Contact {i:D3}"), AccountId = id })]);
        var token = await emulator.GetTokenAsync();
        var headers = new Dictionary<string, string> { ["Sforce-Query-Options"] = "batchSize=200" };

        var (_, first, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=" + Uri.EscapeDataString("SELECT Name, (SELECT LastName FROM Contacts) FROM Account ORDER BY Name"), token, headers: headers);
        var (_, second, _) = await emulator.CallAsync(HttpMethod.Get, first!["nextRecordsUrl"]!.GetValue<string>(), token);

        var records = first["records"]!.AsArray().Concat(second!["records"]!.AsArray()).ToList();
        Assert.Equal(250, records.Count);
        Assert.All(records, r => Assert.Equal(
            r!["Name"]!.GetValue<string>().Replace("Account", "Contact", StringComparison.Ordinal),
            r["Contacts"]!["records"]![0]!["LastName"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OpportunityProducts_PricesAndNamesFilledFromThePriceBook()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var product = await emulator.CreateAsync(token, "Product2", new { Name = "Widget", ProductCode = "W-1", IsActive = true });
        var pricebook = await emulator.CreateAsync(token, "Pricebook2", new { Name = "Standard", IsActive = true });
        var entry = await emulator.CreateAsync(token, "PricebookEntry", new { Pricebook2Id = pricebook, Product2Id = product, UnitPrice = 25, IsActive = true });
        var opportunity = await emulator.CreateAsync(token, "Opportunity", new { Name = "Deal", StageName = "Closed Won", CloseDate = "2026-12-01" });
        await emulator.CreateAsync(token, "OpportunityLineItem", new { OpportunityId = opportunity, PricebookEntryId = entry, Quantity = 4 });
        await emulator.CreateAsync(token, "OpportunityLineItem", new { OpportunityId = opportunity, PricebookEntryId = entry, Quantity = 2, UnitPrice = 20 });

        var (_, body, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=" + Uri.EscapeDataString(
            "SELECT IsClosed, IsWon, (SELECT Name, ProductCode, Product2Id, ListPrice, UnitPrice, TotalPrice, PricebookEntry.Name FROM OpportunityLineItems ORDER BY Quantity DESC) FROM Opportunity"), token);

        var record = body!["records"]![0]!;
        Assert.True(record["IsClosed"]!.GetValue<bool>());
        Assert.True(record["IsWon"]!.GetValue<bool>());
        var items = record["OpportunityLineItems"]!["records"]!.AsArray();
        Assert.Equal(
            """{"Name":"Deal Widget","ProductCode":"W-1","ListPrice":25.0,"UnitPrice":25.0,"TotalPrice":100.0,"PricebookEntry":"Widget"}""",
            Summary(items[0]!));
        Assert.Equal(
            """{"Name":"Deal Widget","ProductCode":"W-1","ListPrice":25.0,"UnitPrice":20.0,"TotalPrice":40.0,"PricebookEntry":"Widget"}""",
            Summary(items[1]!));
        Assert.All(items, i => Assert.Equal(product, i!["Product2Id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OpportunityProduct_MissingQuantity_RequiredFieldMissing()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var opportunity = await emulator.CreateAsync(token, "Opportunity", new { Name = "Deal", StageName = "Prospecting", CloseDate = "2026-12-01" });

        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "sobjects/OpportunityLineItem", token, new { OpportunityId = opportunity });

        Assert.Equal(400, status);
        Assert.Equal("""[{"message":"Required fields are missing: [PricebookEntryId, Quantity]","errorCode":"REQUIRED_FIELD_MISSING","fields":["PricebookEntryId","Quantity"]}]""", body!.ToJsonString());
    }

    private static string Summary(JsonNode item) => new JsonObject
    {
        ["Name"] = item["Name"]!.DeepClone(),
        ["ProductCode"] = item["ProductCode"]!.DeepClone(),
        ["ListPrice"] = item["ListPrice"]!.DeepClone(),
        ["UnitPrice"] = item["UnitPrice"]!.DeepClone(),
        ["TotalPrice"] = item["TotalPrice"]!.DeepClone(),
        ["PricebookEntry"] = item["PricebookEntry"]!["Name"]!.DeepClone(),
    }.ToJsonString();
}
