using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Forcelink.Authentication;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Forcelink.Tests.Authentication;

/// <summary>Transient failures at the token endpoint: tried again on the injected clock, refusals never.</summary>
public sealed class JwtBearerCredentialRetryTests : IDisposable
{
    private const string TokenPath = "/services/oauth2/token";
    private const string AccessTokenValue = "00Dxx0000001gPL!AR8AQJXg5oj8jXSgxJfA0lBog.39AsX.LVpxezPwuX5VAIrrbbHMuol7GQxnM";
    private const string SuccessBody = $$"""
        {"access_token":"{{AccessTokenValue}}","scope":"api","instance_url":"https://acme.my.salesforce.com",
         "id":"https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS","token_type":"Bearer","issued_at":"1764158400000"}
        """;

    private const string ServerUnavailable = """[{"errorCode":"SERVER_UNAVAILABLE","message":"Server temporarily unavailable."}]""";

    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly StubHttpHandler _http = new();
    private readonly RsaSigningKey _key = TestKeys.PrimarySigningKey();
    private readonly List<DateTimeOffset> _requestTimes = [];
    private readonly RetryLog _log = new();

    [Fact]
    public async Task GetTokenAsync_ServiceUnavailableThenSuccess_LogsInWithAFreshAssertion()
    {
        AnswerInTurn(_ => Json(HttpStatusCode.ServiceUnavailable, ServerUnavailable), _ => Json(HttpStatusCode.OK, SuccessBody));

        var token = await PumpAsync(CreateSut().GetTokenAsync().AsTask());

        Assert.Equal(AccessTokenValue, token.Value);
        Assert.Equal(2, _http.Requests.Count);
        var expiries = _http.Requests.Select(r => new JsonWebToken(Form(r)["assertion"]).GetPayloadValue<long>("exp")).ToArray();
        Assert.Equal(_requestTimes.Select(t => t.AddMinutes(3).ToUnixTimeSeconds()), expiries);
    }

    [Theory]
    [InlineData("refused")]
    [InlineData("dropped")]
    [InlineData("io")]
    public async Task GetTokenAsync_LostConnectionThenSuccess_LogsIn(string failure)
    {
        AnswerInTurn(
            _ => throw (failure switch
            {
                "refused" => new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (login.salesforce.com:443)"),
                "dropped" => new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."),
                _ => (Exception)new IOException("Unable to read data from the transport connection: Connection reset by peer."),
            }),
            _ => Json(HttpStatusCode.OK, SuccessBody));

        var token = await PumpAsync(CreateSut().GetTokenAsync().AsTask());

        Assert.Equal(AccessTokenValue, token.Value);
        Assert.Equal(2, _http.Requests.Count);
    }

    [Fact]
    public async Task GetTokenAsync_NoAnswerWithinTenSeconds_TriesAgain()
    {
        var calls = 0;
        _http.OnAsync(HttpMethod.Post, TokenPath, async (_, cancellationToken) =>
        {
            _requestTimes.Add(_time.GetUtcNow());
            if (Interlocked.Increment(ref calls) > 1)
            {
                return Json(HttpStatusCode.OK, SuccessBody);
            }

            var never = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var registration = cancellationToken.Register(() => never.TrySetCanceled(cancellationToken));
            return await never.Task;
        });

        var login = CreateSut().GetTokenAsync().AsTask();
        _time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Single(_http.Requests);
        Assert.False(login.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        var token = await PumpAsync(login);

        Assert.Equal(AccessTokenValue, token.Value);
        Assert.Equal(2, _http.Requests.Count);
        Assert.Equal(TimeSpan.FromSeconds(10) + _log.Delays[0], _requestTimes[1] - _requestTimes[0]);
        Assert.Contains("no answer in time", Assert.Single(_log.Messages, m => m.Contains("trying again", StringComparison.Ordinal)), StringComparison.Ordinal);
        var expiries = _http.Requests.Select(r => new JsonWebToken(Form(r)["assertion"]).GetPayloadValue<long>("exp")).ToArray();
        Assert.True(expiries[1] >= expiries[0] + 10, "the second attempt signs a new assertion with its own exp");
    }

    [Theory]
    [InlineData(503, "SERVER_UNAVAILABLE", "Server temporarily unavailable")]
    [InlineData(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if you contact support: 1234-5678")]
    public async Task GetTokenAsync_SalesforceJsonEveryTime_NamesTheErrorAndTheAttempts(int status, string errorCode, string message)
    {
        var body = JsonSerializer.Serialize(new[] { new Dictionary<string, string> { ["errorCode"] = errorCode, ["message"] = message } });
        AnswerInTurn(_ => Json((HttpStatusCode)status, body));

        var exception = await Assert.ThrowsAsync<SalesforceException>(() => PumpAsync(CreateSut().GetTokenAsync().AsTask()));

        Assert.Equal(4, _http.Requests.Count);
        Assert.Equal(status, exception.StatusCode);
        Assert.Equal(errorCode, exception.ErrorCode);
        Assert.Equal(message, exception.Description);
        Assert.False(exception.IsLoginFailure);
        Assert.Contains($"Salesforce's token endpoint https://login.salesforce.com/services/oauth2/token answered {status} {errorCode}: {message.TrimEnd('.')} after 4 attempts", exception.Message, StringComparison.Ordinal);
        Assert.Contains("transient problem on Salesforce's side, not a setup error: the login was tried 4 times", exception.Message, StringComparison.Ordinal);
        AssertNoSecrets(exception.Message);
    }

    [Fact]
    public async Task GetTokenAsync_OAuthErrorWith503EveryTime_IsDescribedAsTransient()
    {
        AnswerInTurn(_ => Json(HttpStatusCode.ServiceUnavailable, """{"error":"temporarily_unavailable","error_description":"Service is down for maintenance"}"""));

        var exception = await Assert.ThrowsAsync<SalesforceException>(() => PumpAsync(CreateSut().GetTokenAsync().AsTask()));

        Assert.Equal("temporarily_unavailable", exception.ErrorCode);
        Assert.Contains("answered 503 temporarily_unavailable: Service is down for maintenance after 4 attempts", exception.Message, StringComparison.Ordinal);
        Assert.False(exception.IsLoginFailure);
    }

    [Fact]
    public async Task GetTokenAsync_HtmlPageEveryTime_IsDescribedAsAPage()
    {
        AnswerInTurn(_ => Json(HttpStatusCode.ServiceUnavailable,
            "<html><head><title>Data Not Available</title></head><body>The data you were trying to access could not be found.</body></html>", "text/html"));

        var exception = await Assert.ThrowsAsync<SalesforceException>(() => PumpAsync(CreateSut().GetTokenAsync().AsTask()));

        Assert.Equal(4, _http.Requests.Count);
        Assert.Equal("ERROR_HTTP_503", exception.ErrorCode);
        Assert.Contains("answered HTTP 503 with an HTML page that is not Salesforce's JSON ('Data Not Available'), after 4 attempts", exception.Message, StringComparison.Ordinal);
        Assert.Contains("the login was tried 4 times", exception.Message, StringComparison.Ordinal);
        Assert.False(exception.IsLoginFailure);
    }

    [Theory]
    [InlineData(400, "invalid_grant", "user hasn't approved this consumer")]
    [InlineData(400, "invalid_grant", "login rate exceeded")]
    [InlineData(400, "invalid_client_id", "client identifier invalid")]
    [InlineData(401, "invalid_client", "invalid client credentials")]
    [InlineData(403, "invalid_app_access", "user is not admin approved to access this app")]
    public async Task GetTokenAsync_Refusal_IsSentExactlyOnce(int status, string error, string description)
    {
        AnswerInTurn(_ => Json((HttpStatusCode)status, JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description })));

        var exception = await Assert.ThrowsAsync<SalesforceException>(() => PumpAsync(CreateSut().GetTokenAsync().AsTask()));

        Assert.Single(_http.Requests);
        Assert.Equal(error, exception.ErrorCode);
        Assert.True(exception.IsLoginFailure);
        Assert.DoesNotContain("attempt", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTokenAsync_NameDoesNotResolve_IsNotRetried()
    {
        AnswerInTurn(_ => throw new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (logn.salesforce.com:443)"));

        var exception = await Assert.ThrowsAsync<SalesforceException>(() => PumpAsync(CreateSut().GetTokenAsync().AsTask()));

        Assert.Single(_http.Requests);
        Assert.True(exception.IsLoginFailure);
        Assert.Contains("Check the login URL", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTokenAsync_Backoff_WaitsOnTheTimeProviderWithinBounds()
    {
        AnswerInTurn(_ => Json(HttpStatusCode.ServiceUnavailable, ServerUnavailable));

        var login = CreateSut().GetTokenAsync().AsTask();
        await WaitUntilAsync(() => _log.Delays.Count == 1);
        _time.Advance(_log.Delays[0] - TimeSpan.FromMilliseconds(1));
        Assert.Single(_http.Requests);
        Assert.False(login.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitUntilAsync(() => _http.Requests.Count == 2);
        var exception = await Assert.ThrowsAsync<SalesforceException>(() => PumpAsync(login, alreadyAdvanced: 1));

        Assert.Equal(4, _requestTimes.Count);
        TimeSpan[] ceilings = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];
        Assert.Equal(ceilings.Length, _log.Delays.Count);
        for (var i = 0; i < ceilings.Length; i++)
        {
            Assert.InRange(_log.Delays[i], ceilings[i] / 2, ceilings[i]);
            Assert.Equal(_log.Delays[i], _requestTimes[i + 1] - _requestTimes[i]);
        }

        Assert.Contains("after 4 attempts over", exception.Message, StringComparison.Ordinal);
        Assert.Contains(_log.Messages, m => m.Contains("on each of 4 attempts; giving up", StringComparison.Ordinal));
        Assert.All(_log.Messages, m => AssertNoSecrets(m));
    }

    [Fact]
    public async Task GetTokenAsync_MaxLoginRetryDuration_BoundsTheTotalTime()
    {
        AnswerInTurn(_ => Json(HttpStatusCode.BadGateway, "<html><title>502 Bad Gateway</title></html>", "text/html"));

        var exception = await Assert.ThrowsAsync<SalesforceException>(() =>
            PumpAsync(CreateSut(o => (o.MaxLoginRetries, o.MaxLoginRetryDuration) = (10, TimeSpan.FromSeconds(5))).GetTokenAsync().AsTask()));

        Assert.InRange(_requestTimes.Count, 3, 4);
        Assert.True(_requestTimes[^1] - _requestTimes[0] <= TimeSpan.FromSeconds(5), $"the last attempt started {_requestTimes[^1] - _requestTimes[0]} after the first");
        Assert.Contains($"after {_requestTimes.Count} attempts", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTokenAsync_RetriesOff_OneAttempt()
    {
        AnswerInTurn(_ => Json(HttpStatusCode.GatewayTimeout, "<html><title>504 Gateway Time-out</title></html>", "text/html"));

        var exception = await Assert.ThrowsAsync<SalesforceException>(() => PumpAsync(CreateSut(o => o.MaxLoginRetries = 0).GetTokenAsync().AsTask()));

        Assert.Single(_http.Requests);
        Assert.Contains("after 1 attempt over 0 s", exception.Message, StringComparison.Ordinal);
        Assert.Contains("the login was tried once", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTokenAsync_CancelledDuringBackoff_StopsAtOnce()
    {
        AnswerInTurn(_ => Json(HttpStatusCode.ServiceUnavailable, ServerUnavailable), _ => Json(HttpStatusCode.OK, SuccessBody));
        using var cancellation = new CancellationTokenSource();

        var login = CreateSut().GetTokenAsync(cancellation.Token).AsTask();
        await WaitUntilAsync(() => _http.Requests.Count == 1);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => login.WaitAsync(TestTimeout));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(_http.Requests);
    }

    [Fact]
    public async Task ClientGetTokenAsync_TwentyCallersWhileTheFirstExchangeAnswers503_OneLoginOfTwoRequests()
    {
        AnswerInTurn(_ => Json(HttpStatusCode.ServiceUnavailable, ServerUnavailable), _ => Json(HttpStatusCode.OK, SuccessBody));
        using var client = new SalesforceClient(CreateSut(), new SalesforceClientOptions { TimeProvider = _time });

        var callers = Enumerable.Range(0, 20).Select(_ => Task.Run(() => client.GetTokenAsync())).ToArray();
        await WaitUntilAsync(() => _http.Requests.Count == 1);
        var tokens = await PumpAsync(Task.WhenAll(callers));

        Assert.Equal(2, _http.Requests.Count);
        Assert.Equal(1, client.LoginCount);
        Assert.All(tokens, t => Assert.Same(tokens[0], t));
    }

    [Theory]
    [InlineData(-1, 20)]
    [InlineData(11, 20)]
    [InlineData(3, -1)]
    [InlineData(3, 121)]
    public void Options_RetrySettingsOutOfRange_AreReported(int maxRetries, int maxSeconds)
    {
        var options = new JwtBearerCredentialOptions
        {
            ConsumerKey = "key",
            Username = "u@example.com",
            MaxLoginRetries = maxRetries,
            MaxLoginRetryDuration = TimeSpan.FromSeconds(maxSeconds),
        };

        var error = Assert.Single(options.Validate());

        Assert.Contains(maxRetries != 3 ? "MaxLoginRetries" : "MaxLoginRetryDuration", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _http.Dispose();
        _key.Dispose();
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body, string contentType = "application/json;charset=UTF-8") =>
        StubHttpHandler.Json(status, body, contentType);

    private static System.Collections.Specialized.NameValueCollection Form(RecordedRequest request) =>
        System.Web.HttpUtility.ParseQueryString(request.Body!);

    private static void AssertNoSecrets(string message)
    {
        Assert.DoesNotContain("eyJ", message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", message, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        while (!condition())
        {
            await Task.Yield();
            timeout.Token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Answers the token requests in turn (the last answer repeats), noting the fake time of each.</summary>
    private void AnswerInTurn(params Func<HttpRequestMessage, HttpResponseMessage>[] replies)
    {
        var index = 0;
        _http.On(HttpMethod.Post, TokenPath, request =>
        {
            lock (_requestTimes)
            {
                _requestTimes.Add(_time.GetUtcNow());
            }

            return replies[Math.Min(Interlocked.Increment(ref index) - 1, replies.Length - 1)](request);
        });
    }

    /// <summary>Each time the credential says it will try again, moves fake time on by exactly its delay; nothing waits in real time.</summary>
    private async Task<T> PumpAsync<T>(Task<T> work, int alreadyAdvanced = 0)
    {
        var advanced = alreadyAdvanced;
        while (true)
        {
            await WaitUntilAsync(() => work.IsCompleted || _log.Delays.Count > advanced);
            if (work.IsCompleted)
            {
                return await work;
            }

            _time.Advance(_log.Delays[advanced++]);
        }
    }

    private JwtBearerCredential CreateSut(Action<JwtBearerCredentialOptions>? configure = null)
    {
        var options = new JwtBearerCredentialOptions { ConsumerKey = "3MVG99OxTyEMCQ3gNp2PjkqeZKxnmAiG1xV4oHh9AKL_rSK", Username = "integration@example.com" };
        configure?.Invoke(options);
        return new JwtBearerCredential(options, _key, new HttpClient(_http), _time, _log);
    }

    /// <summary>Keeps every message and the backoff delay of each retry announcement.</summary>
    private sealed class RetryLog : ILogger<JwtBearerCredential>
    {
        private readonly ConcurrentQueue<string> _messages = new();
        private readonly ConcurrentQueue<TimeSpan> _delays = new();

        public IReadOnlyList<string> Messages => [.. _messages];

        public IReadOnlyList<TimeSpan> Delays => [.. _delays];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The delay comes before the message, so a waiter that sees the message also sees the delay.
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values && values.FirstOrDefault(v => v.Key == "DelayMs").Value is double milliseconds)
            {
                _delays.Enqueue(TimeSpan.FromMilliseconds(Math.Ceiling(milliseconds)));
            }

            _messages.Enqueue(formatter(state, exception));
        }
    }
}
