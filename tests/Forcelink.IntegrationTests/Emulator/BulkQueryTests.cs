namespace Forcelink.IntegrationTests.Emulator;

/// <summary>Bulk API 2.0 query jobs over loopback HTTP: the SOQL engine's rows as CSV pages with locators.</summary>
public sealed class BulkQueryTests
{
    private const string Created = "2026-11-02T09:00:00.000+0000";

    [Fact]
    public async Task Query_CreateThenResults_OnePageWithLocatorNull()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        var userId = emulator.Host.Org.FindUser(EmulatorFixture.Username)!.Id;
        var ids = await emulator.Host.AddRecordsAsync("Account", [
            new { Name = "Acme", AnnualRevenue = 5000000, Industry = "Banking" },
            new { Name = "Globex \"Big\", Inc.", Industry = (string?)null },
        ]);

        var (status, created, _) = await bulk.CallAsync(HttpMethod.Post, "query",
            new { operation = "query", query = "SELECT Id, Name, Industry, AnnualRevenue, CreatedDate FROM Account ORDER BY Name" });
        Assert.Equal(200, status);
        var id = (string)created!["id"]!;
        Assert.Equal(EmulatorFixture.Compact($$"""
            {"id":"{{id}}","operation":"query","object":"Account","createdById":"{{userId}}","createdDate":"{{Created}}",
             "systemModstamp":"{{Created}}","state":"UploadComplete","concurrencyMode":"Parallel","contentType":"CSV","apiVersion":62.0,
             "lineEnding":"LF","columnDelimiter":"COMMA"}
            """), created.ToJsonString());
        Assert.Equal(EmulatorFixture.Compact($$"""
            {"id":"{{id}}","operation":"query","object":"Account","createdById":"{{userId}}","createdDate":"{{Created}}",
             "systemModstamp":"{{Created}}","state":"JobComplete","concurrencyMode":"Parallel","contentType":"CSV","apiVersion":62.0,
             "jobType":"V2Query","lineEnding":"LF","columnDelimiter":"COMMA","numberRecordsProcessed":2,"retries":0,"totalProcessingTime":0,
             "isPkChunkingSupported":true}
            """), (await bulk.InfoAsync("query", id)).ToJsonString());

        var (resultStatus, csv, response) = await bulk.TextAsync($"query/{id}/results");
        Assert.Equal(200, resultStatus);
        Assert.Equal($"""
            "Id","Name","Industry","AnnualRevenue","CreatedDate"
            "{ids[0]}","Acme","Banking","5000000","2026-11-02T09:00:00.000Z"
            "{ids[1]}","Globex ""Big"", Inc.","","","2026-11-02T09:00:00.000Z"

            """, csv);
        Assert.Equal("2", response.Headers.GetValues("Sforce-NumberOfRecords").Single());
        Assert.Equal("null", response.Headers.GetValues("Sforce-Locator").Single());
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Results_MaxRecords_PagesWithTheHeaderOnEachAndBase64Locators()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        await emulator.Host.AddRecordsAsync("Lead", Enumerable.Range(0, 5).Select(i => new { LastName = $"L{i}", Company = "C\nwith a line break" }));
        var id = (string)(await bulk.CallAsync(HttpMethod.Post, "query",
            new { operation = "query", query = "SELECT LastName, Company FROM Lead ORDER BY LastName" })).Body!["id"]!;

        var pages = new List<(string Csv, string Count, string Locator)>();
        string? locator = null;
        do
        {
            var (status, csv, response) = await bulk.TextAsync($"query/{id}/results?maxRecords=2" + (locator is null ? "" : $"&locator={locator}"));
            Assert.Equal(200, status);
            locator = response.Headers.GetValues("Sforce-Locator").Single();
            pages.Add((csv, response.Headers.GetValues("Sforce-NumberOfRecords").Single(), locator));
        }
        while (locator != "null");

        const string Header = "\"LastName\",\"Company\"\n";
        Assert.Equal([
            (Header + "\"L0\",\"C\nwith a line break\"\n\"L1\",\"C\nwith a line break\"\n", "2", "Mg"),
            (Header + "\"L2\",\"C\nwith a line break\"\n\"L3\",\"C\nwith a line break\"\n", "2", "NA"),
            (Header + "\"L4\",\"C\nwith a line break\"\n", "1", "null"),
        ], pages);

        // A locator can be read again as long as the job exists.
        Assert.Equal(pages[1].Csv, (await bulk.TextAsync($"query/{id}/results?maxRecords=2&locator=Mg")).Body);
        Assert.Equal(400, (await bulk.TextAsync($"query/{id}/results?locator=bogus!")).Status);
        Assert.Equal(400, (await bulk.TextAsync($"query/{id}/results?maxRecords=0")).Status);
    }

    [Fact]
    public async Task Results_PagesCrossingTheIndexStride_ServeTheRightRows()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.Bulk.QueryPageSize = 1500);
        var bulk = await BulkRequests.StartAsync(emulator);
        await emulator.Host.AddRecordsAsync("Account", Enumerable.Range(0, 3200).Select(i => new { Name = $"A{i:0000}" }));
        var id = (string)(await bulk.CallAsync(HttpMethod.Post, "query", new { operation = "query", query = "SELECT Name FROM Account ORDER BY Name" })).Body!["id"]!;

        var names = new List<string>();
        string? locator = null;
        do
        {
            var (_, csv, response) = await bulk.TextAsync($"query/{id}/results" + (locator is null ? "" : $"?locator={locator}"));
            locator = response.Headers.GetValues("Sforce-Locator").Single();
            names.AddRange(csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Trim('"')));
        }
        while (locator != "null");

        Assert.Equal(Enumerable.Range(0, 3200).Select(i => $"A{i:0000}"), names);
    }

    [Fact]
    public async Task QueryAll_IncludesDeletedRecords_Query_DoesNot()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        var ids = await emulator.Host.AddRecordsAsync("Account", [new { Name = "Kept" }, new { Name = "Gone" }]);
        Assert.Equal(204, (await emulator.CallAsync(HttpMethod.Delete, $"sobjects/Account/{ids[1]}", bulk.Token)).Status);

        async Task<long> CountAsync(string operation)
        {
            var id = (string)(await bulk.CallAsync(HttpMethod.Post, "query", new { operation, query = "SELECT Id FROM Account" })).Body!["id"]!;
            return (long)(await bulk.InfoAsync("query", id))["numberRecordsProcessed"]!;
        }

        Assert.Equal(1, await CountAsync("query"));
        Assert.Equal(2, await CountAsync("queryAll"));
    }

    [Fact]
    public async Task Results_WithAnotherApiVersion_409()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        var id = (string)(await bulk.CallAsync(HttpMethod.Post, "query", new { operation = "query", query = "SELECT Id FROM Account" })).Body!["id"]!;

        var (status, body, _) = await bulk.WithVersion("61.0").TextAsync($"query/{id}/results");
        Assert.Equal(409, status);
        Assert.Equal($$"""[{"errorCode":"INVALIDJOB","message":"The results of query job {{id}} must be requested with the API version that created it, v62.0, not v61.0."}]""", body);
        Assert.Equal(200, (await bulk.TextAsync($"query/{id}/results")).Status);
        // Query jobs exist from API 47.0 on.
        Assert.Equal(404, (await bulk.WithVersion("46.0").CallAsync(HttpMethod.Get, $"query/{id}")).Status);
    }

    [Fact]
    public async Task Results_BeforeTheJobCompletes_412JobNotComplete_AbortStopsIt()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.Bulk.ProcessingTime = TimeSpan.FromSeconds(5));
        var bulk = await BulkRequests.StartAsync(emulator);
        var id = (string)(await bulk.CallAsync(HttpMethod.Post, "query", new { operation = "query", query = "SELECT Id FROM Account" })).Body!["id"]!;
        Assert.Equal("InProgress", (string?)(await bulk.InfoAsync("query", id))["state"]);

        var (status, body, _) = await bulk.TextAsync($"query/{id}/results");
        Assert.Equal(412, status);
        Assert.Equal("""[{"errorCode":"JOB_NOT_COMPLETE","message":"can only download query results of successfully completed bulk job with status: JOB_COMPLETE. Current status: IN_PROGRESS"}]""", body);
        var (deleteStatus, _, _) = await bulk.CallAsync(HttpMethod.Delete, $"query/{id}");
        Assert.Equal(400, deleteStatus);

        var (abortStatus, aborted, _) = await bulk.SetStateAsync("query", id, "Aborted");
        Assert.Equal(200, abortStatus);
        Assert.Equal("Aborted", (string?)aborted!["state"]);
        emulator.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("Aborted", (string?)(await bulk.InfoAsync("query", id))["state"]);
        Assert.Equal(412, (await bulk.TextAsync($"query/{id}/results")).Status);
        Assert.Equal(400, (await bulk.SetStateAsync("query", id, "UploadComplete")).Status);
        Assert.Equal(204, (await bulk.CallAsync(HttpMethod.Delete, $"query/{id}")).Status);
        Assert.Equal(404, (await bulk.CallAsync(HttpMethod.Get, $"query/{id}")).Status);
    }

    [Theory]
    [InlineData("SELECT Nmae FROM Account", "Failed to process query: INVALID_FIELD: ")]
    [InlineData("SELECT Id FROM Acount", "Failed to process query: INVALID_TYPE: ")]
    [InlineData("SELECT COUNT() FROM Account", "Failed to process query: FUNCTIONALITY_NOT_ENABLED: Aggregate functions such as COUNT() and GROUP BY are not supported by Bulk API 2.0 queries")]
    [InlineData("SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry", "Failed to process query: FUNCTIONALITY_NOT_ENABLED: Aggregate functions")]
    [InlineData("SELECT Id FROM Account LIMIT 5 OFFSET 2", "Failed to process query: FUNCTIONALITY_NOT_ENABLED: OFFSET is not supported by Bulk API 2.0 queries")]
    public async Task Create_QueryBulkCannotRun_400InvalidJob(string soql, string messageStart)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        var (status, body, _) = await bulk.CallAsync(HttpMethod.Post, "query", new { operation = "query", query = soql });
        Assert.Equal(400, status);
        Assert.Equal("INVALIDJOB", (string?)body![0]!["errorCode"]);
        Assert.StartsWith(messageStart, (string?)body[0]!["message"], StringComparison.Ordinal);
        Assert.Empty(emulator.Host.Org.BulkJobs.Jobs);
    }

    [Fact]
    public async Task Query_ParentFields_AsDottedColumns_InTheJobsDelimiter()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        var account = (await emulator.Host.AddRecordsAsync("Account", [new { Name = "Acme" }]))[0];
        await emulator.Host.AddRecordsAsync("Contact", [new { LastName = "Doe", AccountId = account }, new { LastName = "Roe" }]);

        var id = (string)(await bulk.CallAsync(HttpMethod.Post, "query",
            new { operation = "query", query = "SELECT LastName, Account.Name FROM Contact ORDER BY LastName", columnDelimiter = "SEMICOLON", lineEnding = "CRLF" })).Body!["id"]!;
        Assert.Equal("\"LastName\";\"Account.Name\"\r\n\"Doe\";\"Acme\"\r\n\"Roe\";\"\"\r\n", (await bulk.TextAsync($"query/{id}/results")).Body);
    }

    [Fact]
    public async Task Limits_EachQueryJobCounts()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var bulk = await BulkRequests.StartAsync(emulator);
        for (var i = 0; i < 3; i++)
        {
            await bulk.CallAsync(HttpMethod.Post, "query", new { operation = "query", query = "SELECT Id FROM Account" });
        }

        var limits = (await emulator.CallAsync(HttpMethod.Get, "limits", bulk.Token)).Body!;
        Assert.Equal("""{"Max":10000,"Remaining":9997}""", limits["DailyBulkV2QueryJobs"]!.ToJsonString());
        Assert.Equal("""{"Max":15000,"Remaining":15000}""", limits["DailyBulkApiBatches"]!.ToJsonString());
    }
}
