using System.Net;
using System.Text;

namespace Forcelink.Tests.TestDoubles;

/// <summary>A route table at the HTTP boundary: answers matching requests, records every request, throws on surprises.</summary>
public sealed class StubHttpHandler : HttpMessageHandler
{
    private readonly List<(Func<HttpRequestMessage, bool> Match, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Reply)> _routes = [];
    private readonly Lock _lock = new();

    public List<RecordedRequest> Requests { get; } = [];

    public StubHttpHandler On(HttpMethod method, string pathPrefix, Func<HttpRequestMessage, HttpResponseMessage> reply) =>
        OnAsync(method, pathPrefix, (r, _) => Task.FromResult(reply(r)));

    /// <summary>A reply that may wait, for example until the request is cancelled (an endpoint that never answers).</summary>
    public StubHttpHandler OnAsync(HttpMethod method, string pathPrefix, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> reply)
    {
        _routes.Add((r => r.Method == method && r.RequestUri!.AbsolutePath.StartsWith(pathPrefix, StringComparison.Ordinal), reply));
        return this;
    }

    public StubHttpHandler OnSequence(HttpMethod method, string pathPrefix, params Func<HttpRequestMessage, HttpResponseMessage>[] replies)
    {
        var index = 0;
        return On(method, pathPrefix, r => replies[Math.Min(Interlocked.Increment(ref index) - 1, replies.Length - 1)](r));
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json, string contentType = "application/json;charset=UTF-8")
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8) };
        response.Content.Headers.Remove("Content-Type");
        response.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return response;
    }

    /// <summary>Whether something disposed this handler; like SocketsHttpHandler, it then refuses requests.</summary>
    public bool IsDisposed { get; private set; }

    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        base.Dispose(disposing);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (_lock)
        {
            Requests.Add(new RecordedRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), body));
        }

        foreach (var (match, reply) in _routes)
        {
            if (match(request))
            {
                var response = await reply(request, cancellationToken);
                response.RequestMessage = request;
                return response;
            }
        }

        throw new InvalidOperationException($"Unexpected request: {request.Method} {request.RequestUri}");
    }
}

public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string? Body);
