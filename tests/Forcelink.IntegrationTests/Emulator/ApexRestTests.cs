using System.Text.Json;
using Forcelink.Emulator.Hosting;

namespace Forcelink.IntegrationTests.Emulator;

/// <summary>/services/apexrest/ on the wire: matching, Apex REST's error shapes, authentication and API usage.</summary>
public sealed class ApexRestTests
{
    private static void Services(EmulatorOptions options)
    {
        options.Org.ApexRest.Add(new ApexRestOptions { UrlMapping = "/Cases/*", Echo = true });
        options.Org.ApexRest.Add(new ApexRestOptions { UrlMapping = "/Cases/closed", Methods = ["GET"], Response = JsonDocument.Parse("[]").RootElement.Clone() });
        options.Org.ApexRest.Add(new ApexRestOptions { UrlMapping = "/Accounts/*/contacts", Methods = ["GET"], Echo = true, Status = 202 });
        options.Org.ApexRest.Add(new ApexRestOptions { UrlMapping = "/Fire", Methods = ["POST"] });
    }

    [Fact]
    public async Task ApexRest_UnknownMapping_IsApexRestsNotFound()
    {
        await using var emulator = await EmulatorFixture.StartAsync(Services);
        var token = await emulator.GetTokenAsync();

        var response = await emulator.SendAsync(HttpMethod.Get, "/services/apexrest/cases/1", token);

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("application/json;charset=UTF-8", EmulatorFixture.RawContentType(response));
        Assert.Equal("""[{"errorCode":"NOT_FOUND","message":"Could not find a match for URL"}]""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ApexRest_ExactMappingBeforeWildcard_AndMiddleWildcards()
    {
        await using var emulator = await EmulatorFixture.StartAsync(Services);
        var token = await emulator.GetTokenAsync();

        var (exact, closed, _) = await emulator.CallAsync(HttpMethod.Get, "/services/apexrest/Cases/closed", token);
        var (wild, echo, _) = await emulator.CallAsync(HttpMethod.Get, "/services/apexrest/Cases/open?limit=5", token);
        var (middle, contacts, _) = await emulator.CallAsync(HttpMethod.Get, "/services/apexrest/Accounts/001/contacts", token);

        Assert.Equal((200, "[]"), (exact, closed!.ToJsonString()));
        Assert.Equal((200, "/Cases/open", "5"), (wild, (string?)echo!["requestURI"], (string?)echo["params"]!["limit"]));
        Assert.Equal((202, "/services/apexrest/Accounts/*/contacts"), (middle, (string?)contacts!["resourcePath"]));
    }

    [Fact]
    public async Task ApexRest_VoidMethodAndWrongMethod()
    {
        await using var emulator = await EmulatorFixture.StartAsync(Services);
        var token = await emulator.GetTokenAsync();

        var voidAnswer = await emulator.SendAsync(HttpMethod.Post, "/services/apexrest/Fire", token, "{}");
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "/services/apexrest/Fire", token);

        Assert.Equal(200, (int)voidAnswer.StatusCode);
        Assert.Equal("", await voidAnswer.Content.ReadAsStringAsync());
        Assert.Equal(405, status);
        Assert.Equal("HTTP Method 'GET' not allowed. Allowed are POST", (string?)body![0]!["message"]);
    }

    [Fact]
    public async Task ApexRest_NoSession_IsInvalidSessionId_AndCallsAreCounted()
    {
        await using var emulator = await EmulatorFixture.StartAsync(Services);
        var token = await emulator.GetTokenAsync();

        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "/services/apexrest/Cases/1", token: null);
        var (ok, _, response) = await emulator.CallAsync(HttpMethod.Get, "/services/apexrest/Cases/1", token);

        Assert.Equal((401, "INVALID_SESSION_ID"), (status, (string?)body![0]!["errorCode"]));
        Assert.Equal(200, ok);
        Assert.Equal("api-usage=1/100000", response.Headers.GetValues("Sforce-Limit-Info").Single());
    }

    [Fact]
    public void ApexRestOptions_Invalid_AreReportedTogether()
    {
        var options = new EmulatorOptions();
        options.Org.ApexRest.Add(new ApexRestOptions { UrlMapping = "Cases", Methods = ["TRACE"], Status = 700 });

        var errors = options.Validate();

        Assert.Contains("apexRest[0]: urlMapping 'Cases' must start with '/' and name a path, such as /LeadIntake/*", errors);
        Assert.Contains(errors, e => e.Contains("'TRACE' is not an Apex REST method", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("status must be from 200 to 599", StringComparison.Ordinal));
    }
}
