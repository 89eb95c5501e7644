using System.Net;
using Forcelink.Aws.Fleet;
using Forcelink.Operations;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.Lambda;

/// <summary>An invocation's work stops at its stop time or with its caller; the source behind that is reused between
/// invocations, and a stop of one must never reach the next.</summary>
public sealed class WorkWindowTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private const string Lead = """{"attributes":{"type":"Lead"},"Id":"00Q000000000001AAA","LastName":"Doe"}""";

    private readonly FakeTimeProvider _time = new(Now);
    private readonly StubHttpHandler _http = new();
    private readonly SalesforceClient _client;
    private readonly IdempotentOperationHandler _sut;
    private TaskCompletionSource? _stall;

    public WorkWindowTests()
    {
        _http.OnAsync(HttpMethod.Get, "/services/data/v62.0/sobjects/Lead/", async (_, cancellationToken) =>
        {
            if (_stall is { } stall)
            {
                await stall.Task.WaitAsync(cancellationToken);
            }

            return StubHttpHandler.Json(HttpStatusCode.OK, Lead);
        });
        _client = new SalesforceClient(new FakeCredential(_time), new SalesforceClientOptions { TimeProvider = _time, Transport = _http, ApiVersion = "62.0", MaxRetryDuration = TimeSpan.Zero });
        _sut = new IdempotentOperationHandler(new OperationHandler(_client), null, "forcelink", TimeSpan.FromHours(1), _time, NullLogger.Instance);
    }

    [Fact]
    public async Task HandleAsync_StopTimePassesInFlight_StopsTheWork_AndTheNextInvocationRunsInFull()
    {
        _stall = new TaskCompletionSource();
        var stalled = _sut.HandleAsync(Get(), Now.AddSeconds(10), CancellationToken.None);
        await WaitForRequestsAsync(1);

        _time.Advance(TimeSpan.FromSeconds(10));
        var stopped = await stalled;
        _stall = null;
        var next = await _sut.HandleAsync(Get(), _time.GetUtcNow().AddSeconds(10), CancellationToken.None);

        Assert.False(stopped.IsSuccess);
        Assert.True(stopped.Retryable);
        Assert.True(next.IsSuccess, next.ToString());
        Assert.Equal("Doe", next.Record!["LastName"]!.GetValue<string>());
    }

    [Fact]
    public async Task HandleAsync_CallerCancelsOneInvocation_TheNextIsNotCancelled()
    {
        var first = await _sut.HandleAsync(Get(), Now.AddSeconds(10), CancellationToken.None);
        using var caller = new CancellationTokenSource();
        _stall = new TaskCompletionSource();
        var stalled = _sut.HandleAsync(Get(), Now.AddSeconds(10), caller.Token);
        await WaitForRequestsAsync(2);

        await caller.CancelAsync();
        var cancelled = await stalled;
        _stall = null;
        var next = await _sut.HandleAsync(Get(), Now.AddSeconds(10), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(5));
        var after = await _sut.HandleAsync(Get(), _time.GetUtcNow().AddSeconds(10), CancellationToken.None);

        Assert.True(first.IsSuccess);
        Assert.False(cancelled.IsSuccess);
        Assert.True(next.IsSuccess, next.ToString());
        Assert.True(after.IsSuccess, after.ToString());
    }

    public void Dispose()
    {
        _client.Dispose();
        _http.Dispose();
    }

    private static OperationRequest Get() => new() { OperationName = "get", ObjectName = "Lead", Id = "00Q000000000001AAA" };

    private async Task WaitForRequestsAsync(int count)
    {
        // The request is recorded before the stub's reply runs; the stub is in-process, so this waits on the handler only.
        while (_http.Requests.Count < count)
        {
            await Task.Yield();
        }
    }
}
