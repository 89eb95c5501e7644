using System.Net;
using System.Text.Json.Nodes;

namespace Forcelink.IntegrationTests.Emulator;

public sealed class LimitsAndSessionsTests
{
    private const string InvalidSession = """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""";

    [Fact]
    public async Task Limits_DailyApiRequests_MaxAndRemaining()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.DailyApiLimit = 5000);
        var token = await emulator.GetTokenAsync();
        var (status, body, response) = await emulator.CallAsync(HttpMethod.Get, "limits", token);
        Assert.Equal(200, status);
        Assert.Equal("""{"Max":5000,"Remaining":4999}""", body!["DailyApiRequests"]!.ToJsonString());
        Assert.Equal("api-usage=1/5000", response.Headers.GetValues("Sforce-Limit-Info").Single());
    }

    [Fact]
    public async Task Api_PastDailyLimit_403RequestLimitExceeded()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.DailyApiLimit = 2);
        var token = await emulator.GetTokenAsync();
        Assert.Equal(200, (await emulator.CallAsync(HttpMethod.Get, "limits", token)).Status);
        Assert.Equal(200, (await emulator.CallAsync(HttpMethod.Get, "limits", token)).Status);
        var (status, body, response) = await emulator.CallAsync(HttpMethod.Get, "limits", token);
        Assert.Equal(403, status);
        Assert.Equal("""[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]""", body!.ToJsonString());
        Assert.Equal("api-usage=2/2", response.Headers.GetValues("Sforce-Limit-Info").Single());

        emulator.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(200, (await emulator.CallAsync(HttpMethod.Get, "limits", await emulator.GetTokenAsync())).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("00D000000000000!bogus")]
    public async Task Api_MissingOrUnknownToken_401InvalidSession(string? token)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var (status, body, response) = await emulator.CallAsync(HttpMethod.Get, "sobjects", token);
        Assert.Equal(401, status);
        Assert.Equal(InvalidSession, body!.ToJsonString());
        Assert.False(response.Headers.Contains("Sforce-Limit-Info"));
        Assert.Equal(0, emulator.Host.Org.ApiUsed);
    }

    [Fact]
    public async Task Session_IdleLongerThanTimeout_Expires()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        emulator.Time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await emulator.CallAsync(HttpMethod.Get, "limits", token)).Status);
        emulator.Time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await emulator.CallAsync(HttpMethod.Get, "limits", token)).Status);
        emulator.Time.Advance(TimeSpan.FromHours(2));
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "limits", token);
        Assert.Equal(401, status);
        Assert.Equal(InvalidSession, body!.ToJsonString());
    }

    [Fact]
    public async Task Session_AppTimeout_OverridesOrg()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.Apps[0].SessionTimeout = TimeSpan.FromMinutes(15));
        var token = await emulator.GetTokenAsync();
        emulator.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(401, (await emulator.CallAsync(HttpMethod.Get, "limits", token)).Status);
    }

    [Fact]
    public async Task AdminRevoke_ByUsername_SessionInvalid()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        using var revoke = await emulator.Http.PostAsync("/__emulator/tokens/revoke",
            new StringContent($$"""{"username":"{{EmulatorFixture.Username}}"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal("""{"revoked":1}""", await revoke.Content.ReadAsStringAsync());
        Assert.Equal(401, (await emulator.CallAsync(HttpMethod.Get, "limits", token)).Status);
    }

    [Fact]
    public async Task AdminLogins_AfterExchanges_CountsPerUser()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        await emulator.GetTokenAsync();
        await emulator.GetTokenAsync();
        var logins = JsonNode.Parse(await emulator.Http.GetStringAsync("/__emulator/logins"))!;
        Assert.Equal(2, logins[EmulatorFixture.Username]!.GetValue<int>());
    }

    [Fact]
    public async Task AdminLimits_SetUsed_DrivesExhaustion()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        using var put = await emulator.Http.PutAsync("/__emulator/limits", new StringContent("""{"used":100000}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(403, (await emulator.CallAsync(HttpMethod.Get, "limits", token)).Status);
    }
}
