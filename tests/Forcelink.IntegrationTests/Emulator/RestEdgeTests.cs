using System.Net;

namespace Forcelink.IntegrationTests.Emulator;

public sealed class RestEdgeTests
{
    [Fact]
    public async Task Patch_FifteenCharacterId_Accepted()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Account", new { Name = "Acme" });
        using var response = await emulator.SendAsync(HttpMethod.Patch, $"sobjects/Account/{id[..15]}", token, new { Name = "Acme 2" });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Post_MalformedJson_JsonParserError()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "sobjects/Account", token, "{\"Name\": ");
        Assert.Equal(400, status);
        Assert.Equal("JSON_PARSER_ERROR", body![0]!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_UnknownApiVersion_404()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "/services/data/v99.0/sobjects", token);
        Assert.Equal(404, status);
        Assert.Equal("""[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]""", body!.ToJsonString());
    }

    [Fact]
    public async Task Head_Record_200WithoutBody()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Account", new { Name = "Acme" });
        using var response = await emulator.SendAsync(HttpMethod.Head, $"sobjects/Account/{id}", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Create_ReferenceToWrongObject_FieldIntegrityException()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var lead = await emulator.CreateAsync(token, "Lead", new { LastName = "Smith", Company = "Acme" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "sobjects/Contact", token, new { LastName = "X", AccountId = lead });
        Assert.Equal(400, status);
        Assert.Equal($$"""[{"message":"Account ID: id value of incorrect type: {{lead}}","errorCode":"FIELD_INTEGRITY_EXCEPTION","fields":["AccountId"]}]""", body!.ToJsonString());
    }

    [Fact]
    public async Task Create_ReferenceFifteenChars_StoredAsEighteen()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var account = await emulator.CreateAsync(token, "Account", new { Name = "Acme" });
        var contact = await emulator.CreateAsync(token, "Contact", new { LastName = "X", AccountId = account[..15] });
        var (_, body, _) = await emulator.CallAsync(HttpMethod.Get, $"sobjects/Contact/{contact}?fields=AccountId", token);
        Assert.Equal(account, body!["AccountId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_RequiredSetToNull_RequiredFieldMissing()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Lead", new { LastName = "Smith", Company = "Acme" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Patch, $"sobjects/Lead/{id}", token, """{"Company":null}""");
        Assert.Equal(400, status);
        Assert.Equal("""[{"message":"Required fields are missing: [Company]","errorCode":"REQUIRED_FIELD_MISSING","fields":["Company"]}]""", body!.ToJsonString());
    }

    [Fact]
    public async Task Delete_User_405()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Delete, $"sobjects/User/{emulator.Host.Org.Users[0].Id}", token);
        Assert.Equal(405, status);
        Assert.Equal(EmulatorFixture.Compact("""[{"message":"HTTP Method 'DELETE' not allowed. Allowed are HEAD,GET,PATCH","errorCode":"METHOD_NOT_ALLOWED"}]"""), body!.ToJsonString());
    }

    [Fact]
    public async Task Upsert_UpdateChangesExternalIdIndex_FindsNewValue()
    {
        await using var emulator = await EmulatorFixture.StartAsync(SObjectTests.AddInvoice);
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Invoice__c", new { External_Id__c = "OLD" });
        using var patch = await emulator.SendAsync(HttpMethod.Patch, $"sobjects/Invoice__c/{id}", token, new { External_Id__c = "NEW" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Invoice__c/External_Id__c/NEW", token);
        Assert.Equal(200, status);
        Assert.Equal(id, body!["Id"]!.GetValue<string>());
        var (oldStatus, _, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Invoice__c/External_Id__c/OLD", token);
        Assert.Equal(404, oldStatus);
    }

    [Theory]
    [InlineData("composite", "[]")]
    [InlineData("composite/sobjects", "[1,2]")]
    [InlineData("composite/sobjects/Account", "{\"ids\":[1],\"fields\":[\"Name\"]}")]
    public async Task Post_WellFormedJsonOfWrongShape_JsonParserError(string path, string json)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, path, token, json);
        Assert.Equal(400, status);
        Assert.Equal("JSON_PARSER_ERROR", body![0]!["errorCode"]!.GetValue<string>());
    }
}
