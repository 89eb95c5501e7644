using System.Text.Json.Nodes;
using Forcelink.IntegrationTests.Emulator;
using Forcelink.Tests.Conformance;

namespace Forcelink.IntegrationTests.Conformance;

/// <summary>The emulator's token endpoint, session errors and version list against restforce's recorded answers.</summary>
public sealed class TokenShapeTests
{
    /// <summary>The recorded successes came from the password and refresh flows; the JWT bearer answer documents two keys more.</summary>
    private static ShapeRules JwtSuccess() => new ShapeRules()
        .AllowExtra("$.scope", "JWT bearer answers carry the granted scopes (Salesforce's OAuth docs); the recorded answers are of the password and refresh flows")
        .AllowExtra("$.token_type", "JWT bearer answers carry token_type Bearer (Salesforce's OAuth docs); the recorded answers are of the password and refresh flows");

    [ConformanceTheory]
    [InlineData("auth_success_response")]
    [InlineData("reauth_success_response")]
    [InlineData("refresh_success_response")]
    public async Task TokenGranted_SameShape(string fixture)
    {
        await using var emulator = await EmulatorFixture.StartAsync();

        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(200, (int)response.StatusCode);
        ConformanceOrg.AssertShape(ConformanceCorpus.Restforce(fixture), body, JwtSuccess());
        Assert.Matches(@"^\d{13}$", body!["issued_at"]!.GetValue<string>());
    }

    [ConformanceFact]
    public async Task TokenRefused_SameShapeAndCode()
    {
        var recorded = ConformanceCorpus.Restforce("auth_error_response");
        await using var emulator = await EmulatorFixture.StartAsync();

        // The recorded refusal is of a wrong password; a JWT for an unknown user is this flow's refusal of a user.
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion(subject: "nobody@example.com"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(400, (int)response.StatusCode);
        ConformanceOrg.AssertShape(recorded, body);
        Assert.Equal(recorded["error"]!.GetValue<string>(), body!["error"]!.GetValue<string>());
    }

    [ConformanceFact]
    public async Task ExpiredSession_SameBody()
    {
        await using var org = await ConformanceOrg.StartAsync();

        var (status, body, response) = await org.Emulator.CallAsync(HttpMethod.Get, "query?q=SELECT+Id+FROM+Account", "00D000000000001!expired");
        response.Dispose();

        ConformanceOrg.AssertError(ConformanceCorpus.Restforce("expired_session_response"), 401, status, body);
        Assert.True(JsonNode.DeepEquals(ConformanceCorpus.Restforce("expired_session_response"), body));
    }

    [ConformanceTheory]
    [InlineData("restforce/spec/fixtures/services_data_success_response.json")]
    [InlineData("netcoreforce/src/NetCoreForce.Client.Tests/responses/versions.json")]
    public async Task Versions_SameShape(string file)
    {
        await using var emulator = await EmulatorFixture.StartAsync();

        var (status, body, response) = await emulator.CallAsync(HttpMethod.Get, "/services/data", token: null);
        response.Dispose();

        Assert.Equal(200, status);
        ConformanceOrg.AssertShape(ConformanceCorpus.ReadJson(file), body);
        Assert.All(body!.AsArray(), v => Assert.Equal("/services/data/v" + v!["version"]!.GetValue<string>(), v["url"]!.GetValue<string>()));
    }
}
