using Forcelink.IntegrationTests.Emulator;
using Forcelink.Records;
using Forcelink.Models;
using Forcelink.Soql;

namespace Forcelink.IntegrationTests.Library;

public sealed class ClientCrudTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task GetTokenAsync_JwtBearer_LogsInOnceAndKnowsOrgAndUser()
    {
        await using var fixture = await ClientFixture.StartAsync();

        var token = await fixture.Client.GetTokenAsync().WaitAsync(Timeout);
        await fixture.Client.GetTokenAsync().WaitAsync(Timeout);

        Assert.Equal(fixture.Emulator.Host.BaseUrl.GetLeftPart(UriPartial.Authority), token.InstanceUrl.GetLeftPart(UriPartial.Authority));
        Assert.StartsWith("00D", token.OrganizationId, StringComparison.Ordinal);
        Assert.StartsWith("005", token.UserId, StringComparison.Ordinal);
        Assert.Equal(1, fixture.Client.LoginCount);
        Assert.Equal(1, fixture.Emulator.Host.LoginCount(EmulatorFixture.Username));
    }

    [Fact]
    public async Task LeadLifecycle_CreateGetUpdateDelete_BehavesAsSalesforce()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;

        var lead = new Lead { LastName = "Doe", Company = "Acme", Email = "doe@example.com", Phone = "555-0100" };
        var id = await client.CreateAsync(lead).WaitAsync(Timeout);
        Assert.Equal(18, id.Length);
        Assert.StartsWith("00Q", id, StringComparison.Ordinal);

        var read = await client.GetAsync<Lead>(id, ["LastName", "Status", "Name"]).WaitAsync(Timeout);
        Assert.Equal("Open - Not Contacted", read.Status);
        Assert.Equal("Doe", read.Name);
        Assert.Equal(id, read.Id);

        await client.UpdateAsync(new Lead { Id = id[..15], Status = "Working - Contacted", Phone = null }).WaitAsync(Timeout);
        var updated = await client.GetAsync<Lead>(id).WaitAsync(Timeout);
        Assert.Equal("Working - Contacted", updated.Status);
        Assert.Null(updated.Phone);
        Assert.Equal("doe@example.com", updated.Email);

        await client.DeleteAsync<Lead>(id).WaitAsync(Timeout);
        var gone = await Assert.ThrowsAsync<SalesforceException>(() => client.GetAsync<Lead>(id).WaitAsync(Timeout));
        Assert.Equal(404, gone.StatusCode);
        Assert.Equal("ENTITY_IS_DELETED", gone.ErrorCode);
    }

    [Fact]
    public async Task CreateAsync_MissingRequiredField_IsRequiredFieldMissing()
    {
        await using var fixture = await ClientFixture.StartAsync();

        var error = await Assert.ThrowsAsync<SalesforceException>(() => fixture.Client.CreateAsync(new Lead { Company = "Acme" }).WaitAsync(Timeout));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("REQUIRED_FIELD_MISSING", error.ErrorCode);
        Assert.Equal(["LastName"], error.Fields);
    }

    [Fact]
    public async Task CaseLifecycle_DefaultsAndAnyObjectAccess()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;

        var id = await client.CreateAsync(new Case { Subject = "Printer on fire", Origin = "Web" }).WaitAsync(Timeout);
        var read = await client.GetAsync("Case", id, ["Status", "Priority", "CaseNumber"]).WaitAsync(Timeout);

        Assert.Equal("New", read.GetString("Status"));
        Assert.Equal("Medium", read.GetString("Priority"));
        Assert.False(string.IsNullOrEmpty(read.GetString("CaseNumber")));
    }

    [Fact]
    public async Task UpsertAsync_ByExternalId_CreatesThenUpdates()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        var invoice = new SObject("Invoice__c") { ["Number__c"] = "INV-42", ["Amount__c"] = 10.5m };

        var first = await client.UpsertAsync(invoice, "Number__c").WaitAsync(Timeout);
        var second = await client.UpsertAsync(new SObject("Invoice__c") { ["Number__c"] = "INV-42", ["Amount__c"] = 20m }, "Number__c").WaitAsync(Timeout);

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Id, second.Id);
        var read = await client.GetByExternalIdAsync("Invoice__c", "Number__c", "INV-42", ["Amount__c"]).WaitAsync(Timeout);
        Assert.Equal(20m, read.GetDecimal("Amount__c"));
    }

    [Fact]
    public async Task QueryAsync_MoreThanOnePage_StreamsEveryRecord()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        var leads = Enumerable.Range(0, 2_450).Select(i => new Lead { LastName = $"Page{i:D4}", Company = "Paging Inc" }).ToList();
        var results = await client.CreateManyAsync(leads).WaitAsync(Timeout);
        Assert.All(results, r => Assert.True(r.IsSuccess));

        var count = 0;
        await foreach (var lead in client.QueryAsync<Lead>($"SELECT Id, LastName FROM Lead WHERE Company = {"Paging Inc"} ORDER BY LastName", new QueryOptions { BatchSize = 1000 }))
        {
            Assert.Equal($"Page{count:D4}", lead.LastName);
            count++;
        }

        Assert.Equal(2_450, count);
        Assert.Equal(2_450, await client.CountAsync($"SELECT COUNT() FROM Lead WHERE Company = {"Paging Inc"}").WaitAsync(Timeout));
    }

    [Fact]
    public async Task QueryAsync_InjectionAttemptsBoundAsValues_MatchOnlyTheLiteral()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        string[] attempts = ["' OR Name != '", "\\' OR LastName != '", "%' OR Id != null OR LastName LIKE '", "x\\", "a'b\"c\nd"];
        foreach (var attempt in attempts)
        {
            await client.CreateAsync(new Lead { LastName = attempt, Company = "Injection" }).WaitAsync(Timeout);
        }

        await client.CreateAsync(new Lead { LastName = "Innocent", Company = "Injection" }).WaitAsync(Timeout);
        foreach (var attempt in attempts)
        {
            var found = new List<Lead>();
            await foreach (var lead in client.QueryAsync<Lead>($"SELECT Id, LastName FROM Lead WHERE LastName = {attempt}"))
            {
                found.Add(lead);
            }

            Assert.Equal(attempt, Assert.Single(found).LastName);

            var like = new List<Lead>();
            await foreach (var lead in client.QueryAsync<Lead>($"SELECT Id, LastName FROM Lead WHERE LastName LIKE {SoqlLike.StartsWith(attempt)}"))
            {
                like.Add(lead);
            }

            Assert.Equal(attempt, Assert.Single(like).LastName);
        }
    }

    [Fact]
    public async Task QueryAllAsync_SeesDeletedRecords()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        var id = await client.CreateAsync(new Lead { LastName = "Gone", Company = "Acme" }).WaitAsync(Timeout);
        await client.DeleteAsync("Lead", id).WaitAsync(Timeout);

        var visible = 0;
        await foreach (var _ in client.QueryAsync<Lead>($"SELECT Id FROM Lead WHERE LastName = {"Gone"}"))
        {
            visible++;
        }

        var all = new List<Lead>();
        await foreach (var lead in client.QueryAllAsync<Lead>(new SoqlQuery($"SELECT Id, IsDeleted FROM Lead WHERE LastName = {"Gone"}")))
        {
            all.Add(lead);
        }

        Assert.Equal(0, visible);
        Assert.True(Assert.Single(all).IsDeleted);
    }

    [Fact]
    public async Task SearchAsync_ReservedCharacters_FindsTheRecord()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        await client.CreateAsync(new Lead { LastName = "Smith-Jones", Company = "Acme (UK)" }).WaitAsync(Timeout);

        var hits = await client.SearchAsync(new SoslSearch("Smith-Jones").Returning("Lead", "Id", "LastName")).WaitAsync(Timeout);

        Assert.Equal("Smith-Jones", Assert.Single(hits).GetString("LastName"));
    }

    [Fact]
    public async Task Collections_PartialFailure_ResultsInInputOrder()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        Lead[] leads = [new() { LastName = "A", Company = "X" }, new() { Company = "no last name" }, new() { LastName = "C", Company = "X" }];

        var results = await client.CreateManyAsync(leads).WaitAsync(Timeout);

        Assert.True(results[0].IsSuccess);
        Assert.False(results[1].IsSuccess);
        Assert.Equal("REQUIRED_FIELD_MISSING", results[1].Errors[0].ErrorCode);
        Assert.Null(results[1].Id);
        Assert.True(results[2].IsSuccess);

        var rolledBack = await client.CreateManyAsync(leads.Select(l => new Lead { LastName = l.LastName, Company = l.Company }), allOrNone: true).WaitAsync(Timeout);
        Assert.All(rolledBack, r => Assert.False(r.IsSuccess));
        Assert.Equal("ALL_OR_NONE_OPERATION_ROLLED_BACK", rolledBack[0].Errors[0].ErrorCode);

        foreach (var lead in leads)
        {
            lead.Status = "Working - Contacted";
        }

        var updated = await client.UpdateManyAsync([leads[0], leads[2]]).WaitAsync(Timeout);
        Assert.All(updated, r => Assert.True(r.IsSuccess));
        var deleted = await client.DeleteManyAsync([leads[0].Id!, leads[2].Id!]).WaitAsync(Timeout);
        Assert.All(deleted, r => Assert.True(r.IsSuccess));
    }

    [Fact]
    public async Task UpsertManyAsync_Streaming_ReportsCreatedThenUpdated()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;

        var firstRun = await ToListAsync(client.UpsertManyAsync(Invoices(450), "Number__c"));
        var secondRun = await ToListAsync(client.UpsertManyAsync(Invoices(450), "Number__c"));

        Assert.Equal(450, firstRun.Count);
        Assert.All(firstRun, r => Assert.True(r.Created));
        Assert.All(secondRun, r => Assert.False(r.Created));
    }

    [Fact]
    public async Task UpdateManyAndDeleteManyAsync_Streaming_AnswerEveryRecordAcrossCalls()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        var created = await ToListAsync(client.UpsertManyAsync(Invoices(450), "Number__c"));
        var ids = created.Select(r => r.Id!).ToList();

        var updated = await ToListAsync(client.UpdateManyAsync(Stream(ids.Select(id => new SObject("Invoice__c") { Id = id, ["Amount__c"] = 1234.5m }))));
        var paid = await client.CountAsync($"SELECT COUNT() FROM Invoice__c WHERE Amount__c = {1234.5m}").WaitAsync(Timeout);
        var deleted = await ToListAsync(client.DeleteManyAsync(Stream(ids.Append("a00000000000000AAA"))));

        Assert.Equal(450, updated.Count);
        Assert.All(updated, r => Assert.True(r.IsSuccess));
        Assert.Equal(450, paid);
        Assert.Equal(451, deleted.Count);
        Assert.All(deleted.Take(450), r => Assert.True(r.IsSuccess));
        Assert.False(deleted[450].IsSuccess);
        Assert.Equal(ids, deleted.Take(450).Select(r => r.Id));
        Assert.Equal(0, await client.CountAsync($"SELECT COUNT() FROM Invoice__c").WaitAsync(Timeout));
    }

    private static async IAsyncEnumerable<T> Stream<T>(IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }

    [Fact]
    public async Task SendCompositeAsync_ReferencesBetweenSubrequests()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var request = new CompositeRequest { AllOrNone = true }
            .Create("NewAccount", new SObject("Account") { ["Name"] = "Acme" })
            .Create("NewContact", new SObject("Contact") { ["LastName"] = "Doe", ["AccountId"] = CompositeRequest.Reference("NewAccount") })
            .Get("ReadBack", "Contact", CompositeRequest.Reference("NewContact"), "AccountId");

        var results = await fixture.Client.SendCompositeAsync(request).WaitAsync(Timeout);

        Assert.All(results, r => Assert.True(r.IsSuccess, r.Body?.ToJsonString()));
        Assert.Equal(results[0].Id, results[2].Body!["AccountId"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendCompositeAsync_AllOrNoneFailure_HaltsOthers()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var request = new CompositeRequest { AllOrNone = true }
            .Create("Good", new Lead { LastName = "A", Company = "B" })
            .Create("Bad", new Lead { Company = "B" });

        var results = await fixture.Client.SendCompositeAsync(request).WaitAsync(Timeout);

        Assert.Equal("PROCESSING_HALTED", results[0].Errors[0].ErrorCode);
        Assert.Equal("REQUIRED_FIELD_MISSING", results[1].Errors[0].ErrorCode);
    }

    [Fact]
    public async Task Limits_HeaderAndResource()
    {
        await using var fixture = await ClientFixture.StartAsync(options => options.Org.DailyApiLimit = 5_000);

        var limits = await fixture.Client.GetLimitsAsync().WaitAsync(Timeout);

        Assert.Equal(5_000, limits["DailyApiRequests"].Max);
        Assert.Equal(5_000, fixture.Client.ApiUsage!.Max);
        Assert.True(fixture.Client.ApiUsage.Used >= 1);
    }

    [Fact]
    public async Task GetApiVersionAsync_NotConfigured_UsesNewestTheOrgOffers()
    {
        await using var fixture = await ClientFixture.StartAsync();
        using var client = fixture.CreateClient(o => o.ApiVersion = null);

        var version = await client.GetApiVersionAsync().WaitAsync(Timeout);
        var versions = await client.GetApiVersionsAsync().WaitAsync(Timeout);

        Assert.Equal(versions.Max(v => decimal.Parse(v.Version, System.Globalization.CultureInfo.InvariantCulture)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), version);
    }

    [Fact]
    public async Task GetApiVersionAsync_Emulator_OffersWinter27AsNewestAndKeepsOlderVersions()
    {
        await using var fixture = await ClientFixture.StartAsync();
        using var client = fixture.CreateClient(o => o.ApiVersion = null);

        var versions = await client.GetApiVersionsAsync().WaitAsync(Timeout);
        var version = await client.GetApiVersionAsync().WaitAsync(Timeout);

        Assert.Equal("68.0", version);
        Assert.Contains(versions, v => v is { Version: "68.0", Label: "Winter '27", Url: "/services/data/v68.0" });
        Assert.Contains(versions, v => v is { Version: "67.0", Label: "Summer '26" });
        Assert.Contains(versions, v => v is { Version: "31.0", Label: "Summer '14" });
    }

    [Fact]
    public async Task DescribeAsync_ReportsPermissionsAndRequiredFields()
    {
        await using var fixture = await ClientFixture.StartAsync();

        var lead = await fixture.Client.DescribeAsync("Lead").WaitAsync(Timeout);

        Assert.True(lead.Createable && lead.Updateable && lead.Deletable);
        Assert.Contains(lead.Fields, f => f.Name == "LastName" && f.IsRequiredOnCreate);
        Assert.Contains(lead.Fields, f => f.Name == "Status" && f.DefaultedOnCreate);
    }

    private static async IAsyncEnumerable<SObject> Invoices(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return new SObject("Invoice__c") { ["Number__c"] = $"N-{i}", ["Amount__c"] = i };
        }
    }

    private static async Task<List<SaveResult>> ToListAsync(IAsyncEnumerable<SaveResult> results)
    {
        var list = new List<SaveResult>();
        await foreach (var result in results.WithCancellation(new CancellationTokenSource(Timeout).Token))
        {
            list.Add(result);
        }

        return list;
    }
}
