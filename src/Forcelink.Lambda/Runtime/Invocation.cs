using System.Buffers;

namespace Forcelink.Lambda.Runtime;

/// <summary>
/// One event to handle: its raw JSON and its context. The JSON sits in a buffer from the shared pool, so a 6 MB SQS batch
/// is held once and the next invocation reuses the buffer; dispose the invocation once its answer is sent.
/// </summary>
internal sealed class Invocation(byte[] buffer, int length, InvocationContext context) : IDisposable
{
    private byte[]? _buffer = buffer;

    /// <summary>The event's JSON; valid until the invocation is disposed.</summary>
    public ReadOnlyMemory<byte> EventJson =>
        _buffer is { } buffer ? buffer.AsMemory(0, length) : throw new ObjectDisposedException(nameof(Invocation));

    public InvocationContext Context { get; } = context;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { Length: > 0 } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
