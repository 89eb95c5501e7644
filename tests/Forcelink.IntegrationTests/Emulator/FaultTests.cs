using System.Net;
using System.Text.Json.Nodes;
using Forcelink.Emulator.Hosting;

namespace Forcelink.IntegrationTests.Emulator;

public sealed class FaultTests
{
    private static async Task AddFaultAsync(EmulatorFixture emulator, string json)
    {
        using var response = await emulator.Http.PostAsync("/__emulator/faults", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Fault_ServiceUnavailableNextTwo_ThenRecovers()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        await AddFaultAsync(emulator, """{"pathPrefix":"/services/data/","kind":"ServiceUnavailable","count":2}""");
        for (var i = 0; i < 2; i++)
        {
            var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "limits", token);
            Assert.Equal(503, status);
            Assert.Equal("SERVER_UNAVAILABLE", body![0]!["errorCode"]!.GetValue<string>());
        }

        Assert.Equal(200, (await emulator.CallAsync(HttpMethod.Get, "limits", token)).Status);
    }

    [Theory]
    [InlineData("BadGateway", 502)]
    [InlineData("GatewayTimeout", 504)]
    public async Task Fault_GatewayErrors_HtmlStatus(string kind, int expected)
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.Faults.Add(new FaultRule { PathPrefix = "/services/data/", Kind = Enum.Parse<FaultKind>(kind), Count = 1 }));
        var token = await emulator.GetTokenAsync();
        using var response = await emulator.SendAsync(HttpMethod.Get, "limits", token);
        Assert.Equal(expected, (int)response.StatusCode);
        Assert.StartsWith("text/html", EmulatorFixture.RawContentType(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fault_HtmlErrorPageOnToken_DataNotAvailable()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.Faults.Add(new FaultRule { PathPrefix = "/services/oauth2/token", Kind = FaultKind.HtmlErrorPage, Count = 1 }));
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.StartsWith("text/html", EmulatorFixture.RawContentType(response), StringComparison.Ordinal);
        Assert.Contains("Data Not Available", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await emulator.RequestTokenAsync(emulator.CreateAssertion())).StatusCode);
    }

    [Fact]
    public async Task Fault_DropConnection_HttpRequestException()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        await AddFaultAsync(emulator, """{"pathPrefix":"/services/data/","kind":"DropConnection","count":1}""");
        await Assert.ThrowsAsync<HttpRequestException>(() => emulator.SendAsync(HttpMethod.Get, "limits", token));
        Assert.Equal(200, (await emulator.CallAsync(HttpMethod.Get, "limits", token)).Status);
    }

    [Fact]
    public async Task Fault_UnableToLockRow_OnWritesOnly()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = await emulator.CreateAsync(token, "Account", new { Name = "Acme" });
        await AddFaultAsync(emulator, """{"pathPrefix":"/services/data/","kind":"UnableToLockRow","count":2}""");
        Assert.Equal(200, (await emulator.CallAsync(HttpMethod.Get, $"sobjects/Account/{id}", token)).Status);
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Patch, $"sobjects/Account/{id}", token, new { Name = "x" });
        Assert.Equal(400, status);
        Assert.Equal($$"""[{"message":"unable to obtain exclusive access to this record or 1 records: {{id}}","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}]""", body!.ToJsonString());
    }

    [Fact]
    public async Task Fault_Latency_WaitsForTimeProvider()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        await AddFaultAsync(emulator, """{"pathPrefix":"/services/data/","kind":"Latency","latencyMilliseconds":30000,"count":1}""");
        var pending = emulator.CallAsync(HttpMethod.Get, "limits", token);
        await Task.Run(() => SpinWait.SpinUntil(() => emulator.Host.Org.PendingLatencies == 1));
        emulator.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(pending.IsCompleted);
        emulator.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await pending).Status);
    }

    [Fact]
    public async Task Fault_SameSeed_SameOutcomes()
    {
        async Task<string> RunAsync()
        {
            await using var emulator = await EmulatorFixture.StartAsync(o =>
            {
                o.RandomSeed = 42;
                o.Org.Faults.Add(new FaultRule { PathPrefix = "/services/data/", Kind = FaultKind.ServiceUnavailable, Probability = 0.5 });
            });
            var token = await emulator.GetTokenAsync();
            var statuses = new List<int>();
            for (var i = 0; i < 20; i++)
            {
                statuses.Add((await emulator.CallAsync(HttpMethod.Get, "limits", token)).Status);
            }

            return string.Join(',', statuses);
        }

        var first = await RunAsync();
        Assert.Equal(first, await RunAsync());
        Assert.Contains("503", first, StringComparison.Ordinal);
        Assert.Contains("200", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fault_AdminPaths_NeverFaulted()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.Faults.Add(new FaultRule { PathPrefix = "/", Kind = FaultKind.ServiceUnavailable }));
        using var response = await emulator.Http.GetAsync("/__emulator/faults");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ServiceUnavailable", JsonNode.Parse(await response.Content.ReadAsStringAsync())![0]!["kind"]!.GetValue<string>());
    }

    private const string CommittedServerErrorBody =
        """[{"message":"An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)","errorCode":"UNKNOWN_EXCEPTION"}]""";

    [Theory]
    [InlineData("CommitThenDropConnection", "sobjects/Account")]
    [InlineData("CommitThenDropConnection", "composite/sobjects")]
    [InlineData("CommitThenDropConnection", "composite")]
    [InlineData("CommitThenServerError", "sobjects/Account")]
    [InlineData("CommitThenServerError", "composite/sobjects")]
    [InlineData("CommitThenServerError", "composite")]
    public async Task Fault_CommitThen_CreateStoredButAnswerLost(string kind, string path)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        await AddFaultAsync(emulator, $$"""{"kind":"{{kind}}","pathPrefix":"/services/data/","count":1}""");
        var account = new JsonObject { ["attributes"] = new JsonObject { ["type"] = "Account" }, ["Name"] = "Committed" };
        var body = path switch
        {
            "composite/sobjects" => new JsonObject { ["records"] = new JsonArray(account) },
            "composite" => new JsonObject
            {
                ["compositeRequest"] = new JsonArray(new JsonObject
                {
                    ["method"] = "POST",
                    ["url"] = $"/services/data/v{EmulatorFixture.ApiVersion}/sobjects/Account",
                    ["referenceId"] = "account",
                    ["body"] = new JsonObject { ["Name"] = "Committed" },
                }),
            },
            _ => new JsonObject { ["Name"] = "Committed" },
        };

        if (kind == "CommitThenDropConnection")
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => emulator.SendAsync(HttpMethod.Post, path, token, body.ToJsonString()));
        }
        else
        {
            using var response = await emulator.SendAsync(HttpMethod.Post, path, token, body.ToJsonString());
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal(CommittedServerErrorBody, await response.Content.ReadAsStringAsync());
            Assert.False(response.Headers.Contains("Location"));
        }

        var (status, result, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=SELECT+Name+FROM+Account", token);
        Assert.Equal(200, status);
        Assert.Equal("Committed", Assert.Single(result!["records"]!.AsArray())!["Name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("CommitThenDropConnection")]
    [InlineData("CommitThenServerError")]
    public async Task Fault_CommitThenOnToken_LoginCountedAndSessionIssued(string kind)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        await AddFaultAsync(emulator, $$"""{"kind":"{{kind}}","pathPrefix":"/services/oauth2/token","count":1}""");
        if (kind == "CommitThenDropConnection")
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => emulator.RequestTokenAsync(emulator.CreateAssertion()));
        }
        else
        {
            using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion());
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal(CommittedServerErrorBody, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(1, emulator.Host.LoginCount(EmulatorFixture.Username));
        Assert.Equal(1, emulator.Host.Org.ActiveSessionCount);
    }

    [Fact]
    public async Task Fault_CommitThenServerErrorWithStatus_QueryCountedAndAnswersThatStatus()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        await AddFaultAsync(emulator, """{"kind":"CommitThenServerError","pathPrefix":"/services/data/v62.0/query","count":1,"statusCode":503}""");
        using var response = await emulator.SendAsync(HttpMethod.Get, "query?q=SELECT+Id+FROM+Account", token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(CommittedServerErrorBody, await response.Content.ReadAsStringAsync());
        Assert.Equal(1, emulator.Host.Org.ApiUsed);
        Assert.Equal(200, (await emulator.CallAsync(HttpMethod.Get, "query?q=SELECT+Id+FROM+Account", token)).Status);
    }

    [Fact]
    public async Task StartAsync_InvalidFaultRules_EachNamesFieldAndRange()
    {
        var options = new EmulatorOptions();
        options.Org.Faults.Add(new FaultRule { Kind = FaultKind.Latency, Probability = 2, Count = 0 });
        options.Org.Faults.Add(new FaultRule { Kind = (FaultKind)42, LatencyMilliseconds = -1, PathPrefix = "" });
        var error = await Assert.ThrowsAsync<ArgumentException>(() => EmulatorHost.StartAsync(options));
        Assert.Contains("faults[0]: probability must be from 0 to 1, got 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("faults[0]: count must be at least 1 (or null for every matching request), got 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("faults[1]: pathPrefix must start with '/', got ''", error.Message, StringComparison.Ordinal);
        Assert.Contains("faults[1]: kind must be one of Latency, ServiceUnavailable,", error.Message, StringComparison.Ordinal);
        Assert.Contains("faults[1]: latencyMilliseconds must be from 0 to 2147483647, got -1", error.Message, StringComparison.Ordinal);
    }
}
