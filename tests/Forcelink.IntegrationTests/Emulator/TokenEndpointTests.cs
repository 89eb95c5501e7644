using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Forcelink.Emulator.Hosting;

namespace Forcelink.IntegrationTests.Emulator;

public sealed class TokenEndpointTests
{
    private static async Task AssertTokenErrorAsync(HttpResponseMessage response, string error, string description)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json;charset=UTF-8", EmulatorFixture.RawContentType(response));
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.Equal($$"""{"error":"{{error}}","error_description":"{{description}}"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Token_ValidAssertion_ReturnsSalesforceShape()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json;charset=UTF-8", EmulatorFixture.RawContentType(response));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(["access_token", "scope", "instance_url", "id", "token_type", "issued_at", "signature"], body.Select(p => p.Key).ToArray());
        var org = emulator.Host.Org;
        Assert.StartsWith(org.OrgId15 + "!", body["access_token"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("api", body["scope"]!.GetValue<string>());
        Assert.Equal(emulator.Audience, body["instance_url"]!.GetValue<string>());
        Assert.Equal($"{emulator.Audience}/id/{org.OrgId}/{org.Users[0].Id}", body["id"]!.GetValue<string>());
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.Equal(emulator.Time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), body["issued_at"]!.GetValue<string>());
        var expectedSignature = Convert.ToBase64String(HMACSHA256.HashData(org.SigningKey,
            System.Text.Encoding.UTF8.GetBytes(body["id"]!.GetValue<string>() + body["issued_at"]!.GetValue<string>())));
        Assert.Equal(expectedSignature, body["signature"]!.GetValue<string>());
        Assert.Equal(1, emulator.Host.LoginCount(EmulatorFixture.Username));
    }

    [Theory]
    [InlineData("https://login.salesforce.com")]
    [InlineData("https://login.salesforce.com/")]
    [InlineData("login.salesforce.com")]
    [InlineData("LOGIN.salesforce.com/")]
    public async Task Token_ProductionAudienceVariants_Accepted(string audience)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion(audience: audience));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_MyDomainAudience_Accepted()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var withScheme = await emulator.RequestTokenAsync(emulator.CreateAssertion(audience: emulator.Audience + "/"));
        using var bare = await emulator.RequestTokenAsync(emulator.CreateAssertion(audience: $"127.0.0.1:{emulator.Host.BaseUrl.Port}"));
        Assert.Equal(HttpStatusCode.OK, withScheme.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
    }

    [Fact]
    public async Task Token_TestAudienceOnProduction_AudienceIsInvalid()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion(audience: "https://test.salesforce.com"));
        await AssertTokenErrorAsync(response, "invalid_grant", "audience is invalid");
    }

    [Fact]
    public async Task Token_SandboxOrg_AcceptsTestRejectsLogin()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.Kind = OrgKind.Sandbox);
        using var test = await emulator.RequestTokenAsync(emulator.CreateAssertion(audience: "https://test.salesforce.com"));
        using var login = await emulator.RequestTokenAsync(emulator.CreateAssertion(audience: "https://login.salesforce.com"));
        Assert.Equal(HttpStatusCode.OK, test.StatusCode);
        await AssertTokenErrorAsync(login, "invalid_grant", "audience is invalid");
    }

    [Fact]
    public async Task Token_ExternalClientAppWrongAudience_AppNotFound()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o =>
        {
            o.Org.Kind = OrgKind.Sandbox;
            o.Org.Apps[0].Kind = AppKind.ExternalClientApp;
        });
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion(audience: "https://test.salesforce.com"));
        await AssertTokenErrorAsync(response, "app_not_found", "External client app is not installed in this org");
        using var myDomain = await emulator.RequestTokenAsync(emulator.CreateAssertion(audience: emulator.Audience));
        Assert.Equal(HttpStatusCode.OK, myDomain.StatusCode);
    }

    [Fact]
    public async Task Token_ExpAsNumericString_Accepted()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var exp = emulator.Time.GetUtcNow().AddMinutes(3).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion(expiry: exp));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_FarFutureExpInMilliseconds_Accepted()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion(expiry: emulator.Time.GetUtcNow().ToUnixTimeMilliseconds() + 300));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_UnknownClaims_Ignored()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var now = emulator.Time.GetUtcNow().ToUnixTimeSeconds();
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion(claims: c =>
        {
            c["iat"] = now;
            c["nbf"] = now + 3600;
            c["jti"] = Guid.NewGuid().ToString();
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_ExpInPast_ExpiredAuthorizationCode()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var past = await emulator.RequestTokenAsync(emulator.CreateAssertion(expiry: emulator.Time.GetUtcNow().AddSeconds(-1).ToUnixTimeSeconds()));
        await AssertTokenErrorAsync(past, "invalid_grant", "expired authorization code");
        using var now = await emulator.RequestTokenAsync(emulator.CreateAssertion(expiry: emulator.Time.GetUtcNow().ToUnixTimeSeconds()));
        await AssertTokenErrorAsync(now, "invalid_grant", "expired authorization code");
    }

    [Fact]
    public async Task Token_UnknownIssuer_ClientIdentifierInvalid()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion(issuer: "someone-else"));
        await AssertTokenErrorAsync(response, "invalid_client_id", "client identifier invalid");
    }

    [Fact]
    public async Task Token_SignedWithOtherKey_InvalidAssertion()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var other = RSA.Create(2048);
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion(key: other));
        await AssertTokenErrorAsync(response, "invalid_grant", "invalid assertion");
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("-----BEGIN PRIVATE KEY-----")]
    public async Task Token_MalformedAssertion_InvalidAssertion(string assertion)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var response = await emulator.RequestTokenAsync(assertion);
        await AssertTokenErrorAsync(response, "invalid_grant", "invalid assertion");
    }

    [Fact]
    public async Task Token_Hs256Header_InvalidAssertion()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion(algorithm: "HS256"));
        await AssertTokenErrorAsync(response, "invalid_grant", "invalid assertion");
    }

    [Fact]
    public async Task Token_PrnWinsOverSub_UsesPrn()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.Users.Add(new UserOptions { Username = "second@example.com" }));
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion(subject: "nobody@example.com", claims: c => c["prn"] = "second@example.com"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, emulator.Host.LoginCount("second@example.com"));
    }

    [Fact]
    public async Task Token_UnknownUser_UserHasNotApproved()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion(subject: "nobody@example.com"));
        await AssertTokenErrorAsync(response, "invalid_grant", "user hasn't approved this consumer");
    }

    [Fact]
    public async Task Token_UserProfileNotAssigned_UserHasNotApproved()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.Users.Add(new UserOptions { Username = "std@example.com", Profile = "Standard User" }));
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion(subject: "std@example.com"));
        await AssertTokenErrorAsync(response, "invalid_grant", "user hasn't approved this consumer");
    }

    [Fact]
    public async Task Token_PermissionSetAssigned_Accepted()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o =>
        {
            o.Org.Apps[0].PermissionSets.Add("Integration");
            o.Org.Users.Add(new UserOptions { Username = "std@example.com", Profile = "Standard User", PermissionSets = ["Integration"] });
        });
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion(subject: "std@example.com"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Token_SelfAuthorizePolicyWithoutPriorApproval_UserHasNotApproved()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o =>
        {
            o.Org.Apps[0].Policy = AppPolicy.SelfAuthorize;
            o.Org.Users.Add(new UserOptions { Username = "approved@example.com", ApprovedApps = [EmulatorFixture.ConsumerKey] });
        });
        using var denied = await emulator.RequestTokenAsync(emulator.CreateAssertion());
        await AssertTokenErrorAsync(denied, "invalid_grant", "user hasn't approved this consumer");
        using var approved = await emulator.RequestTokenAsync(emulator.CreateAssertion(subject: "approved@example.com"));
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
    }

    [Fact]
    public async Task Token_MoreThan3600LoginsInAnHour_LoginRateExceeded()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.LoginRateLimitPerHour = 5);
        for (var i = 0; i < 5; i++)
        {
            using var ok = await emulator.RequestTokenAsync(emulator.CreateAssertion());
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await emulator.RequestTokenAsync(emulator.CreateAssertion());
        await AssertTokenErrorAsync(limited, "invalid_grant", "login rate exceeded");

        emulator.Time.Advance(TimeSpan.FromHours(1));
        using var again = await emulator.RequestTokenAsync(emulator.CreateAssertion());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(6, emulator.Host.LoginCount(EmulatorFixture.Username));
    }

    [Fact]
    public async Task Token_DefaultLoginRate_Is3600PerHour()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        Assert.Equal(3600, emulator.Host.Org.Options.LoginRateLimitPerHour);
    }

    [Theory]
    [InlineData("password")]
    [InlineData("")]
    public async Task Token_WrongGrantType_UnsupportedGrantType(string grantType)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var response = await emulator.RequestTokenAsync(emulator.CreateAssertion(), grantType);
        await AssertTokenErrorAsync(response, "unsupported_grant_type", "grant type not supported");
    }

    [Fact]
    public async Task Token_MissingAssertion_InvalidRequest()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var response = await emulator.Http.PostAsync("/services/oauth2/token",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer" }));
        await AssertTokenErrorAsync(response, "invalid_request", "missing required parameter: assertion");
    }

    [Fact]
    public async Task Token_ChunkedBody_Accepted()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var form = $"grant_type={Uri.EscapeDataString("urn:ietf:params:oauth:grant-type:jwt-bearer")}&assertion={emulator.CreateAssertion()}";
        using var content = new StreamContent(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(form)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/services/oauth2/token") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await emulator.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Identity_WithToken_ReturnsUser()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var tokenResponse = await emulator.RequestTokenAsync(emulator.CreateAssertion());
        var token = JsonNode.Parse(await tokenResponse.Content.ReadAsStringAsync())!;
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, new Uri(token["id"]!.GetValue<string>()).AbsolutePath, token["access_token"]!.GetValue<string>());
        Assert.Equal(200, status);
        Assert.Equal(EmulatorFixture.Username, body!["username"]!.GetValue<string>());
        Assert.Equal(emulator.Host.Org.OrgId, body["organization_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Identity_AnotherUsersId_403BadOAuthToken()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.Users.Add(new UserOptions { Username = "other@example.com" }));
        var token = await emulator.GetTokenAsync();
        var org = emulator.Host.Org;
        var other = org.Users.Single(u => u.Options.Username == "other@example.com");
        using var response = await emulator.SendAsync(HttpMethod.Get, $"/id/{org.OrgId}/{other.Id}", token);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Bad_OAuth_Token", await response.Content.ReadAsStringAsync());
        var (status, own, _) = await emulator.CallAsync(HttpMethod.Get, $"/id/{org.OrgId}/{org.Users[0].Id}", token);
        Assert.Equal(200, status);
        Assert.True(own!["asserted_user"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Revoke_KnownToken_SessionInvalid()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        using var revoke = await emulator.Http.PostAsync("/services/oauth2/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var (status, _, _) = await emulator.CallAsync(HttpMethod.Get, "limits", token);
        Assert.Equal(401, status);
    }
}
