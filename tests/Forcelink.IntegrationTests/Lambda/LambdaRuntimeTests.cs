using System.Text;
using System.Text.Json;
using Forcelink.IntegrationTests.Library;
using Forcelink.Lambda;
using Forcelink.Lambda.Configuration;
using Forcelink.Lambda.Observability;
using Forcelink.Lambda.Runtime;
using Forcelink.Operations;
using Forcelink.Tests.Lambda;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Forcelink.Aws.Metrics;
using Forcelink.Aws.Fleet;

namespace Forcelink.IntegrationTests.Lambda;

/// <summary>The runtime loop against <see cref="FakeRuntimeApi"/> on loopback; the collection keeps _X_AMZN_TRACE_ID to one test at a time.</summary>
[Collection(LambdaProcessState.Name)]
public sealed class LambdaRuntimeTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly StringWriter _output = new();
    private readonly HttpClient _http = RuntimeApiClient.CreateHttpClient();
    private FakeRuntimeApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeRuntimeApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    public void Dispose()
    {
        _http.Dispose();
        _output.Dispose();
    }

    private LambdaRuntime CreateSut(bool runOnce = false, FakeRuntimeApi? api = null)
    {
        var invocation = new CurrentInvocation();
        var output = TextWriter.Synchronized(_output);
        var writer = new LogLineWriter(output, LogOptions.Default, _time, invocation);
        var loggerFactory = new LambdaLoggerFactory(new LambdaLoggerProvider(writer));
        return new LambdaRuntime(
            new RuntimeApiClient(_http, (api ?? _api).Authority, _time),
            _time,
            loggerFactory.CreateLogger<LambdaRuntime>(),
            invocation,
            new EmbeddedMetrics(output, _time, () => invocation.RequestId),
            runOnce);
    }

    private static Func<CancellationToken, Task<InvocationHandler>> Ready(InvocationHandler handler) => _ => Task.FromResult(handler);

    private static InvocationHandler Echo => (eventJson, _, _) => Task.FromResult(eventJson);

    [Fact]
    public async Task RunAsync_Event_PostsHandlerResponseAndLogsWithRequestId()
    {
        var requestId = _api.Enqueue("{\"hello\":\"world\"}", Start);

        var exitCode = await CreateSut(runOnce: true).RunAsync(Ready(Echo)).WaitAsync(Timeout);

        Assert.Equal(LambdaRuntime.ExitSuccess, exitCode);
        var post = await _api.NextPostAsync();
        Assert.Equal(new RecordedPost(PostKind.Response, requestId, "{\"hello\":\"world\"}", "application/json", null), post);
        var emf = _output.ToString().Split('\n').Single(l => l.StartsWith("{\"_aws\"", StringComparison.Ordinal) && l.Contains("Invocations", StringComparison.Ordinal));
        Assert.Contains($"\"requestId\":\"{requestId}\"", emf, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, 65_536)]
    [InlineData(false, 65_536)]
    [InlineData(true, 3 * 1024 * 1024 + 17)]
    [InlineData(false, 3 * 1024 * 1024 + 17)]
    [InlineData(false, 2)]
    public async Task RunAsync_LargeEventWithOrWithoutLength_HandlerSeesEveryByte(bool announceLength, int size)
    {
        _api.SendContentLength = announceLength;
        // A JSON string whose letters cycle, so a chunk out of place or lost shows in the echo.
        var json = "\"" + string.Create(size - 2, 0, (letters, _) =>
        {
            for (var i = 0; i < letters.Length; i++)
            {
                letters[i] = (char)('a' + (i % 26));
            }
        }) + "\"";
        var requestId = _api.Enqueue(json, Start);

        var exitCode = await CreateSut(runOnce: true).RunAsync(Ready(Echo)).WaitAsync(Timeout);

        Assert.Equal(LambdaRuntime.ExitSuccess, exitCode);
        var post = await _api.NextPostAsync();
        Assert.Equal(requestId, post.RequestId);
        Assert.Equal(json, post.Body);
    }

    [Fact]
    public async Task RunAsync_EventCutShort_ExitsAsARuntimeApiFailureWithoutCallingHandler()
    {
        _api.CutEventsShort = true;
        _api.Enqueue("{\"hello\":\"world\"}", Start);
        var called = false;

        var exitCode = await CreateSut().RunAsync(Ready((eventJson, _, _) =>
        {
            called = true;
            return Task.FromResult(eventJson);
        })).WaitAsync(Timeout);

        Assert.Equal(LambdaRuntime.ExitRuntimeApiFailed, exitCode);
        Assert.False(called);
        Assert.Contains("connection broke while sending event", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SeveralEvents_AnswersEachInOrderUntilCancelled()
    {
        using var stop = new CancellationTokenSource();
        var first = _api.Enqueue("1", Start);
        var second = _api.Enqueue("2", Start);
        var run = CreateSut().RunAsync(Ready(Echo), stop.Token);

        var posts = new[] { await _api.NextPostAsync(), await _api.NextPostAsync() };
        await stop.CancelAsync();

        Assert.Equal(LambdaRuntime.ExitSuccess, await run.WaitAsync(Timeout));
        Assert.Equal([(first, "1"), (second, "2")], posts.Select(p => (p.RequestId, p.Body)));
    }

    [Fact]
    public async Task RunAsync_HandlerThrows_ReportsInvocationErrorAndContinues()
    {
        using var stop = new CancellationTokenSource();
        var failing = _api.Enqueue("{\"fail\":true}", Start);
        var next = _api.Enqueue("{\"fail\":false}", Start);
        InvocationHandler handler = (eventJson, _, _) => Encoding.UTF8.GetString(eventJson.Span).Contains("true", StringComparison.Ordinal)
            ? throw new InvalidOperationException("Salesforce said no to 00D5e000000AbCd!AQ8secret")
            : Task.FromResult(eventJson);
        var run = CreateSut().RunAsync(Ready(handler), stop.Token);

        var error = await _api.NextPostAsync();
        var response = await _api.NextPostAsync();
        await stop.CancelAsync();
        await run.WaitAsync(Timeout);

        Assert.Equal((PostKind.InvocationError, failing, "InvalidOperationException", "application/vnd.aws.lambda.error+json"), (error.Kind, error.RequestId, error.ErrorType, error.ContentType));
        using var body = JsonDocument.Parse(error.Body);
        Assert.Equal("Salesforce said no to 00D5e000000AbCd!***", body.RootElement.GetProperty("errorMessage").GetString());
        Assert.Equal("InvalidOperationException", body.RootElement.GetProperty("errorType").GetString());
        Assert.Equal(JsonValueKind.Array, body.RootElement.GetProperty("stackTrace").ValueKind);
        Assert.Equal((PostKind.Response, next), (response.Kind, response.RequestId));
        Assert.Contains("\"level\":\"ERROR\",\"message\":\"The invocation failed with InvalidOperationException", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InitializationFails_ReportsInitErrorWithFixAndExits()
    {
        var exitCode = await CreateSut().RunAsync(_ => Task.FromResult<InvocationHandler>(
            ((Func<InvocationHandler>)(() =>
            {
                FunctionOptions.FromEnvironment(_ => null);
                return Echo;
            }))())).WaitAsync(Timeout);

        Assert.Equal(LambdaRuntime.ExitInitFailed, exitCode);
        var post = await _api.NextPostAsync();
        Assert.Equal((PostKind.InitError, "FunctionConfigurationException", "application/vnd.aws.lambda.error+json"), (post.Kind, post.ErrorType, post.ContentType));
        using var body = JsonDocument.Parse(post.Body);
        var message = body.RootElement.GetProperty("errorMessage").GetString();
        Assert.StartsWith("The Forcelink function is misconfigured (3 problems): 1. FORCELINK_CONSUMER_KEY is not set", message, StringComparison.Ordinal);
        Assert.Contains("FORCELINK_PRIVATE_KEY_SECRET_ID", message, StringComparison.Ordinal);
        Assert.Equal(0, _api.NextCalls);
        Assert.Contains("\"level\":\"FATAL\",\"message\":\"Initialization failed", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Event_HandlerSeesDeadlineArnAndTraceId()
    {
        var requestId = _api.Enqueue("{}", Start, timeout: TimeSpan.FromSeconds(3), traceId: "Root=1-abc;Sampled=1");
        InvocationContext? seen = null;
        string? traceVariable = null;
        InvocationHandler handler = (eventJson, context, _) =>
        {
            seen = context;
            traceVariable = Environment.GetEnvironmentVariable(LambdaRuntime.TraceIdVariable);
            return Task.FromResult(eventJson);
        };

        await CreateSut(runOnce: true).RunAsync(Ready(handler)).WaitAsync(Timeout);

        Assert.NotNull(seen);
        Assert.Equal(requestId, seen.RequestId);
        Assert.Equal(Start.AddSeconds(3), seen.Deadline);
        Assert.Equal(TimeSpan.FromSeconds(3), seen.RemainingTime);
        Assert.Equal(FakeRuntimeApi.DefaultFunctionArn, seen.InvokedFunctionArn);
        Assert.Equal("Root=1-abc;Sampled=1", seen.TraceId);
        Assert.Equal("Root=1-abc;Sampled=1", traceVariable);
    }

    [Fact]
    public async Task RunAsync_DeadlineNear_CancelsHandlerTokenAndReportsError()
    {
        var requestId = _api.Enqueue("{}", Start, timeout: TimeSpan.FromSeconds(3));
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        InvocationHandler handler = async (_, _, cancellationToken) =>
        {
            started.SetResult();
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, _time, cancellationToken);
            return ReadOnlyMemory<byte>.Empty;
        };
        var run = CreateSut(runOnce: true).RunAsync(Ready(handler));

        await started.Task.WaitAsync(Timeout);
        _time.Advance(TimeSpan.FromSeconds(3) - LambdaRuntime.DeadlineMargin);

        Assert.Equal(LambdaRuntime.ExitSuccess, await run.WaitAsync(Timeout));
        var post = await _api.NextPostAsync();
        Assert.Equal((PostKind.InvocationError, requestId, "TaskCanceledException"), (post.Kind, post.RequestId, post.ErrorType));
    }

    [Fact]
    public async Task RunAsync_NextAnswers500_ExitsWithoutCallingHandler()
    {
        _api.FailNextCalls();
        var called = false;

        var exitCode = await CreateSut().RunAsync(Ready((e, _, _) =>
        {
            called = true;
            return Task.FromResult(e);
        })).WaitAsync(Timeout);

        Assert.Equal(LambdaRuntime.ExitRuntimeApiFailed, exitCode);
        Assert.False(called);
        Assert.Contains("GET /runtime/invocation/next returned 500", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ResponseAnswers500_Exits()
    {
        _api.Enqueue("{}", Start);
        _api.Enqueue("{}", Start);
        _api.FailResponses();

        var exitCode = await CreateSut().RunAsync(Ready(Echo)).WaitAsync(Timeout);

        Assert.Equal(LambdaRuntime.ExitRuntimeApiFailed, exitCode);
        Assert.Equal(1, _api.NextCalls);
    }

    [Fact]
    public async Task RunAsync_ResponseTooLarge_ReportsItAsInvocationErrorAndContinues()
    {
        var requestId = _api.Enqueue("{}", Start);
        _api.FailResponses(statusCode: 413);

        var exitCode = await CreateSut(runOnce: true).RunAsync(Ready(Echo)).WaitAsync(Timeout);

        Assert.Equal(LambdaRuntime.ExitSuccess, exitCode);
        var refused = await _api.NextPostAsync();
        var error = await _api.NextPostAsync();
        Assert.Equal((PostKind.Response, requestId), (refused.Kind, refused.RequestId));
        Assert.Equal((PostKind.InvocationError, requestId, "Function.ResponseSizeTooLarge"), (error.Kind, error.RequestId, error.ErrorType));
    }

    [Fact]
    public async Task RunAsync_ResponseRefusedWith400_ServesTheNextEvent()
    {
        using var stop = new CancellationTokenSource();
        var refused = _api.Enqueue("1", Start);
        var next = _api.Enqueue("2", Start);
        _api.FailResponses(statusCode: 400);
        var run = CreateSut().RunAsync(Ready(Echo), stop.Token);

        var posts = new[] { await _api.NextPostAsync(), await _api.NextPostAsync() };
        await stop.CancelAsync();

        Assert.Equal(LambdaRuntime.ExitSuccess, await run.WaitAsync(Timeout));
        Assert.Equal([refused, next], posts.Select(p => p.RequestId));
        Assert.Contains("The Runtime API refused the answer to this invocation", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RuntimeApiWithPath_UsesIt()
    {
        await using var api = await FakeRuntimeApi.StartAsync("/function/forcelink");
        var requestId = api.Enqueue("{\"a\":1}", Start);

        var exitCode = await CreateSut(runOnce: true, api).RunAsync(Ready(Echo)).WaitAsync(Timeout);

        Assert.Equal(LambdaRuntime.ExitSuccess, exitCode);
        Assert.EndsWith(":" + new Uri("http://" + api.Authority).Port + "/function/forcelink", api.Authority, StringComparison.Ordinal);
        Assert.Equal(requestId, (await api.NextPostAsync()).RequestId);
    }

    [Fact]
    public async Task RunAsync_ThreeHundredMutatedEvents_AnswersEachInItsShapeAndKeepsRunning()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var operations = new IdempotentOperationHandler(new OperationHandler(fixture.Client), null, "forcelink", TimeSpan.FromHours(1), fixture.Emulator.Time, NullLogger.Instance);
        var function = new FunctionHandler(operations, new EmbeddedMetrics(TextWriter.Null, fixture.Emulator.Time), fixture.Emulator.Time, NullLogger<FunctionHandler>.Instance);
        var random = new Random(20261208);
        var events = Enumerable.Range(0, 300).Select(_ => EventFuzzer.Generate(random)).ToList();
        var requestIds = events.Select(e => _api.Enqueue(e, Start)).ToList();
        using var stop = new CancellationTokenSource();
        var run = CreateSut().RunAsync(Ready(function.HandleAsync), stop.Token);

        var posts = new List<RecordedPost>();
        foreach (var _ in events)
        {
            posts.Add(await _api.NextPostAsync(TimeSpan.FromSeconds(60)));
        }

        await stop.CancelAsync();

        Assert.Equal(LambdaRuntime.ExitSuccess, await run.WaitAsync(Timeout));
        Assert.Equal(requestIds, posts.Select(p => p.RequestId));
        var problems = posts
            .Select((post, i) => post.Kind != PostKind.Response
                ? $"#{i}: {post.Kind} {post.ErrorType} {post.Body}\n  event: {EventFuzzer.Show(events[i])}"
                : EventFuzzer.ShapeProblem(events[i], Encoding.UTF8.GetBytes(post.Body), salesforceRefusesAll: false) is { } problem
                    ? $"#{i}: {problem}\n  event: {EventFuzzer.Show(events[i])}\n  answer: {post.Body}"
                    : null)
            .OfType<string>()
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(10)));
    }

    [Fact]
    public async Task RunAsync_CancelledWhileWaiting_ExitsCleanly()
    {
        using var stop = new CancellationTokenSource();
        var run = CreateSut().RunAsync(Ready(Echo), stop.Token);

        await stop.CancelAsync();

        Assert.Equal(LambdaRuntime.ExitSuccess, await run.WaitAsync(Timeout));
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LambdaProcessState
{
    public const string Name = "Lambda process state";
}
