using System.Net;
using System.Text.Json.Nodes;
using Forcelink.Emulator.Hosting;

namespace Forcelink.IntegrationTests.Emulator;

public sealed class SObjectTests
{
    private static void AssertError(int status, JsonNode? body, int expectedStatus, string expectedJson)
    {
        Assert.Equal(expectedStatus, status);
        Assert.Equal(EmulatorFixture.Compact(expectedJson), body!.ToJsonString());
    }

    [Fact]
    public async Task Versions_NoAuth_ListWithoutLimitHeader()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var response = await emulator.Http.GetAsync("/services/data/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Sforce-Limit-Info"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("""{"label":"Summer '24","url":"/services/data/v61.0","version":"61.0"}""", text, StringComparison.Ordinal);
        Assert.StartsWith("""[{"label":"Summer '14","url":"/services/data/v31.0","version":"31.0"},""", text, StringComparison.Ordinal);
        Assert.Equal(0, emulator.Host.Org.ApiUsed);
    }

    [Fact]
    public async Task Resources_Authenticated_MapsNamesToUrlsWithLimitHeader()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        using var response = await emulator.SendAsync(HttpMethod.Get, "/services/data/v62.0", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json;charset=UTF-8", EmulatorFixture.RawContentType(response));
        Assert.Equal("api-usage=1/100000", response.Headers.GetValues("Sforce-Limit-Info").Single());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("/services/data/v62.0/sobjects", body!["sobjects"]!.GetValue<string>());
    }

    [Fact]
    public async Task DescribeGlobal_ListsStandardAndCustomObjects()
    {
        await using var emulator = await EmulatorFixture.StartAsync(AddInvoice);
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects", token);
        Assert.Equal(200, status);
        var names = body!["sobjects"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["Account", "Case", "Contact", "ContentDocument", "ContentDocumentLink", "ContentVersion", "Invoice__c", "Lead", "Organization", "User"], names);
        var lead = body["sobjects"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == "Lead")!;
        Assert.Equal("00Q", lead["keyPrefix"]!.GetValue<string>());
        Assert.Equal("/services/data/v62.0/sobjects/Lead/describe", lead["urls"]!["describe"]!.GetValue<string>());
    }

    [Fact]
    public async Task BasicInfo_Lead_ObjectDescribeAndRecentItems()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Lead", new { LastName = "Smith", Company = "Acme" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Lead", token);
        Assert.Equal(200, status);
        Assert.Equal("Lead", body!["objectDescribe"]!["name"]!.GetValue<string>());
        Assert.Equal(id, body["recentItems"]![0]!["Id"]!.GetValue<string>());
        Assert.Equal("Smith", body["recentItems"]![0]!["Name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Describe_Lead_FieldMetadata()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Lead/describe", token);
        Assert.Equal(200, status);
        Assert.True(body!["createable"]!.GetValue<bool>());
        var fields = body["fields"]!.AsArray().ToDictionary(f => f!["name"]!.GetValue<string>());
        Assert.False(fields["LastName"]!["nillable"]!.GetValue<bool>());
        Assert.Equal(80, fields["LastName"]!["length"]!.GetValue<int>());
        Assert.False(fields["Name"]!["createable"]!.GetValue<bool>());
        Assert.Equal("picklist", fields["Status"]!["type"]!.GetValue<string>());
        Assert.True(fields["Status"]!["defaultedOnCreate"]!.GetValue<bool>());
        var defaultStatus = fields["Status"]!["picklistValues"]!.AsArray().Single(p => p!["defaultValue"]!.GetValue<bool>());
        Assert.Equal("Open - Not Contacted", defaultStatus!["value"]!.GetValue<string>());
        Assert.Equal("reference", fields["OwnerId"]!["type"]!.GetValue<string>());
        Assert.Equal("User", fields["OwnerId"]!["referenceTo"]![0]!.GetValue<string>());
        Assert.Equal("Owner", fields["OwnerId"]!["relationshipName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Describe_CustomObject_ExternalIdField()
    {
        await using var emulator = await EmulatorFixture.StartAsync(AddInvoice);
        var token = await emulator.GetTokenAsync();
        var (_, body, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Invoice__c/describe", token);
        Assert.True(body!["custom"]!.GetValue<bool>());
        var field = body["fields"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "External_Id__c")!;
        Assert.True(field["externalId"]!.GetValue<bool>());
        Assert.True(field["custom"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Create_Lead_201WithLocationAndBody()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        using var response = await emulator.SendAsync(HttpMethod.Post, "sobjects/Lead", token, new { LastName = "Smith", Company = "Acme" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var id = JsonNode.Parse(text)!["id"]!.GetValue<string>();
        Assert.Equal($$"""{"id":"{{id}}","success":true,"errors":[]}""", text);
        Assert.Equal(18, id.Length);
        Assert.StartsWith("00Q", id, StringComparison.Ordinal);
        Assert.Equal($"/services/data/v62.0/sobjects/Lead/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("api-usage=1/100000", response.Headers.GetValues("Sforce-Limit-Info").Single());
    }

    [Fact]
    public async Task Create_Lead_DefaultsAndSystemFields()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Lead", new { FirstName = "Ann", LastName = "Smith", Company = "Acme" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, $"sobjects/Lead/{id}", token);
        Assert.Equal(200, status);
        Assert.Equal("Open - Not Contacted", body!["Status"]!.GetValue<string>());
        Assert.Equal("Ann Smith", body["Name"]!.GetValue<string>());
        Assert.Equal(emulator.Host.Org.Users[0].Id, body["OwnerId"]!.GetValue<string>());
        Assert.Equal(emulator.Host.Org.Users[0].Id, body["CreatedById"]!.GetValue<string>());
        Assert.Equal("2026-11-02T09:00:00.000+0000", body["CreatedDate"]!.GetValue<string>());
        Assert.False(body["IsDeleted"]!.GetValue<bool>());
        Assert.Null(body["Email"]);
        Assert.True(body.AsObject().ContainsKey("Email"));
        Assert.Equal("Lead", body["attributes"]!["type"]!.GetValue<string>());
        Assert.Equal($"/services/data/v62.0/sobjects/Lead/{id}", body["attributes"]!["url"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_Case_DefaultsAndCaseNumber()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var first = await emulator.CreateAsync(token, "Case", new { Subject = "Broken" });
        var second = await emulator.CreateAsync(token, "Case", new { Subject = "Still broken" });
        var (_, body, _) = await emulator.CallAsync(HttpMethod.Get, $"sobjects/Case/{first}?fields=CaseNumber,Status,Priority,Origin,IsClosed", token);
        Assert.Equal(EmulatorFixture.Compact($$"""
            {"attributes":{"type":"Case","url":"/services/data/v62.0/sobjects/Case/{{first}}"},
             "CaseNumber":"00001000","Status":"New","Priority":"Medium","Origin":null,"IsClosed":false,"Id":"{{first}}"}
            """), body!.ToJsonString());
        var (_, next, _) = await emulator.CallAsync(HttpMethod.Get, $"sobjects/Case/{second}?fields=CaseNumber", token);
        Assert.Equal("00001001", next!["CaseNumber"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_FieldsParameter_IdAppendedLast()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Contact", new { FirstName = "Rose", LastName = "Gonzalez" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, $"sobjects/Contact/{id[..15]}?fields=FirstName,LastName", token);
        Assert.Equal(200, status);
        Assert.Equal(EmulatorFixture.Compact($$"""
            {"attributes":{"type":"Contact","url":"/services/data/v62.0/sobjects/Contact/{{id}}"},"FirstName":"Rose","LastName":"Gonzalez","Id":"{{id}}"}
            """), body!.ToJsonString());
    }

    [Fact]
    public async Task Get_UnknownFieldInFields_400InvalidField()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Contact", new { LastName = "Gonzalez" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, $"sobjects/Contact/{id}?fields=Foo", token);
        Assert.Equal(400, status);
        Assert.Equal("INVALID_FIELD", body![0]!["errorCode"]!.GetValue<string>());
        Assert.StartsWith("No such column 'Foo' on entity 'Contact'.", body[0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_ValidFields_204AndPersisted()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Lead", new { LastName = "Smith", Company = "Acme" });
        emulator.Time.Advance(TimeSpan.FromMinutes(5));
        using var response = await emulator.SendAsync(HttpMethod.Patch, $"sobjects/Lead/{id}", token, new { Company = "Globex", NumberOfEmployees = 12 });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
        var (_, body, _) = await emulator.CallAsync(HttpMethod.Get, $"sobjects/Lead/{id}?fields=Company,NumberOfEmployees,LastModifiedDate", token);
        Assert.Equal("Globex", body!["Company"]!.GetValue<string>());
        Assert.Equal("12", body["NumberOfEmployees"]!.ToJsonString());
        Assert.Equal("2026-11-02T09:05:00.000+0000", body["LastModifiedDate"]!.GetValue<string>());
    }

    [Fact]
    public async Task Post_HttpMethodOverridePatch_Updates()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Account", new { Name = "Acme" });
        using var response = await emulator.SendAsync(HttpMethod.Post, $"sobjects/Account/{id}?_HttpMethod=PATCH", token, new { Name = "Acme Corp" });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var (_, body, _) = await emulator.CallAsync(HttpMethod.Get, $"sobjects/Account/{id}?fields=Name", token);
        Assert.Equal("Acme Corp", body!["Name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_ThenGetAndDelete_EntityIsDeleted()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Lead", new { LastName = "Smith", Company = "Acme" });
        using var deleted = await emulator.SendAsync(HttpMethod.Delete, $"sobjects/Lead/{id}", token);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var (getStatus, getBody, _) = await emulator.CallAsync(HttpMethod.Get, $"sobjects/Lead/{id}", token);
        AssertError(getStatus, getBody, 404, """[{"message":"entity is deleted","errorCode":"ENTITY_IS_DELETED","fields":[]}]""");
        var (againStatus, againBody, _) = await emulator.CallAsync(HttpMethod.Delete, $"sobjects/Lead/{id}", token);
        AssertError(againStatus, againBody, 404, """[{"message":"entity is deleted","errorCode":"ENTITY_IS_DELETED","fields":[]}]""");
    }

    [Fact]
    public async Task Get_NeverExistingId_404NotFound()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Lead/00Q5g00000ZZZZZ", token);
        AssertError(status, body, 404, """[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]""");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("001D000000IqhSLIAZ")]
    [InlineData("00Q5g00000ZZZZZAAA")]
    public async Task Get_MalformedId_400MalformedId(string id)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, $"sobjects/Lead/{id}", token);
        AssertError(status, body, 400, $$"""[{"message":"Lead ID: id value of incorrect type: {{id}}","errorCode":"MALFORMED_ID","fields":["Id"]}]""");
    }

    [Fact]
    public async Task Get_UnknownObject_404NotFound()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Foo__c", token);
        AssertError(status, body, 404, """[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]""");
    }

    [Fact]
    public async Task Put_Record_405()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Lead", new { LastName = "Smith", Company = "Acme" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Put, $"sobjects/Lead/{id}", token, new { Company = "x" });
        AssertError(status, body, 405, """[{"message":"HTTP Method 'PUT' not allowed. Allowed are HEAD,GET,PATCH,DELETE","errorCode":"METHOD_NOT_ALLOWED"}]""");
    }

    [Fact]
    public async Task Create_MissingRequired_RequiredFieldMissing()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "sobjects/Lead", token, new { Company = "Acme" });
        AssertError(status, body, 400, """[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]}]""");
        var (both, bothBody, _) = await emulator.CallAsync(HttpMethod.Post, "sobjects/Lead", token, new { FirstName = "Ann" });
        AssertError(both, bothBody, 400, """[{"message":"Required fields are missing: [LastName, Company]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName","Company"]}]""");
    }

    [Fact]
    public async Task Create_UnknownField_InvalidField()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "sobjects/Lead", token, new { LastName = "Smith", Company = "Acme", Foo = "bar" });
        AssertError(status, body, 400, """[{"message":"No such column 'Foo' on sobject of type Lead","errorCode":"INVALID_FIELD"}]""");
    }

    [Fact]
    public async Task Create_ReadOnlyFields_InvalidFieldForInsertUpdate()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "sobjects/Lead", token, new { LastName = "Smith", Company = "Acme", Name = "X", CreatedDate = "2020-01-01T00:00:00.000+0000" });
        AssertError(status, body, 400, """[{"message":"Unable to create/update fields: Name, CreatedDate. Please check the security settings of this field and verify that it is read/write for your user profile or permission set.","errorCode":"INVALID_FIELD_FOR_INSERT_UPDATE","fields":["Name","CreatedDate"]}]""");
    }

    [Fact]
    public async Task Create_TooLong_StringTooLong()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var value = new string('x', 41);
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "sobjects/Lead", token, new { LastName = "Smith", Company = "Acme", FirstName = value });
        AssertError(status, body, 400, $$"""[{"message":"First Name: data value too large: {{value}} (max length=40)","errorCode":"STRING_TOO_LONG","fields":["FirstName"]}]""");
    }

    [Fact]
    public async Task Create_BadRestrictedPicklist_InvalidOrNull()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "sobjects/Lead", token, new { LastName = "Smith", Company = "Acme", Status = "Bogus" });
        AssertError(status, body, 400, """[{"message":"Status: bad value for restricted picklist field: Bogus","errorCode":"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST","fields":["Status"]}]""");
    }

    [Fact]
    public async Task Create_WrongJsonType_JsonParserError()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "sobjects/Lead", token, new { LastName = "Smith", Company = "Acme", IsUnreadByOwner = "maybe" });
        AssertError(status, body, 400, """[{"message":"Cannot deserialize instance of boolean from VALUE_STRING value maybe or request may be missing a required field","errorCode":"JSON_PARSER_ERROR"}]""");
    }

    [Fact]
    public async Task Create_CustomObjectWithoutName_NameIsId()
    {
        await using var emulator = await EmulatorFixture.StartAsync(AddInvoice);
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Invoice__c", new { External_Id__c = "INV-1", Amount__c = 12.5 });
        Assert.StartsWith("a00", id, StringComparison.Ordinal);
        var (_, body, _) = await emulator.CallAsync(HttpMethod.Get, $"sobjects/Invoice__c/{id}?fields=Name,Amount__c", token);
        Assert.Equal(id, body!["Name"]!.GetValue<string>());
        Assert.Equal("12.5", body["Amount__c"]!.ToJsonString());
    }

    [Fact]
    public async Task Upsert_NewValue_201Created()
    {
        await using var emulator = await EmulatorFixture.StartAsync(AddInvoice);
        var token = await emulator.GetTokenAsync();
        using var response = await emulator.SendAsync(HttpMethod.Patch, "sobjects/Invoice__c/External_Id__c/INV-1", token, new { Amount__c = 10 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var id = JsonNode.Parse(text)!["id"]!.GetValue<string>();
        Assert.Equal($$"""{"id":"{{id}}","success":true,"errors":[],"created":true}""", text);
        Assert.Equal($"/services/data/v62.0/sobjects/Invoice__c/{id}", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Upsert_ExistingValue_200CreatedFalse()
    {
        await using var emulator = await EmulatorFixture.StartAsync(AddInvoice);
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Invoice__c", new { External_Id__c = "INV-1" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Patch, "sobjects/Invoice__c/External_Id__c/INV-1", token, new { Amount__c = 20 });
        Assert.Equal(200, status);
        Assert.Equal($$"""{"id":"{{id}}","success":true,"errors":[],"created":false}""", body!.ToJsonString());
    }

    [Fact]
    public async Task Upsert_ExistingValueApi45_204()
    {
        await using var emulator = await EmulatorFixture.StartAsync(AddInvoice);
        var token = await emulator.GetTokenAsync();
        await emulator.CreateAsync(token, "Invoice__c", new { External_Id__c = "INV-1" });
        using var response = await emulator.SendAsync(HttpMethod.Patch, "/services/data/v45.0/sobjects/Invoice__c/External_Id__c/INV-1", token, new { Amount__c = 20 });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var created = await emulator.SendAsync(HttpMethod.Patch, "/services/data/v45.0/sobjects/Invoice__c/External_Id__c/INV-2", token, new { Amount__c = 20 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.DoesNotContain("created", await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upsert_SeveralMatches_300WithUrls()
    {
        await using var emulator = await EmulatorFixture.StartAsync(AddInvoice);
        var token = await emulator.GetTokenAsync();
        var a = await emulator.CreateAsync(token, "Invoice__c", new { External_Id__c = "DUP" });
        var b = await emulator.CreateAsync(token, "Invoice__c", new { External_Id__c = "dup" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Patch, "sobjects/Invoice__c/External_Id__c/DUP", token, new { Amount__c = 1 });
        Assert.Equal(300, status);
        Assert.Equal($$"""["/services/data/v62.0/sobjects/Invoice__c/{{a}}","/services/data/v62.0/sobjects/Invoice__c/{{b}}"]""", body!.ToJsonString());
    }

    [Fact]
    public async Task Upsert_UpdateOnlyWithoutMatch_404NothingCreated()
    {
        await using var emulator = await EmulatorFixture.StartAsync(AddInvoice);
        var token = await emulator.GetTokenAsync();
        var (status, _, _) = await emulator.CallAsync(HttpMethod.Patch, "sobjects/Invoice__c/External_Id__c/INV-9?updateOnly=true", token, new { Amount__c = 1 });
        Assert.Equal(404, status);
        Assert.Equal(0, emulator.Host.Org.Store.Count("Invoice__c", true));
    }

    [Fact]
    public async Task Upsert_UnknownExternalField_404()
    {
        await using var emulator = await EmulatorFixture.StartAsync(AddInvoice);
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Patch, "sobjects/Invoice__c/Nope__c/1", token, new { Amount__c = 1 });
        AssertError(status, body, 404, """[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]""");
    }

    [Fact]
    public async Task Upsert_IdAsField_UpdatesExisting()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Account", new { Name = "Acme" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Patch, $"sobjects/Account/Id/{id}", token, new { Name = "Acme 2" });
        Assert.Equal(200, status);
        Assert.False(body!["created"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Permissions_ReadOnlyProfile_CreateInsufficientAccess()
    {
        await using var emulator = await EmulatorFixture.StartAsync(ReadOnlyUser);
        var token = await emulator.GetTokenAsync("reader@example.com");
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "sobjects/Lead", token, new { LastName = "Smith", Company = "Acme" });
        AssertError(status, body, 403, """[{"message":"insufficient access rights on object id","errorCode":"INSUFFICIENT_ACCESS_OR_READONLY","fields":[]}]""");
        var (_, describe, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Lead/describe", token);
        Assert.False(describe!["createable"]!.GetValue<bool>());
        Assert.True(describe["queryable"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Permissions_NoReadOnObject_ObjectInvisible()
    {
        await using var emulator = await EmulatorFixture.StartAsync(ReadOnlyUser);
        var token = await emulator.GetTokenAsync("reader@example.com");
        var (status, _, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Invoice__c/describe", token);
        Assert.Equal(404, status);
        var (_, global, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects", token);
        Assert.DoesNotContain(global!["sobjects"]!.AsArray(), o => o!["name"]!.GetValue<string>() == "Invoice__c");
    }

    [Fact]
    public async Task Permissions_EditWithoutDelete_DeleteInsufficientAccess()
    {
        await using var emulator = await EmulatorFixture.StartAsync(ReadOnlyUser);
        var admin = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(admin, "Contact", new { LastName = "Gonzalez" });
        var token = await emulator.GetTokenAsync("reader@example.com");
        using var patch = await emulator.SendAsync(HttpMethod.Patch, $"sobjects/Contact/{id}", token, new { LastName = "G" });
        Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Delete, $"sobjects/Contact/{id}", token);
        AssertError(status, body, 403, """[{"message":"insufficient access rights on object id","errorCode":"INSUFFICIENT_ACCESS_OR_READONLY","fields":[]}]""");
    }

    internal static void AddInvoice(EmulatorOptions options) => options.Org.CustomObjects.Add(new CustomObjectOptions
    {
        Name = "Invoice__c",
        Label = "Invoice",
        Fields =
        [
            new CustomFieldOptions { Name = "External_Id__c", Label = "External Id", ExternalId = true, Length = 50 },
            new CustomFieldOptions { Name = "Amount__c", Label = "Amount", Type = "currency" },
        ],
    });

    private static void ReadOnlyUser(EmulatorOptions options)
    {
        AddInvoice(options);
        var contactEditor = new PermissionOptions { Name = "ContactEditor" };
        contactEditor.Objects["Contact"] = new ObjectPermissions { Read = true, Edit = true };
        options.Org.PermissionSets.Add(contactEditor);
        options.Org.Apps[0].PermissionSets.Add("ContactEditor");
        options.Org.Users.Add(new UserOptions { Username = "reader@example.com", Profile = "Read Only", PermissionSets = ["ContactEditor"] });
    }
}
