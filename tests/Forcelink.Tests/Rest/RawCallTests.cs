using System.Net;
using System.Text.Json.Nodes;
using Forcelink.Models;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.Rest;

/// <summary>Raw and Apex REST calls: paths, bodies, and the pipeline's retries, token and usage tracking applied to them.</summary>
public sealed class RawCallTests : IDisposable
{
    private const string Data = "/services/data/v62.0/";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly StubHttpHandler _http = new();

    [Theory]
    [InlineData("limits", true, "limits")]
    [InlineData("/services/data/v61.0/sobjects", false, "services/data/v61.0/sobjects")]
    [InlineData("services/data/v61.0/sobjects", false, "services/data/v61.0/sobjects")]
    [InlineData("/services/data", false, "services/data")]
    [InlineData("/services/apexrest/LeadIntake/42?x=1", false, "services/apexrest/LeadIntake/42?x=1")]
    public void RestRequest_Path_IsVersionRelativeOrFromServices(string path, bool relative, string kept)
    {
        var request = new RestRequest(HttpMethod.Get, path);

        Assert.Equal(relative, request.IsVersionRelative);
        Assert.Equal(kept, request.Path);
    }

    [Theory]
    [InlineData("https://evil.example.com/services/data/v62.0/limits", "full URL")]
    [InlineData("//evil.example.com/x", "full URL")]
    [InlineData("/services/oauth2/token", "outside the REST API")]
    [InlineData("/services/Soap/u/62.0", "outside the REST API")]
    [InlineData("sobjects/../../oauth2/token", "'..' segment")]
    public void RestRequest_PathOutsideTheApi_IsRefused(string path, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => new RestRequest(HttpMethod.Get, path));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RestRequestApex_Path_IsBelowApexRest()
    {
        Assert.Equal("services/apexrest/LeadIntake/42", RestRequest.Apex(HttpMethod.Post, "/LeadIntake/42").Path);
    }

    [Fact]
    public async Task SendJsonAsync_RelativePath_UsesTheClientsVersionAndParsesJson()
    {
        _http.On(HttpMethod.Get, Data + "limits", _ => StubHttpHandler.Json(HttpStatusCode.OK, """{"DailyApiRequests":{"Max":5,"Remaining":4}}"""));
        using var sut = CreateSut();

        var body = await sut.SendJsonAsync(HttpMethod.Get, "limits");

        Assert.Equal(4, (int?)body!["DailyApiRequests"]!["Remaining"]);
        Assert.StartsWith("Bearer 00D000000000001!token-0001", _http.Requests[0].Authorization, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendApexAsync_PostWithBody_SendsJsonAndReturnsAnswer()
    {
        _http.On(HttpMethod.Post, "/services/apexrest/LeadIntake", _ => StubHttpHandler.Json(HttpStatusCode.OK, """{"leadId":"00Q000000000001AAA"}"""));
        using var sut = CreateSut();

        var answer = await sut.SendApexAsync(HttpMethod.Post, "LeadIntake", new JsonObject { ["email"] = "doe@example.com" });

        Assert.Equal("00Q000000000001AAA", (string?)answer!["leadId"]);
        Assert.Equal("""{"email":"doe@example.com"}""", _http.Requests[0].Body);
    }

    [Fact]
    public async Task SendApexAsync_Post503_IsNotRetried()
    {
        _http.On(HttpMethod.Post, "/services/apexrest/LeadIntake", _ => StubHttpHandler.Json(HttpStatusCode.ServiceUnavailable, """[{"errorCode":"SERVER_UNAVAILABLE","message":"down"}]"""));
        using var sut = CreateSut();

        var error = await Assert.ThrowsAsync<SalesforceException>(() => sut.SendApexAsync(HttpMethod.Post, "LeadIntake", new JsonObject()));

        Assert.Equal(503, error.StatusCode);
        Assert.Single(_http.Requests);
        Assert.Equal(0, sut.RetryCount);
    }

    [Fact]
    public async Task SendApexAsync_Get503ThenOk_IsRetried()
    {
        _http.OnSequence(HttpMethod.Get, "/services/apexrest/Health",
            _ => StubHttpHandler.Json(HttpStatusCode.ServiceUnavailable, """[{"errorCode":"SERVER_UNAVAILABLE","message":"down"}]"""),
            _ => StubHttpHandler.Json(HttpStatusCode.OK, """{"ok":true}"""));
        using var sut = CreateSut();

        var answer = await sut.SendApexAsync(HttpMethod.Get, "Health");

        Assert.True((bool?)answer!["ok"]);
        Assert.Equal(1, sut.RetryCount);
    }

    [Fact]
    public async Task SendAsync_PostMarkedIdempotent_IsRetried()
    {
        _http.OnSequence(HttpMethod.Post, "/services/apexrest/Quote",
            _ => new HttpResponseMessage(HttpStatusCode.BadGateway),
            _ => StubHttpHandler.Json(HttpStatusCode.OK, """{"price":10}"""));
        using var sut = CreateSut();

        using var result = await sut.SendAsync(new RestRequest(HttpMethod.Post, "/services/apexrest/Quote") { Json = new JsonObject(), Idempotent = true });

        Assert.Equal(10, (int?)(await result.ReadJsonAsync())!["price"]);
        Assert.Equal(2, _http.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_UnseekableStreamMarkedIdempotent_IsNotRetried()
    {
        _http.On(HttpMethod.Put, "/services/apexrest/Blob", _ => new HttpResponseMessage(HttpStatusCode.BadGateway));
        using var sut = CreateSut();
        await using var body = new UnseekableStream(new byte[] { 1, 2, 3 });

        var error = await Assert.ThrowsAsync<SalesforceException>(() =>
            sut.SendAsync(new RestRequest(HttpMethod.Put, "/services/apexrest/Blob") { Content = body, Idempotent = true }));

        Assert.Equal(502, error.StatusCode);
        Assert.Single(_http.Requests);
    }

    [Fact]
    public async Task SendAsync_404_ThrowsWithSalesforcesErrorCode()
    {
        _http.On(HttpMethod.Get, "/services/apexrest/Nope", _ => StubHttpHandler.Json(HttpStatusCode.NotFound, """[{"errorCode":"NOT_FOUND","message":"Could not find a match for URL"}]"""));
        using var sut = CreateSut();

        var error = await Assert.ThrowsAsync<SalesforceException>(() => sut.SendAsync(RestRequest.Apex(HttpMethod.Get, "Nope")));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("NOT_FOUND", error.ErrorCode);
        Assert.Contains("Could not find a match for URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_SessionExpired_LogsInAgainAndResendsTheBody()
    {
        _http.OnSequence(HttpMethod.Post, "/services/apexrest/LeadIntake",
            _ => StubHttpHandler.Json(HttpStatusCode.Unauthorized, """[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"""),
            _ => StubHttpHandler.Json(HttpStatusCode.OK, """{"ok":true}"""));
        using var sut = CreateSut();

        var answer = await sut.SendApexAsync(HttpMethod.Post, "LeadIntake", new JsonObject { ["n"] = 1 });

        Assert.True((bool?)answer!["ok"]);
        Assert.Equal(2, sut.LoginCount);
        Assert.Equal("""{"n":1}""", _http.Requests[1].Body);
    }

    [Fact]
    public async Task SendAsync_LimitHeader_IsTrackedAndGuardRefusesPastTheShare()
    {
        _http.On(HttpMethod.Get, "/services/apexrest/Health", _ =>
        {
            var response = StubHttpHandler.Json(HttpStatusCode.OK, "{}");
            response.Headers.TryAddWithoutValidation("Sforce-Limit-Info", "api-usage=95/100");
            return response;
        });
        using var sut = CreateSut(o => o.MaxApiUsageShare = 0.9);

        await sut.SendApexAsync(HttpMethod.Get, "Health");
        var error = await Assert.ThrowsAsync<SalesforceException>(() => sut.SendApexAsync(HttpMethod.Get, "Health"));

        Assert.Equal(new ApiUsage(95, 100), sut.ApiUsage);
        Assert.Equal("API_USAGE_GUARD", error.ErrorCode);
        Assert.Single(_http.Requests);
    }

    [Fact]
    public async Task SendAsync_HeadersAndStream_AreSentAndTheAnswerStreams()
    {
        _http.On(HttpMethod.Put, "/services/apexrest/Blob", request =>
        {
            Assert.Equal("FALSE", request.Headers.GetValues("Sforce-Auto-Assign").Single());
            Assert.Equal("text/csv", request.Content!.Headers.ContentType!.MediaType);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("a,b\n1,2\n") };
        });
        using var sut = CreateSut();
        await using var body = new MemoryStream("x,y\n"u8.ToArray());
        var request = new RestRequest(HttpMethod.Put, "/services/apexrest/Blob") { Content = body, ContentType = "text/csv" };
        request.Headers["Sforce-Auto-Assign"] = "FALSE";

        using var result = await sut.SendAsync(request);

        Assert.Equal(200, result.StatusCode);
        Assert.Equal("a,b\n1,2\n", await result.ReadTextAsync());
        Assert.Equal("x,y\n", _http.Requests[0].Body);
        Assert.True(body.CanRead, "the caller's stream was disposed with the request");
    }

    [Fact]
    public async Task SendAsync_AuthorizationHeader_IsRefusedBeforeSending()
    {
        using var sut = CreateSut();
        var request = new RestRequest(HttpMethod.Get, "limits");
        request.Headers["Authorization"] = "Bearer x";

        await Assert.ThrowsAsync<ArgumentException>(() => sut.SendAsync(request));
        Assert.Empty(_http.Requests);
    }

    [Fact]
    public async Task SendJsonAsync_NoContent_ReturnsNull()
    {
        _http.On(HttpMethod.Delete, "/services/apexrest/Lead/1", _ => new HttpResponseMessage(HttpStatusCode.NoContent));
        using var sut = CreateSut();

        Assert.Null(await sut.SendJsonAsync(HttpMethod.Delete, "/services/apexrest/Lead/1"));
    }

    [Fact]
    public async Task ReadJsonAsync_NotJson_ThrowsAndNamesTheContentType()
    {
        _http.On(HttpMethod.Get, "/services/apexrest/Text", _ => StubHttpHandler.Json(HttpStatusCode.OK, "hello", "text/plain"));
        using var sut = CreateSut();

        var error = await Assert.ThrowsAsync<SalesforceException>(() => sut.SendApexAsync(HttpMethod.Get, "Text"));

        Assert.Contains("text/plain", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _http.Dispose();

    private SalesforceClient CreateSut(Action<SalesforceClientOptions>? configure = null)
    {
        var options = new SalesforceClientOptions { ApiVersion = "62.0", TimeProvider = _time, Transport = _http, RetryDelay = TimeSpan.Zero };
        configure?.Invoke(options);
        return new SalesforceClient(new FakeCredential(_time), options);
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
