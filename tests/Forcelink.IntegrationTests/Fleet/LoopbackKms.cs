using System.Net;
using System.Net.Sockets;

namespace Forcelink.IntegrationTests.Fleet;

/// <summary>
/// Serves <see cref="FakeKms"/> over HTTP on 127.0.0.1 (a free port), for processes that cannot take a handler, such as
/// the published bootstrap (<c>AWS_ENDPOINT_URL_KMS</c>). Stops when disposed.
/// </summary>
internal sealed class LoopbackKms : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpMessageInvoker _invoker;
    private readonly Task _loop;

    public LoopbackKms(FakeKms kms)
    {
        _invoker = new HttpMessageInvoker(kms, disposeHandler: false);
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/");
        }

        _listener.Prefixes.Add(Url.AbsoluteUri);
        _listener.Start();
        _loop = ServeAsync();
    }

    public Uri Url { get; }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), new Uri(Url, context.Request.RawUrl))
            {
                Content = new StreamContent(context.Request.InputStream),
            };
            request.Headers.TryAddWithoutValidation("X-Amz-Target", context.Request.Headers["X-Amz-Target"]);
            using var response = await _invoker.SendAsync(request, CancellationToken.None);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            var body = await response.Content.ReadAsByteArrayAsync();
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.WaitAsync(TimeSpan.FromSeconds(10));
        _invoker.Dispose();
    }
}
