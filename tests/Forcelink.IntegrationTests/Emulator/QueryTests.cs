using System.Text.Json.Nodes;

namespace Forcelink.IntegrationTests.Emulator;

public sealed class QueryTests
{
    private static async Task SeedAccountsAsync(EmulatorFixture emulator, int count)
    {
        var records = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            records.Add(new JsonObject { ["Name"] = EmulatorFixture.Invariant($"Account {i}") });
        }

        using var response = await emulator.Http.PostAsync("/__emulator/records/Account", new StringContent(records.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Query_SmallResult_DoneWithRecords()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Account", new { Name = "Acme" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=" + Uri.EscapeDataString("SELECT Id, Name FROM Account"), token);
        Assert.Equal(200, status);
        Assert.Equal(EmulatorFixture.Compact($$"""
            {"totalSize":1,"done":true,"records":[{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/{{id}}"},"Id":"{{id}}","Name":"Acme"}]}
            """), body!.ToJsonString());
    }

    [Fact]
    public async Task Query_Empty_TotalSizeZero()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=SELECT+Id+FROM+Lead", token);
        Assert.Equal(200, status);
        Assert.Equal("""{"totalSize":0,"done":true,"records":[]}""", body!.ToJsonString());
    }

    [Fact]
    public async Task Query_MoreThanBatch_PagesThroughLocator()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        await SeedAccountsAsync(emulator, 2500);
        var token = await emulator.GetTokenAsync();
        var (status, first, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=SELECT+Id+FROM+Account", token);
        Assert.Equal(200, status);
        Assert.Equal(2500, first!["totalSize"]!.GetValue<int>());
        Assert.False(first["done"]!.GetValue<bool>());
        Assert.Equal(2000, first["records"]!.AsArray().Count);
        var next = first["nextRecordsUrl"]!.GetValue<string>();
        Assert.Matches(@"^/services/data/v62\.0/query/01g\w{15}-2000$", next);

        var (nextStatus, second, _) = await emulator.CallAsync(HttpMethod.Get, next, token);
        Assert.Equal(200, nextStatus);
        Assert.True(second!["done"]!.GetValue<bool>());
        Assert.Equal(500, second["records"]!.AsArray().Count);
        Assert.Null(second["nextRecordsUrl"]);
        var ids = first["records"]!.AsArray().Concat(second["records"]!.AsArray()).Select(r => r!["Id"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(2500, ids.Count);
    }

    [Fact]
    public async Task Query_BatchSizeHeader_ClampedTo200()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        await SeedAccountsAsync(emulator, 450);
        var token = await emulator.GetTokenAsync();
        var headers = new Dictionary<string, string> { ["Sforce-Query-Options"] = "batchSize=100" };
        var (_, first, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=SELECT+Id+FROM+Account", token, headers: headers);
        Assert.Equal(200, first!["records"]!.AsArray().Count);
        Assert.EndsWith("-200", first["nextRecordsUrl"]!.GetValue<string>(), StringComparison.Ordinal);
        var (_, second, _) = await emulator.CallAsync(HttpMethod.Get, first["nextRecordsUrl"]!.GetValue<string>(), token);
        Assert.Equal(200, second!["records"]!.AsArray().Count);
        var (_, third, _) = await emulator.CallAsync(HttpMethod.Get, second["nextRecordsUrl"]!.GetValue<string>(), token);
        Assert.Equal(50, third!["records"]!.AsArray().Count);
        Assert.True(third["done"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Query_LargeOrg_FirstPageOf50000()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        await SeedAccountsAsync(emulator, 50_000);
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=SELECT+Id,Name+FROM+Account", token);
        Assert.Equal(200, status);
        Assert.Equal(50_000, body!["totalSize"]!.GetValue<int>());
        Assert.Equal(2000, body["records"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("query/01gXXXXXXXXXXXXXXX-2000")]
    [InlineData("query/garbage")]
    public async Task Query_InvalidLocator_400(string path)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, path, token);
        Assert.Equal(400, status);
        Assert.Equal("""[{"message":"invalid query locator","errorCode":"INVALID_QUERY_LOCATOR"}]""", body!.ToJsonString());
    }

    [Fact]
    public async Task QueryAll_DeletedRecord_Included()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Account", new { Name = "Gone" });
        using var deleted = await emulator.SendAsync(HttpMethod.Delete, $"sobjects/Account/{id}", token);
        var (_, query, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=SELECT+Id+FROM+Account", token);
        var (_, queryAll, _) = await emulator.CallAsync(HttpMethod.Get, "queryAll?q=SELECT+Id,IsDeleted+FROM+Account", token);
        Assert.Equal(0, query!["totalSize"]!.GetValue<int>());
        Assert.Equal(1, queryAll!["totalSize"]!.GetValue<int>());
        Assert.True(queryAll["records"]![0]!["IsDeleted"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Query_Count_TotalSizeNoRecords()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        await SeedAccountsAsync(emulator, 3);
        var token = await emulator.GetTokenAsync();
        var (_, body, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=SELECT+COUNT()+FROM+Account", token);
        Assert.Equal("""{"totalSize":3,"done":true,"records":[]}""", body!.ToJsonString());
    }

    [Fact]
    public async Task Query_ColumnsTrue_ColumnMetadataBody()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "query?columns=true&q=SELECT+Id,Name+FROM+Account", token);
        Assert.Equal(200, status);
        Assert.Equal("Account", body!["entityName"]!.GetValue<string>());
        Assert.Equal(2, body["columnMetadata"]!.AsArray().Count);
    }

    [Fact]
    public async Task Query_EngineError_400ErrorArray()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=SELECT+Id+FROM+Nope__c", token);
        Assert.Equal(400, status);
        var error = body!.AsArray().Single()!.AsObject();
        Assert.Equal(["message", "errorCode"], error.Select(p => p.Key).ToArray());
        Assert.Equal("INVALID_TYPE", error["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Query_ObjectWithoutRead_InvalidType()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o =>
        {
            SObjectTests.AddInvoice(o);
            o.Org.Apps[0].Profiles.Add("Standard User");
            o.Org.Users.Add(new Forcelink.Emulator.Hosting.UserOptions { Username = "std@example.com", Profile = "Standard User" });
        });
        var token = await emulator.GetTokenAsync("std@example.com");
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=SELECT+Id+FROM+Invoice__c", token);
        Assert.Equal(400, status);
        Assert.Equal("INVALID_TYPE", body![0]!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_FindTerm_SearchRecords()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Account", new { Name = "Acme Widgets" });
        await emulator.CreateAsync(token, "Account", new { Name = "Globex" });
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "search?q=" + Uri.EscapeDataString("FIND {Acme}"), token);
        Assert.Equal(200, status);
        Assert.Equal(EmulatorFixture.Compact($$"""
            {"searchRecords":[{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/{{id}}"},"Id":"{{id}}"}]}
            """), body!.ToJsonString());
    }

    [Fact]
    public async Task ParameterizedSearch_GetAndPost_SameResult()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        await emulator.CreateAsync(token, "Account", new { Name = "Acme Widgets" });
        var (getStatus, viaGet, _) = await emulator.CallAsync(HttpMethod.Get, "parameterizedSearch?q=Acme&sobject=Account&Account.fields=Id,Name", token);
        var (postStatus, viaPost, _) = await emulator.CallAsync(HttpMethod.Post, "parameterizedSearch", token,
            new { q = "Acme", sobjects = new[] { new { name = "Account", fields = new[] { "Id", "Name" } } } });
        Assert.Equal(200, getStatus);
        Assert.Equal(200, postStatus);
        Assert.Equal(viaGet!.ToJsonString(), viaPost!.ToJsonString());
        Assert.Single(viaGet["searchRecords"]!.AsArray());
    }

    [Fact]
    public void SearchParameters_PostBody_FlattenedLikeQueryString()
    {
        var body = System.Text.Json.JsonDocument.Parse("""
            {"q":"Acme","fields":["id","name"],"sobjects":[{"name":"Account","fields":["id"],"limit":10},{"name":"Contact"}],"overallLimit":100}
            """).RootElement;
        var parameters = Forcelink.Emulator.Api.RestApi.SearchParameters(body);
        Assert.Equal("Acme", parameters["q"]);
        Assert.Equal("id,name", parameters["fields"]);
        Assert.Equal("Account,Contact", parameters["sobject"]);
        Assert.Equal("id", parameters["Account.fields"]);
        Assert.Equal("10", parameters["Account.limit"]);
        Assert.Equal("100", parameters["overallLimit"]);
    }

    private const string TooDeep = "Conditions are nested too deeply: NOT and parentheses may nest at most 100 levels in the Forcelink emulator.";

    private static string Nested(string open, string close, int levels) =>
        "SELECT Id FROM Account WHERE " + string.Concat(Enumerable.Repeat(open, levels)) + "Name = 'x'" + string.Concat(Enumerable.Repeat(close, levels));

    [Theory]
    [InlineData("NOT ", "")]
    [InlineData("(", ")")]
    public async Task Query_DeepNestingInLongestUri_MalformedQueryAndStillServing(string open, string close)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var path = "query?q=" + Uri.EscapeDataString(Nested(open, close, 2_500));
        Assert.InRange($"/services/data/v62.0/{path}".Length, 8_192, Forcelink.Emulator.Hosting.EmulatorHost.SalesforceMaxUriBytes);
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, path, token);
        Assert.Equal(400, status);
        Assert.Equal("MALFORMED_QUERY", body![0]!["errorCode"]!.GetValue<string>());
        Assert.EndsWith(TooDeep, body[0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(200, (await emulator.CallAsync(HttpMethod.Get, "query?q=SELECT+Id+FROM+Account", token)).Status);
    }

    [Theory]
    [InlineData("NOT ", "")]
    [InlineData("(", ")")]
    public async Task Query_TwentyThousandNestingsInComposite_MalformedQueryAndStillServing(string open, string close)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var query = $"/services/data/v62.0/query?q={Uri.EscapeDataString(Nested(open, close, 20_000))}";

        // As on Salesforce, a URI this long is refused before any SOQL is read; inside a composite body it reaches the parser.
        Assert.Equal(414, (await emulator.CallAsync(HttpMethod.Get, query, token)).Status);
        var composite = new JsonObject { ["compositeRequest"] = new JsonArray(new JsonObject { ["method"] = "GET", ["url"] = query, ["referenceId"] = "deep" }) };
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite", token, composite.ToJsonString());
        Assert.Equal(200, status);
        var answer = body!["compositeResponse"]![0]!;
        Assert.Equal(400, answer["httpStatusCode"]!.GetValue<int>());
        Assert.Equal("MALFORMED_QUERY", answer["body"]![0]!["errorCode"]!.GetValue<string>());
        Assert.EndsWith(TooDeep, answer["body"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(200, (await emulator.CallAsync(HttpMethod.Get, "query?q=SELECT+Id+FROM+Account", token)).Status);
    }
}
