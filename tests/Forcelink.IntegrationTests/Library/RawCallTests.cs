using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Emulator.Hosting;
using Forcelink.IntegrationTests.Emulator;

namespace Forcelink.IntegrationTests.Library;

/// <summary>Raw REST and Apex REST calls through the client's pipeline against the emulator.</summary>
public sealed class RawCallTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    internal static void AddApexServices(EmulatorOptions options)
    {
        options.Org.ApexRest.Add(new ApexRestOptions { UrlMapping = "/LeadIntake/*", Methods = ["POST", "GET", "PUT"], Echo = true });
        options.Org.ApexRest.Add(new ApexRestOptions
        {
            UrlMapping = "/Health",
            Methods = ["GET"],
            Response = JsonDocument.Parse("""{"status":"ok","version":3}""").RootElement.Clone(),
        });
    }

    [Fact]
    public async Task SendApexAsync_EchoService_SeesMethodPathParamsBodyAndUser()
    {
        await using var fixture = await ClientFixture.StartAsync(AddApexServices);

        var echo = await fixture.Client.SendApexAsync(HttpMethod.Post, "LeadIntake/web?source=form", new JsonObject { ["email"] = "doe@example.com" }).WaitAsync(Timeout);

        Assert.Equal("POST", (string?)echo!["httpMethod"]);
        Assert.Equal("/LeadIntake/web", (string?)echo["requestURI"]);
        Assert.Equal("/services/apexrest/LeadIntake/*", (string?)echo["resourcePath"]);
        Assert.Equal("form", (string?)echo["params"]!["source"]);
        Assert.Equal("doe@example.com", (string?)echo["requestBody"]!["email"]);
        Assert.Equal(fixture.Emulator.Host.Org.FindUser(EmulatorFixture.Username)!.Id, (string?)echo["userId"]);
    }

    [Fact]
    public async Task SendApexAsync_FixedAnswer_IsReturned()
    {
        await using var fixture = await ClientFixture.StartAsync(AddApexServices);

        var health = await fixture.Client.SendApexAsync(HttpMethod.Get, "Health").WaitAsync(Timeout);

        Assert.Equal("ok", (string?)health!["status"]);
        Assert.Equal(3, (int?)health["version"]);
    }

    [Fact]
    public async Task SendApexAsync_UnknownMappingAndWrongMethod_AreApexRestsErrors()
    {
        await using var fixture = await ClientFixture.StartAsync(AddApexServices);

        var missing = await Assert.ThrowsAsync<SalesforceException>(() => fixture.Client.SendApexAsync(HttpMethod.Get, "leadintake").WaitAsync(Timeout));
        var wrongMethod = await Assert.ThrowsAsync<SalesforceException>(() => fixture.Client.SendApexAsync(HttpMethod.Delete, "Health").WaitAsync(Timeout));

        Assert.Equal((404, "NOT_FOUND"), (missing.StatusCode, missing.ErrorCode));
        Assert.Contains("Could not find a match for URL", missing.Message, StringComparison.Ordinal);
        Assert.Equal((405, "METHOD_NOT_ALLOWED"), (wrongMethod.StatusCode, wrongMethod.ErrorCode));
    }

    [Fact]
    public async Task SendJsonAsync_DataPaths_RelativeAndAbsoluteReachTheSameApi()
    {
        await using var fixture = await ClientFixture.StartAsync();

        var relative = await fixture.Client.SendJsonAsync(HttpMethod.Get, "sobjects/Lead/describe").WaitAsync(Timeout);
        var absolute = await fixture.Client.SendJsonAsync(HttpMethod.Get, "/services/data/v50.0/limits").WaitAsync(Timeout);
        var versions = await fixture.Client.SendJsonAsync(HttpMethod.Get, "/services/data").WaitAsync(Timeout);
        var created = await fixture.Client.SendJsonAsync(HttpMethod.Post, "sobjects/Lead", new JsonObject { ["LastName"] = "Raw", ["Company"] = "Acme" }).WaitAsync(Timeout);

        Assert.Equal("Lead", (string?)relative!["name"]);
        Assert.NotNull(absolute!["DailyApiRequests"]);
        Assert.Contains(versions!.AsArray(), v => (string?)v!["version"] == "68.0");
        Assert.True((bool?)created!["success"]);
        Assert.Equal(1, fixture.Client.LoginCount);
        Assert.NotNull(fixture.Client.ApiUsage);
    }

    [Fact]
    public async Task SendAsync_RecordRefused_IsSalesforceExceptionWithFields()
    {
        await using var fixture = await ClientFixture.StartAsync();

        var error = await Assert.ThrowsAsync<SalesforceException>(() =>
            fixture.Client.SendJsonAsync(HttpMethod.Post, "sobjects/Lead", new JsonObject { ["Company"] = "Acme" }).WaitAsync(Timeout));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("REQUIRED_FIELD_MISSING", error.ErrorCode);
        Assert.Equal(["LastName"], error.Errors[0].Fields);
    }

    [Fact]
    public async Task SendAsync_SessionRevoked_LogsInOnceMoreAndAnswers()
    {
        await using var fixture = await ClientFixture.StartAsync(AddApexServices);
        await fixture.Client.SendApexAsync(HttpMethod.Get, "Health").WaitAsync(Timeout);
        fixture.Emulator.Host.Org.RevokeAll(null);

        var echo = await fixture.Client.SendApexAsync(HttpMethod.Post, "LeadIntake", new JsonObject { ["n"] = 1 }).WaitAsync(Timeout);

        Assert.Equal(1, (int?)echo!["requestBody"]!["n"]);
        Assert.Equal(2, fixture.Client.LoginCount);
    }

    [Fact]
    public async Task SendAsync_ApexCall_CountsAgainstTheDailyLimit()
    {
        await using var fixture = await ClientFixture.StartAsync(AddApexServices);
        await fixture.Client.SendApexAsync(HttpMethod.Get, "Health").WaitAsync(Timeout);
        var before = fixture.Client.ApiUsage!.Used;

        await fixture.Client.SendApexAsync(HttpMethod.Get, "Health").WaitAsync(Timeout);

        Assert.Equal(before + 1, fixture.Client.ApiUsage!.Used);
    }
}
