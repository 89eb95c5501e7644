using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Forcelink.Bench;

/// <summary>
/// A TCP relay between a Lambda runtime and the fake Runtime API that notes, on the wire, when an event leaves for the
/// runtime (the first bytes of the answer to its <c>GET /next</c>) and when the runtime's <c>POST .../response</c>
/// arrives (its first bytes): the span Lambda bills as the invocation's duration, without the fake's own work of queuing
/// the event and recording the response.
/// </summary>
/// <remarks>
/// It reads only the start of what passes: a read that begins a request line is taken for a request. That holds for
/// the runtimes measured here (one request at a time per connection, small events and answers); it is no HTTP parser.
/// </remarks>
internal sealed class RuntimeApiTap : IAsyncDisposable
{
    private static readonly byte[] NextRequest = Encoding.ASCII.GetBytes("GET /2018-06-01/runtime/invocation/next");
    private static readonly byte[] PostRequest = Encoding.ASCII.GetBytes("POST /2018-06-01/runtime/invocation/");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _relays = [];
    private readonly Task _accepting;
    private long _handedOut;
    private long _answered;

    private RuntimeApiTap(IPEndPoint upstream)
    {
        _upstream = upstream;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>What to put in <c>AWS_LAMBDA_RUNTIME_API</c> instead of the fake's own authority.</summary>
    public string Authority => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>The <see cref="Stopwatch"/> timestamp of the last event to leave for the runtime.</summary>
    public long HandedOut => Interlocked.Read(ref _handedOut);

    /// <summary>The <see cref="Stopwatch"/> timestamp of the last response to arrive from the runtime.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>A tap in front of the Runtime API at <paramref name="authority"/> (<c>127.0.0.1:port</c>).</summary>
    public static RuntimeApiTap Start(string authority) => new(IPEndPoint.Parse(authority));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_relays).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var runtime = await _listener.AcceptTcpClientAsync(_stop.Token);
                _relays.Add(RelayAsync(runtime));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task RelayAsync(TcpClient runtime)
    {
        using (runtime)
        using (var api = new TcpClient())
        {
            runtime.NoDelay = true;
            api.NoDelay = true;
            await api.ConnectAsync(_upstream, _stop.Token);
            using var toApi = api.GetStream();
            using var toRuntime = runtime.GetStream();

            // Set when the runtime asks for its next event on this connection; the answer's first bytes are the event leaving.
            var awaitingEvent = 0;
            var requests = PumpAsync(toRuntime, toApi, read =>
            {
                if (read.Span.StartsWith(NextRequest))
                {
                    Volatile.Write(ref awaitingEvent, 1);
                }
                else if (read.Span.StartsWith(PostRequest) && IsResponse(read.Span))
                {
                    Interlocked.Exchange(ref _answered, Stopwatch.GetTimestamp());
                }
            });
            var answers = PumpAsync(toApi, toRuntime, _ =>
            {
                if (Interlocked.Exchange(ref awaitingEvent, 0) == 1)
                {
                    Interlocked.Exchange(ref _handedOut, Stopwatch.GetTimestamp());
                }
            });
            await Task.WhenAny(requests, answers);
        }
    }

    /// <summary>Whether a request line names a <c>/response</c> (not an <c>/error</c>).</summary>
    private static bool IsResponse(ReadOnlySpan<byte> read)
    {
        var line = read[..Math.Max(0, read.IndexOf((byte)'\r'))];
        return line.IndexOf("/response "u8) >= 0;
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, Action<ReadOnlyMemory<byte>> observe)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                observe(buffer.AsMemory(0, read));
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The runtime or the fake closed its end.
        }
        finally
        {
            try
            {
                to.Socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closed.
            }
        }
    }
}
