using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Forcelink.Tests.Conformance;

namespace Forcelink.IntegrationTests.Conformance;

/// <summary>The emulator's single-record and describe answers against the recorded ones (restforce, NetCoreForce).</summary>
public sealed class RecordShapeTests
{
    private const string Sobject = "sobject/";

    /// <summary>restforce recorded with an API version before 46.0, whose upserts answer without <c>created</c> and update with 204.</summary>
    private const string OldVersion = "/services/data/v45.0/";

    [ConformanceFact]
    public async Task Create_SameShape()
    {
        await using var org = await ConformanceOrg.StartAsync();

        var (status, body) = await org.CallAsync(HttpMethod.Post, "sobjects/Account", new { Name = "Foobar" });

        Assert.Equal(201, status);
        ConformanceOrg.AssertShape(ConformanceCorpus.Restforce(Sobject + "create_success_response"), body);
    }

    [ConformanceFact]
    public async Task UpsertCreatedOnAnOldVersion_SameShape()
    {
        await using var org = await ConformanceOrg.StartAsync();

        var (status, body) = await org.CallAsync(HttpMethod.Patch, OldVersion + "sobjects/Whizbang__c/External_Field__c/foobar", new { Name = "Foobar" });

        Assert.Equal(201, status);
        ConformanceOrg.AssertShape(ConformanceCorpus.Restforce(Sobject + "upsert_created_success_response"), body);
    }

    [ConformanceFact]
    public async Task UpsertUpdatedOnAnOldVersion_NoBody()
    {
        await using var org = await ConformanceOrg.StartAsync();
        await org.AddAsync("Whizbang__c", new { External_Field__c = "foobar" });

        var (status, body) = await org.CallAsync(HttpMethod.Patch, OldVersion + "sobjects/Whizbang__c/External_Field__c/foobar", new { Name = "Foobar" });

        Assert.Equal(204, status);
        Assert.Equal("", ConformanceCorpus.ReadText("restforce/spec/fixtures/sobject/upsert_updated_success_response.json").Trim());
        Assert.Null(body);
    }

    [ConformanceFact]
    public async Task UpsertMatchingSeveral_SameShape()
    {
        var recorded = ConformanceCorpus.Restforce(Sobject + "upsert_multiple_error_response");
        await using var org = await ConformanceOrg.StartAsync();
        await org.AddAsync("Whizbang__c", new { External_Field__c = "foobar" }, new { External_Field__c = "foobar" });

        var (status, body) = await org.CallAsync(HttpMethod.Patch, "sobjects/Whizbang__c/External_Field__c/foobar", new { Name = "Foobar" });

        Assert.Equal(300, status);
        ConformanceOrg.AssertShape(recorded, body);
        Assert.All(recorded.AsArray(), url => Assert.Matches(@"^/services/data/v\d+\.\d/sobjects/Whizbang/\w+$", url!.GetValue<string>()));
        Assert.All(body!.AsArray(), url => Assert.Matches(@"^/services/data/v62\.0/sobjects/Whizbang__c/\w{18}$", url!.GetValue<string>()));
        Assert.Equal(2, body.AsArray().Count);
    }

    [ConformanceTheory]
    [InlineData("PATCH", "sobjects/Whizbang__c/Namez/foobar", "upsert_error_response")]
    [InlineData("DELETE", "sobjects/Whizbang__c/rid", "delete_error_response")]
    [InlineData("GET", "sobjects/Whizbang__c/23foo", "sobject_find_error_response")]
    public async Task UnknownExternalIdField_SameError(string method, string path, string fixture)
    {
        await using var org = await ConformanceOrg.StartAsync();

        var (status, body) = await org.CallAsync(new HttpMethod(method), path, method == "PATCH" ? new { Name = "Foobar" } : null);

        ConformanceOrg.AssertError(ConformanceCorpus.Restforce(Sobject + fixture), 404, status, body);
    }

    [ConformanceFact]
    public async Task WriteUnknownField_SameError()
    {
        var recorded = ConformanceCorpus.Restforce(Sobject + "write_error_response");
        await using var org = await ConformanceOrg.StartAsync();
        var id = (await org.AddAsync("Account", new { Name = "Acme" }))[0];

        var (status, body) = await org.CallAsync(HttpMethod.Patch, $"sobjects/Account/{id}", new { foo = "bar" });

        // The recorded object is "Bar"; here it is Account.
        var expected = Regex.Escape(recorded[0]!["message"]!.GetValue<string>()).Replace("Bar", "Account", StringComparison.Ordinal);
        ConformanceOrg.AssertError(recorded, 400, status, body, new Regex("^" + expected + "$", RegexOptions.CultureInvariant));
    }

    [ConformanceFact]
    public async Task DescribeUnknownObject_SameError()
    {
        await using var org = await ConformanceOrg.StartAsync();

        var (status, body) = await org.CallAsync(HttpMethod.Get, "sobjects/Whizbang/describe");

        ConformanceOrg.AssertError(ConformanceCorpus.Restforce(Sobject + "sobject_describe_error_response"), 404, status, body);
    }

    [ConformanceFact]
    public async Task Describe_SameShape()
    {
        await using var org = await ConformanceOrg.StartAsync();

        var (status, body) = await org.CallAsync(HttpMethod.Get, "sobjects/Whizbang__c/describe");

        Assert.Equal(200, status);
        ConformanceOrg.AssertShape(ConformanceCorpus.Restforce(Sobject + "sobject_describe_success_response"), body, new ShapeRules()
            .AllowMissing("$.urls", ["uiEditTemplate", "uiDetailTemplate", "uiNewRecord"], "the emulator has no Salesforce Classic pages to link to"));
        Assert.Contains(body!["childRelationships"]!.AsArray(), r => r!["relationshipName"]!.GetValue<string>() == "Whizbangs__r");
    }

    [ConformanceTheory]
    [InlineData("describe_sobjects_success_response")]
    [InlineData("list_sobjects_success_response")]
    public async Task DescribeGlobal_SameShape(string fixture)
    {
        await using var org = await ConformanceOrg.StartAsync();

        var (status, body) = await org.CallAsync(HttpMethod.Get, "sobjects");

        Assert.Equal(200, status);
        ConformanceOrg.AssertShape(ConformanceCorpus.Restforce(Sobject + fixture), body);
    }

    [ConformanceFact]
    public async Task FindByExternalId_SameShape()
    {
        await using var org = await ConformanceOrg.StartAsync();
        await org.AddAsync("Whizbang__c", Values(ConformanceCorpus.Restforce(Sobject + "sobject_find_success_response")));

        var (status, body) = await org.CallAsync(HttpMethod.Get, "sobjects/Whizbang__c/External_Field__c/1234");

        Assert.Equal(200, status);
        ConformanceOrg.AssertShape(ConformanceOrg.Customize(ConformanceCorpus.Restforce(Sobject + "sobject_find_success_response")), body, new ShapeRules()
            .AllowExtra("$.CreatedDate", "restforce trimmed its recorded record by hand: it kept CreatedById but not the dates every record has")
            .AllowExtra("$.LastModifiedDate", "restforce trimmed its recorded record by hand: it kept CreatedById but not the dates every record has")
            .AllowExtra("$.SystemModstamp", "restforce trimmed its recorded record by hand: it kept CreatedById but not the dates every record has")
            .AllowExtra("$.External_Field__c", "a field the test's Whizbang__c has for another recorded answer")
            .AllowExtra("$.ParentWhizbang__c", "a field the test's Whizbang__c has for another recorded answer"));
    }

    [ConformanceFact]
    public async Task SelectFields_SameShape()
    {
        await using var org = await ConformanceOrg.StartAsync();
        var id = (await org.AddAsync("Whizbang__c", new { External_Field__c = "1234" }))[0];

        var (status, body) = await org.CallAsync(HttpMethod.Get, $"sobjects/Whizbang__c/{id}?fields=External_Field__c");

        Assert.Equal(200, status);
        ConformanceOrg.AssertShape(ConformanceCorpus.Restforce(Sobject + "sobject_select_success_response"), body);
    }

    public static TheoryData<string, string[]> DeveloperOrgRecords => new()
    {
        {
            "account",
            [
                "MasterRecordId", "BillingLatitude", "BillingLongitude", "BillingGeocodeAccuracy", "BillingAddress", "ShippingStreet", "ShippingCity",
                "ShippingState", "ShippingPostalCode", "ShippingCountry", "ShippingLatitude", "ShippingLongitude", "ShippingGeocodeAccuracy",
                "ShippingAddress", "Fax", "AccountNumber", "PhotoUrl", "Sic", "Ownership", "TickerSymbol", "Rating", "Site", "LastActivityDate",
                "LastViewedDate", "LastReferencedDate", "Jigsaw", "JigsawCompanyId", "AccountSource", "SicDesc",
            ]
        },
        {
            "contact",
            [
                "MasterRecordId", "OtherStreet", "OtherCity", "OtherState", "OtherPostalCode", "OtherCountry", "OtherLatitude", "OtherLongitude",
                "OtherGeocodeAccuracy", "OtherAddress", "MailingStreet", "MailingState", "MailingPostalCode", "MailingLatitude", "MailingLongitude",
                "MailingGeocodeAccuracy", "MailingAddress", "Fax", "HomePhone", "OtherPhone", "AssistantPhone", "ReportsToId", "Department",
                "AssistantName", "LeadSource", "LastActivityDate", "LastCURequestDate", "LastCUUpdateDate", "LastViewedDate", "LastReferencedDate",
                "EmailBouncedReason", "EmailBouncedDate", "IsEmailBounced", "PhotoUrl", "Jigsaw", "JigsawContactId",
            ]
        },
        { "user", [] },
    };

    [ConformanceTheory]
    [MemberData(nameof(DeveloperOrgRecords))]
    public async Task RetrieveAllFields_SameShapeForTheFieldsTheEmulatorHas(string fixture, string[] notModelled)
    {
        var recorded = ConformanceCorpus.NetCoreForce(fixture).AsObject();
        var type = recorded["attributes"]!["type"]!.GetValue<string>();
        await using var org = await ConformanceOrg.StartAsync();
        var id = (await org.AddAsync(type, Minimal(type)))[0];

        var (status, body) = await org.CallAsync(HttpMethod.Get, $"sobjects/{type}/{id}");

        Assert.Equal(200, status);
        var rules = new ShapeRules()
            .AllowMissing("$", notModelled, "standard fields the emulator does not model (its standard objects carry a trimmed field set; compound addresses are not emulated)");
        if (recorded.Any(p => p.Key.EndsWith("__c", StringComparison.Ordinal)))
        {
            rules.AllowMissing("$.*__c", "custom fields of NetCoreForce's developer org");
        }

        if (type == "User")
        {
            rules.AllowMissing("$.*", "a User carries some 150 fields of org settings and preferences; the emulator models the few integrations read");
        }

        ConformanceOrg.AssertShape(recorded, body, rules);
    }

    private static object Minimal(string type) => type switch
    {
        "Account" => new { Name = "Acme Corporation" },
        "Contact" => new { LastName = "Smith" },
        _ => new { Username = "johndoe@example.com", LastName = "Doe", Alias = "JD", Email = "johndoe@example.com" },
    };

    /// <summary>The recorded record's values under this org's field names, without what Salesforce sets itself.</summary>
    private static JsonObject Values(JsonNode recorded)
    {
        var values = new JsonObject { ["External_Field__c"] = "1234" };
        foreach (var (key, value) in ConformanceOrg.Customize(recorded).AsObject())
        {
            if (key.EndsWith("__c", StringComparison.Ordinal) || key == "Name")
            {
                values[key] = value?.DeepClone();
            }
        }

        return values;
    }
}
