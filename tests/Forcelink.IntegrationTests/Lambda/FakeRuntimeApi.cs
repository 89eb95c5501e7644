using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Forcelink.IntegrationTests.Lambda;

/// <summary>
/// A Lambda Runtime API on 127.0.0.1 (free port): queues events, hands them out from <c>GET /next</c> with the real headers
/// (epoch-millisecond deadline), records every response, invocation error and init error, and can answer 500 on demand.
/// </summary>
public sealed class FakeRuntimeApi : IAsyncDisposable
{
    public const string DefaultFunctionArn = "arn:aws:lambda:eu-west-1:123456789012:function:forcelink";

    private readonly WebApplication _app;
    private readonly Channel<QueuedEvent> _events = Channel.CreateUnbounded<QueuedEvent>();
    private readonly Channel<RecordedPost> _posts = Channel.CreateUnbounded<RecordedPost>();
    private int _failNextCalls;
    private int _failResponses;
    private int _responseFailureStatus = StatusCodes.Status500InternalServerError;
    private int _nextCalls;

    // Every event handed out, by request id, so each response can be checked against the event contract.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _handedOut = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _contractProblems = new();

    private FakeRuntimeApi(WebApplication app, string pathBase)
    {
        _app = app;
        PathBase = pathBase;
    }

    /// <summary>What to put in <c>AWS_LAMBDA_RUNTIME_API</c>: host and port, plus the path base when there is one.</summary>
    public string Authority { get; private set; } = "";

    public string PathBase { get; }

    public int NextCalls => Volatile.Read(ref _nextCalls);

    /// <summary>Checks each response against its event (the event contract, when the real function answers; unset for the
    /// runtime's own tests with stand-in handlers): a problem, or null. Any problem fails the test at dispose.</summary>
    public Func<byte[], string, string?>? ResponseCheck { get; set; }

    /// <summary>
    /// Whether <c>GET /next</c> announces the event's length; by default the event is sent chunked, without one, so the
    /// runtime is tested on the framing that takes more work to read.
    /// </summary>
    public bool SendContentLength { get; set; }

    /// <summary>Whether <c>GET /next</c> announces more bytes than it sends, then drops the connection.</summary>
    public bool CutEventsShort { get; set; }

    public static async Task<FakeRuntimeApi> StartAsync(string pathBase = "")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeRuntimeApi(app, pathBase);
        if (pathBase.Length > 0)
        {
            app.UsePathBase(pathBase);
        }

        app.MapGet("/2018-06-01/runtime/invocation/next", fake.NextAsync);
        app.MapPost("/2018-06-01/runtime/invocation/{id}/response", (HttpContext http, string id) => fake.RecordAsync(http, PostKind.Response, id));
        app.MapPost("/2018-06-01/runtime/invocation/{id}/error", (HttpContext http, string id) => fake.RecordAsync(http, PostKind.InvocationError, id));
        app.MapPost("/2018-06-01/runtime/init/error", (HttpContext http) => fake.RecordAsync(http, PostKind.InitError, null));
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        fake.Authority = new Uri(app.Urls.Single()).Authority + pathBase;
        return fake;
    }

    /// <summary>Queues an event; the deadline defaults to 30 seconds after <paramref name="now"/>.</summary>
    public string Enqueue(
        string eventJson,
        DateTimeOffset now,
        TimeSpan? timeout = null,
        string? requestId = null,
        string? traceId = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1") =>
        Enqueue(Encoding.UTF8.GetBytes(eventJson), now, timeout, requestId, traceId);

    /// <summary>Queues an event as bytes, which need not be UTF-8 or JSON.</summary>
    public string Enqueue(
        byte[] eventJson,
        DateTimeOffset now,
        TimeSpan? timeout = null,
        string? requestId = null,
        string? traceId = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1")
    {
        requestId ??= Guid.NewGuid().ToString();
        var deadline = (now + (timeout ?? TimeSpan.FromSeconds(30))).ToUnixTimeMilliseconds();
        _events.Writer.TryWrite(new QueuedEvent(requestId, eventJson, deadline, traceId));
        return requestId;
    }

    /// <summary>The next <c>GET /next</c> calls answer 500 (a container error).</summary>
    public void FailNextCalls(int count = 1) => Interlocked.Exchange(ref _failNextCalls, count);

    /// <summary>The next responses are refused, by default with 500 (413 is what Lambda answers to a response over 6 MB).</summary>
    public void FailResponses(int count = 1, int statusCode = StatusCodes.Status500InternalServerError)
    {
        _responseFailureStatus = statusCode;
        Interlocked.Exchange(ref _failResponses, count);
    }

    public async Task<RecordedPost> NextPostAsync(TimeSpan? timeout = null) =>
        await _posts.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? TimeSpan.FromSeconds(30));

    public bool TryTakePost(out RecordedPost? post) => _posts.Reader.TryRead(out post);

    /// <summary>Stops the fake; fails the test if any response failed <see cref="ResponseCheck"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
        if (!_contractProblems.IsEmpty)
        {
            throw new InvalidOperationException("Responses broke the check: " + string.Join(Environment.NewLine, _contractProblems));
        }
    }

    private async Task NextAsync(HttpContext http)
    {
        Interlocked.Increment(ref _nextCalls);
        if (Interlocked.Decrement(ref _failNextCalls) >= 0)
        {
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await http.Response.WriteAsync("{\"errorMessage\":\"container error\",\"errorType\":\"Runtime.Fake\"}", http.RequestAborted);
            return;
        }

        Interlocked.Exchange(ref _failNextCalls, 0);
        QueuedEvent queued;
        try
        {
            queued = await _events.Reader.ReadAsync(http.RequestAborted);
            _handedOut[queued.RequestId] = queued.EventJson;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        http.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = queued.RequestId;
        http.Response.Headers["Lambda-Runtime-Deadline-Ms"] = queued.DeadlineMs.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = DefaultFunctionArn;
        if (queued.TraceId is not null)
        {
            http.Response.Headers["Lambda-Runtime-Trace-Id"] = queued.TraceId;
        }

        http.Response.ContentType = "application/json";
        var body = queued.EventJson;
        if (SendContentLength || CutEventsShort)
        {
            http.Response.ContentLength = body.Length + (CutEventsShort ? 100 : 0);
        }

        await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }

    private async Task RecordAsync(HttpContext http, PostKind kind, string? requestId)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(http.RequestAborted);
        var post = new RecordedPost(
            kind,
            requestId,
            body,
            http.Request.ContentType,
            http.Request.Headers["Lambda-Runtime-Function-Error-Type"].FirstOrDefault());

        if (kind == PostKind.Response && ResponseCheck is { } check && requestId is not null && _handedOut.TryGetValue(requestId, out var eventJson)
            && check(eventJson, body) is { } problem)
        {
            _contractProblems.Enqueue($"{requestId}: {problem}");
        }

        if (kind == PostKind.Response && Interlocked.Decrement(ref _failResponses) >= 0)
        {
            http.Response.StatusCode = _responseFailureStatus;
        }
        else
        {
            Interlocked.Exchange(ref _failResponses, 0);
            http.Response.StatusCode = StatusCodes.Status202Accepted;
            await http.Response.WriteAsync("{\"status\":\"OK\"}", http.RequestAborted);
        }

        _posts.Writer.TryWrite(post);
    }

    private sealed record QueuedEvent(string RequestId, byte[] EventJson, long DeadlineMs, string? TraceId);
}

public enum PostKind
{
    Response,
    InvocationError,
    InitError,
}

public sealed record RecordedPost(PostKind Kind, string? RequestId, string Body, string? ContentType, string? ErrorType);
