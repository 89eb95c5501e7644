using Microsoft.Extensions.Logging;
using System.Net;
using System.Text.Json;
using Forcelink.Authentication;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Forcelink.Tests.Authentication;

public sealed class JwtBearerCredentialTests : IDisposable
{
    private const string ConsumerKey = "3MVG99OxTyEMCQ3gNp2PjkqeZKxnmAiG1xV4oHh9AKL_rSK";
    private const string Username = "integration@example.com";
    private const string AccessTokenValue = "00Dxx0000001gPL!AR8AQJXg5oj8jXSgxJfA0lBog.39AsX.LVpxezPwuX5VAIrrbbHMuol7GQxnMeYMN7cj8EoWr78nt1u44zU31IbYNNJguseu";

    private const string SuccessBody = $$"""
        {"access_token":"{{AccessTokenValue}}","scope":"web openid api id","instance_url":"https://yourInstance.my.salesforce.com",
         "id":"https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS","token_type":"Bearer",
         "issued_at":"1764158400000","signature":"0CmxinZir53Yex7nE0TD+zMpvIWYGb/bdJh6XfOH6EQ="}
        """;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly StubHttpHandler _http = new();

    [Fact]
    public void CreateAssertion_HeaderAndClaims_AreSalesforces()
    {
        using var key = TestKeys.PrimarySigningKey();
        var sut = CreateSut(key);

        var token = new JsonWebToken(sut.CreateAssertion());

        Assert.Equal("RS256", token.Alg);
        Assert.Equal("JWT", token.Typ);
        Assert.Equal(ConsumerKey, token.Issuer);
        Assert.Equal(Username, token.Subject);
        Assert.Equal(["https://login.salesforce.com"], token.Audiences);
        Assert.Equal(_time.GetUtcNow().AddMinutes(3).ToUnixTimeSeconds(), token.GetPayloadValue<long>("exp"));
        Assert.Equal(["alg", "typ"], HeaderNames(token));
        Assert.Equal(["iss", "sub", "aud", "exp"], ClaimNames(token));
    }

    [Fact]
    public async Task CreateAssertion_Signature_VerifiesWithTheCertificateIndependently()
    {
        using var key = TestKeys.PrimarySigningKey();
        using var certificate = TestKeys.SelfSigned(TestKeys.Primary, _time.GetUtcNow().AddDays(-1), TimeSpan.FromDays(30));
        var sut = CreateSut(key);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(sut.CreateAssertion(), new TokenValidationParameters
        {
            IssuerSigningKey = new X509SecurityKey(certificate),
            ValidIssuer = ConsumerKey,
            ValidAudience = "https://login.salesforce.com",
            ValidAlgorithms = ["RS256"],
            LifetimeValidator = (_, expires, _, _) => expires == _time.GetUtcNow().AddMinutes(3).UtcDateTime,
        });

        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task CreateAssertion_OtherKeysCertificate_FailsIndependentVerification()
    {
        using var key = TestKeys.PrimarySigningKey();
        using var other = TestKeys.SelfSigned(TestKeys.Other, _time.GetUtcNow().AddDays(-1), TimeSpan.FromDays(30));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(CreateSut(key).CreateAssertion(), new TokenValidationParameters
        {
            IssuerSigningKey = new X509SecurityKey(other),
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
        });
        Assert.False(result.IsValid);
    }

    [Fact]
    public void CreateAssertion_CustomLifetime_SetsExp()
    {
        using var key = TestKeys.PrimarySigningKey();
        var sut = CreateSut(key, o => o.AssertionLifetime = TimeSpan.FromSeconds(90));
        Assert.Equal(_time.GetUtcNow().AddSeconds(90).ToUnixTimeSeconds(), new JsonWebToken(sut.CreateAssertion()).GetPayloadValue<long>("exp"));
    }

    [Fact]
    public async Task GetTokenAsync_Success_PostsFormAndParsesToken()
    {
        using var key = TestKeys.PrimarySigningKey();
        _http.On(HttpMethod.Post, "/services/oauth2/token", _ => StubHttpHandler.Json(HttpStatusCode.OK, SuccessBody));
        var sut = CreateSut(key, o => o.LoginUrl = new Uri("https://acme.my.salesforce.com"));

        var token = await sut.GetTokenAsync();

        var request = Assert.Single(_http.Requests);
        Assert.Equal("https://acme.my.salesforce.com/services/oauth2/token", request.Uri.ToString());
        var form = System.Web.HttpUtility.ParseQueryString(request.Body!);
        Assert.Equal("urn:ietf:params:oauth:grant-type:jwt-bearer", form["grant_type"]);
        Assert.Equal(2, form.Count);
        Assert.Equal(ConsumerKey, new JsonWebToken(form["assertion"]).Issuer);
        Assert.Equal(AccessTokenValue, token.Value);
        Assert.Equal(new Uri("https://yourInstance.my.salesforce.com"), token.InstanceUrl);
        Assert.Equal("00Dxx0000001gPLEAY", token.OrganizationId);
        Assert.Equal("005xx000001SwiUAAS", token.UserId);
        Assert.Equal(["web", "openid", "api", "id"], token.Scopes);
        Assert.Equal("Bearer", token.TokenType);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764158400000), token.IssuedAt);
    }

    [Fact]
    public async Task GetTokenAsync_SuccessWithoutIssuedAtOrSignature_UsesRequestTime()
    {
        using var key = TestKeys.PrimarySigningKey();
        _http.On(HttpMethod.Post, "/services/oauth2/token", _ => StubHttpHandler.Json(HttpStatusCode.OK,
            """{"access_token":"00D000000000001!abcdefghijklmnop","instance_url":"https://x.my.salesforce.com","id":"https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA","token_type":"Bearer","scope":"api"}"""));
        var token = await CreateSut(key).GetTokenAsync();
        Assert.Equal(_time.GetUtcNow(), token.IssuedAt);
    }

    [Fact]
    public void AccessTokenToString_ShowsOnlyAPrefix()
    {
        var token = new AccessToken(AccessTokenValue, new Uri("https://x.my.salesforce.com"), _time.GetUtcNow());
        Assert.DoesNotContain(AccessTokenValue[..12], token.ToString(), StringComparison.Ordinal);
        Assert.Contains("00Dxx0…", token.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("invalid_grant", "user hasn't approved this consumer", "Admin approved users are pre-authorized", "Manage Profiles")]
    [InlineData("invalid_grant", "audience is invalid", "https://test.salesforce.com", "FORCELINK_AUDIENCE")]
    [InlineData("invalid_grant", "Audience validation failed", "audience (aud)", "FORCELINK_AUDIENCE")]
    [InlineData("invalid_grant", "invalid assertion", "forcelink cert check", "certificate")]
    [InlineData("invalid_grant", "Failed: : Couldn't validate jwt token.", "forcelink cert check", "certificate")]
    [InlineData("invalid_grant", "expired authorization code", "clock", "NTP")]
    [InlineData("invalid_grant", "login rate exceeded", "3,600", "FORCELINK_TOKEN_TABLE")]
    [InlineData("invalid_grant", "authentication failure", "active", "frozen")]
    [InlineData("invalid_client_id", "client identifier invalid", "Manage Consumer Details", "login URL")]
    [InlineData("invalid_app_access", "user is not admin approved to access this app", "Manage Permission Sets", "profile")]
    [InlineData("app_not_found", "External client app is not installed in this org", "My Domain", "FORCELINK_AUDIENCE")]
    [InlineData("unsupported_grant_type", "grant type not supported", "Use digital signatures", "Lightning")]
    [InlineData("invalid_request", "missing required parameter: grant_type", "defect", "malformed")]
    public async Task GetTokenAsync_TokenError_ExplainsTheFix(string error, string description, string fix1, string fix2)
    {
        using var key = TestKeys.PrimarySigningKey();
        _http.On(HttpMethod.Post, "/services/oauth2/token", _ => StubHttpHandler.Json(HttpStatusCode.BadRequest,
            JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description })));

        var exception = await Assert.ThrowsAsync<SalesforceException>(async () => await CreateSut(key).GetTokenAsync());

        Assert.Equal(400, exception.StatusCode);
        Assert.Equal(error, exception.ErrorCode);
        Assert.Equal(description, exception.Description);
        Assert.Contains(description, exception.Message, StringComparison.Ordinal);
        Assert.Contains(fix1, exception.Message, StringComparison.Ordinal);
        Assert.Contains(fix2, exception.Message, StringComparison.Ordinal);
        AssertNoSecrets(exception.Message);
    }

    [Fact]
    public async Task GetTokenAsync_HtmlErrorPage_ExplainsOrgOrHostProblem()
    {
        using var key = TestKeys.PrimarySigningKey();
        _http.On(HttpMethod.Post, "/services/oauth2/token", _ => StubHttpHandler.Json(HttpStatusCode.ServiceUnavailable,
            "<html><head><title>Data Not Available</title></head><body>The data you were trying to access could not be found.</body></html>",
            "text/html"));

        var exception = await Assert.ThrowsAsync<SalesforceException>(async () => await CreateSut(key, o => o.MaxLoginRetries = 0).GetTokenAsync());

        Assert.Equal(503, exception.StatusCode);
        Assert.Equal("ERROR_HTTP_503", exception.ErrorCode);
        Assert.Contains("'Data Not Available'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("login URL", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTokenAsync_ClockBehindSalesforce_RetriesOnceWithSalesforcesClock()
    {
        using var key = TestKeys.PrimarySigningKey();
        var serverNow = _time.GetUtcNow().AddMinutes(10);
        _http.OnSequence(HttpMethod.Post, "/services/oauth2/token",
            _ =>
            {
                var expired = StubHttpHandler.Json(HttpStatusCode.BadRequest, """{"error":"invalid_grant","error_description":"expired authorization code"}""");
                expired.Headers.Date = serverNow;
                return expired;
            },
            _ => StubHttpHandler.Json(HttpStatusCode.OK, SuccessBody));

        var token = await CreateSut(key).GetTokenAsync();

        Assert.Equal(AccessTokenValue, token.Value);
        Assert.Equal(2, _http.Requests.Count);
        var second = new JsonWebToken(System.Web.HttpUtility.ParseQueryString(_http.Requests[1].Body!)["assertion"]);
        Assert.Equal(serverNow.AddMinutes(3).ToUnixTimeSeconds(), second.GetPayloadValue<long>("exp"));
    }

    [Fact]
    public async Task GetTokenAsync_ExpiredWithoutSkew_DoesNotRetry()
    {
        using var key = TestKeys.PrimarySigningKey();
        _http.On(HttpMethod.Post, "/services/oauth2/token", _ =>
        {
            var expired = StubHttpHandler.Json(HttpStatusCode.BadRequest, """{"error":"invalid_grant","error_description":"expired authorization code"}""");
            expired.Headers.Date = _time.GetUtcNow();
            return expired;
        });

        await Assert.ThrowsAsync<SalesforceException>(async () => await CreateSut(key).GetTokenAsync());
        Assert.Single(_http.Requests);
    }

    [Fact]
    public async Task GetTokenAsync_NetworkFailure_NamesTheEndpoint()
    {
        using var key = TestKeys.PrimarySigningKey();
        _http.On(HttpMethod.Post, "/services/oauth2/token", _ => throw new HttpRequestException("Connection refused"));
        var exception = await Assert.ThrowsAsync<SalesforceException>(async () => await CreateSut(key, o => o.MaxLoginRetries = 0).GetTokenAsync());
        Assert.Equal(0, exception.StatusCode);
        Assert.Contains("https://login.salesforce.com/services/oauth2/token", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblem()
    {
        using var key = TestKeys.PrimarySigningKey();
        var options = new JwtBearerCredentialOptions
        {
            LoginUrl = new Uri("http://acme.lightning.force.com"),
            AssertionLifetime = TimeSpan.FromMinutes(10),
        };

        var error = Assert.Throws<ArgumentException>(() => new JwtBearerCredential(options, key));

        Assert.Contains("ConsumerKey is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("Username is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("must use https", error.Message, StringComparison.Ordinal);
        Assert.Contains("Lightning URL", error.Message, StringComparison.Ordinal);
        Assert.Contains("AssertionLifetime", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Login_CredentialWithoutLogger_LogsThroughTheClientsLoggerFactory()
    {
        using var key = TestKeys.PrimarySigningKey();
        _http.On(HttpMethod.Post, "/services/oauth2/token", _ => StubHttpHandler.Json(HttpStatusCode.OK, SuccessBody));
        var credential = CreateSut(key);
        using var provider = new RecordingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(provider));
        using var client = new SalesforceClient(credential, new SalesforceClientOptions { TimeProvider = _time, LoggerFactory = loggerFactory, Transport = _http });

        await credential.GetTokenAsync();

        var line = Assert.Single(provider.Lines, l => l.Category == typeof(JwtBearerCredential).FullName);
        Assert.Contains(Username, line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AccessTokenValue, line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_CredentialWithItsOwnLogger_KeepsIt()
    {
        using var key = TestKeys.PrimarySigningKey();
        _http.On(HttpMethod.Post, "/services/oauth2/token", _ => StubHttpHandler.Json(HttpStatusCode.OK, SuccessBody));
        using var own = new RecordingLoggerProvider();
        using var ownFactory = LoggerFactory.Create(b => b.AddProvider(own));
        var credential = new JwtBearerCredential(
            new JwtBearerCredentialOptions { ConsumerKey = ConsumerKey, Username = Username }, key, new HttpClient(_http), _time, ownFactory.CreateLogger<JwtBearerCredential>());
        using var clients = new RecordingLoggerProvider();
        using var clientFactory = LoggerFactory.Create(b => b.AddProvider(clients));
        using var client = new SalesforceClient(credential, new SalesforceClientOptions { TimeProvider = _time, LoggerFactory = clientFactory, Transport = _http });

        await credential.GetTokenAsync();

        Assert.Single(own.Lines);
        Assert.Empty(clients.Lines);
    }

    private static void AssertNoSecrets(string message)
    {
        Assert.DoesNotContain("eyJ", message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", message, StringComparison.Ordinal);
        Assert.DoesNotContain(ConsumerKey, message, StringComparison.Ordinal);
    }

    private static string[] HeaderNames(JsonWebToken token) =>
        [.. JsonDocument.Parse(Base64UrlEncoder.Decode(token.EncodedHeader)).RootElement.EnumerateObject().Select(p => p.Name)];

    private static string[] ClaimNames(JsonWebToken token) =>
        [.. JsonDocument.Parse(Base64UrlEncoder.Decode(token.EncodedPayload)).RootElement.EnumerateObject().Select(p => p.Name)];

    private JwtBearerCredential CreateSut(RsaSigningKey key, Action<JwtBearerCredentialOptions>? configure = null)
    {
        var options = new JwtBearerCredentialOptions { ConsumerKey = ConsumerKey, Username = Username };
        configure?.Invoke(options);
        return new JwtBearerCredential(options, key, new HttpClient(_http), _time);
    }
}
