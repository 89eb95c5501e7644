using System.Net;
using Forcelink.Authentication;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.Authentication;

public sealed class BearerTokenHandlerTests : IDisposable
{
    private const string SessionExpired = """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]""";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly StubHttpHandler _http = new();
    private readonly FakeCredential _credential;

    public BearerTokenHandlerTests() => _credential = new FakeCredential(_time);

    [Fact]
    public async Task SendAsync_RelativeToInstance_GoesToTokensInstanceWithBearer()
    {
        _http.On(HttpMethod.Get, "/services/data/v62.0/limits", _ => StubHttpHandler.Json(HttpStatusCode.OK, "{}"));
        using var invoker = CreateSut(out _);

        using var response = await invoker.SendAsync(Get("services/data/v62.0/limits"), CancellationToken.None);

        var request = Assert.Single(_http.Requests);
        Assert.Equal("https://acme.my.salesforce.com/services/data/v62.0/limits", request.Uri.ToString());
        Assert.Equal("Bearer 00D000000000001!token-0001-abcdefghijkl", request.Authorization);
    }

    [Fact]
    public async Task SendAsync_InvalidSessionId_LogsInAgainAndResendsOnce()
    {
        _http.OnSequence(HttpMethod.Get, "/services/data",
            _ => StubHttpHandler.Json(HttpStatusCode.Unauthorized, SessionExpired),
            _ => StubHttpHandler.Json(HttpStatusCode.OK, "{}"));
        using var invoker = CreateSut(out var cache);

        using var response = await invoker.SendAsync(Get("services/data/v62.0/limits"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _http.Requests.Count);
        Assert.Equal("Bearer 00D000000000001!token-0001-abcdefghijkl", _http.Requests[0].Authorization);
        Assert.Equal("Bearer 00D000000000001!token-0002-abcdefghijkl", _http.Requests[1].Authorization);
        Assert.Equal(2, cache.ExchangeCount);
    }

    [Fact]
    public async Task SendAsync_InvalidSessionIdTwice_ReturnsSecond401WithoutLooping()
    {
        _http.On(HttpMethod.Get, "/services/data", _ => StubHttpHandler.Json(HttpStatusCode.Unauthorized, SessionExpired));
        using var invoker = CreateSut(out var cache);

        using var response = await invoker.SendAsync(Get("services/data/v62.0/limits"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, _http.Requests.Count);
        Assert.Equal(2, cache.ExchangeCount);
        Assert.Contains("INVALID_SESSION_ID", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ResentPost_CarriesTheSameBody()
    {
        _http.OnSequence(HttpMethod.Post, "/services/data",
            _ => StubHttpHandler.Json(HttpStatusCode.Unauthorized, SessionExpired),
            _ => StubHttpHandler.Json(HttpStatusCode.Created, """{"id":"00Q000000000001AAA","success":true,"errors":[]}"""));
        using var invoker = CreateSut(out _);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BearerTokenHandler.InstanceBaseAddress, "services/data/v62.0/sobjects/Lead"))
        {
            Content = new StringContent("""{"LastName":"Doe","Company":"Acme"}"""),
        };

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(_http.Requests[0].Body, _http.Requests[1].Body);
    }

    [Theory]
    [InlineData("""[{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}]""")]
    [InlineData("""[{"message":"Unauthorized","errorCode":"SOMETHING_ELSE"}]""")]
    [InlineData("<html>401</html>")]
    public async Task SendAsync_401ThatANewLoginCannotFix_IsReturnedWithoutRelogin(string body)
    {
        _http.On(HttpMethod.Get, "/services/data", _ => StubHttpHandler.Json(HttpStatusCode.Unauthorized, body));
        using var invoker = CreateSut(out var cache);

        using var response = await invoker.SendAsync(Get("services/data/v62.0/limits"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Single(_http.Requests);
        Assert.Equal(1, cache.ExchangeCount);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SendAsync_ManyRequestsFailWithSameExpiredToken_OneNewLogin()
    {
        var expiredToken = "00D000000000001!token-0001-abcdefghijkl";
        _http.On(HttpMethod.Get, "/services/data", r => r.Headers.Authorization!.Parameter == expiredToken
            ? StubHttpHandler.Json(HttpStatusCode.Unauthorized, SessionExpired)
            : StubHttpHandler.Json(HttpStatusCode.OK, "{}"));
        using var invoker = CreateSut(out var cache);
        await cache.GetTokenAsync(CancellationToken.None);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => invoker.SendAsync(Get("services/data/v62.0/limits"), CancellationToken.None)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, cache.ExchangeCount);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task SendAsync_PlainHttpInstance_IsRefused()
    {
        var credential = new FakeCredential(_time, "http://acme.my.salesforce.com");
        var cache = new AccessTokenCache(credential, _time, TimeSpan.FromHours(2), TimeSpan.FromMinutes(5), NullLogger.Instance);
        using var invoker = new HttpMessageInvoker(new BearerTokenHandler(cache, NullLogger.Instance, _http));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => invoker.SendAsync(Get("services/data/v62.0/limits"), CancellationToken.None));

        Assert.Contains("Refusing to send a bearer token over plain HTTP", error.Message, StringComparison.Ordinal);
        Assert.Empty(_http.Requests);
    }

    [Fact]
    public async Task SendAsync_PlainHttpLoopbackInstance_IsAllowed()
    {
        var credential = new FakeCredential(_time, "http://127.0.0.1:8123");
        var cache = new AccessTokenCache(credential, _time, TimeSpan.FromHours(2), TimeSpan.FromMinutes(5), NullLogger.Instance);
        _http.On(HttpMethod.Get, "/services/data", _ => StubHttpHandler.Json(HttpStatusCode.OK, "{}"));
        using var invoker = new HttpMessageInvoker(new BearerTokenHandler(cache, NullLogger.Instance, _http));

        using var response = await invoker.SendAsync(Get("services/data/v62.0/limits"), CancellationToken.None);

        Assert.Equal("http://127.0.0.1:8123/services/data/v62.0/limits", Assert.Single(_http.Requests).Uri.ToString());
    }

    [Fact]
    public async Task SendAsync_OtherHost_GetsNoToken()
    {
        _http.On(HttpMethod.Get, "/elsewhere", _ => StubHttpHandler.Json(HttpStatusCode.OK, "{}"));
        using var invoker = CreateSut(out _);

        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://example.com/elsewhere"), CancellationToken.None);

        Assert.Null(Assert.Single(_http.Requests).Authorization);
    }

    [Fact]
    public async Task SendAsync_BuiltOnTheInstanceWhenANewLoginMovesTheOrg_GoesToTheNewInstance()
    {
        // The client builds a warm request on the current token's instance; the session is revoked and the new
        // login answers with another instance: the resend goes there, with the new token.
        _http.On(HttpMethod.Get, "/services/data", r => r.RequestUri!.Host == "acme.my.salesforce.com"
            ? StubHttpHandler.Json(HttpStatusCode.Unauthorized, SessionExpired)
            : StubHttpHandler.Json(HttpStatusCode.OK, "{}"));
        using var invoker = CreateSut(out var cache);
        await cache.GetTokenAsync(CancellationToken.None);
        _credential.InstanceUrl = "https://acme2.my.salesforce.com";

        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://acme.my.salesforce.com/services/data/v62.0/limits"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://acme2.my.salesforce.com/services/data/v62.0/limits", _http.Requests[1].Uri.ToString());
        Assert.Equal("Bearer 00D000000000001!token-0002-abcdefghijkl", _http.Requests[1].Authorization);
    }

    [Fact]
    public async Task SendAsync_BuiltOnAnInstanceARenewalLeft_GoesToTheCurrentInstance()
    {
        _http.On(HttpMethod.Get, "/services/data", _ => StubHttpHandler.Json(HttpStatusCode.OK, "{}"));
        using var invoker = CreateSut(out var cache);
        await cache.GetTokenAsync(CancellationToken.None);
        _credential.InstanceUrl = "https://acme2.my.salesforce.com";
        _time.Advance(TimeSpan.FromHours(3));

        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://acme.my.salesforce.com/services/data/v62.0/limits?x=1"), CancellationToken.None);

        var request = Assert.Single(_http.Requests);
        Assert.Equal("https://acme2.my.salesforce.com/services/data/v62.0/limits?x=1", request.Uri.ToString());
        Assert.Equal("Bearer 00D000000000001!token-0002-abcdefghijkl", request.Authorization);
    }

    [Fact]
    public async Task SendAsync_AnotherHostAfterALogin_IsNotMovedAndGetsNoToken()
    {
        _http.On(HttpMethod.Get, "/services/data", _ => StubHttpHandler.Json(HttpStatusCode.OK, "{}"));
        using var invoker = CreateSut(out var cache);
        await cache.GetTokenAsync(CancellationToken.None);

        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://acme.my.salesforce.com.example.com/services/data/v62.0/limits"), CancellationToken.None);

        var request = Assert.Single(_http.Requests);
        Assert.Equal("acme.my.salesforce.com.example.com", request.Uri.Host);
        Assert.Null(request.Authorization);
    }

    [Theory]
    [InlineData("https://acme.my.salesforce.com", "services/data/v62.0/query?q=SELECT+Id+FROM+Lead", "https://acme.my.salesforce.com/services/data/v62.0/query?q=SELECT+Id+FROM+Lead")]
    [InlineData("https://acme.my.site.com/customers", "services/data/v62.0/limits", "https://acme.my.site.com/customers/services/data/v62.0/limits")]
    public void Resolve_InstanceWithOrWithoutPath_KeepsPathAndQuery(string instance, string relative, string expected) =>
        Assert.Equal(expected, BearerTokenHandler.Resolve(new Uri(BearerTokenHandler.InstanceBaseAddress, relative), new AccessToken("00D000000000001!token", new Uri(instance), DateTimeOffset.UnixEpoch)).ToString());

    public void Dispose() => _http.Dispose();

    private static HttpRequestMessage Get(string relative) => new(HttpMethod.Get, new Uri(BearerTokenHandler.InstanceBaseAddress, relative));

    private HttpMessageInvoker CreateSut(out AccessTokenCache cache)
    {
        cache = new AccessTokenCache(_credential, _time, TimeSpan.FromHours(2), TimeSpan.FromMinutes(5), NullLogger.Instance);
        return new HttpMessageInvoker(new BearerTokenHandler(cache, NullLogger.Instance, _http), disposeHandler: false);
    }
}
