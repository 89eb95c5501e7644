using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Forcelink.Csv;

/// <summary>
/// Decodes UTF-8 and stops at the first invalid byte rather than replacing it with U+FFFD, after handing out every
/// character before it, so the caller knows the line it is on. A leading byte order mark is skipped.
/// </summary>
internal sealed class StrictUtf8Reader(Stream stream) : TextReader
{
    private readonly byte[] _bytes = new byte[16 * 1024];
    private int _start;
    private int _end;
    private bool _atStart = true;
    private bool _endOfStream;

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        while (true)
        {
            if (TryDecode(buffer, out var written))
            {
                return written;
            }

            Compact();
            Fill(stream.Read(_bytes, _end, _bytes.Length - _end));
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TryDecode(buffer.Span, out var written))
            {
                return written;
            }

            Compact();
            Fill(await stream.ReadAsync(_bytes.AsMemory(_end), cancellationToken));
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            stream.Dispose();
        }

        base.Dispose(disposing);
    }

    // False when more bytes are needed before anything can be handed out.
    private bool TryDecode(Span<char> buffer, out int written)
    {
        written = 0;
        if (buffer.IsEmpty)
        {
            return true;
        }

        var pending = _bytes.AsSpan(_start, _end - _start);
        if (_atStart)
        {
            if (pending.Length < 3 && !_endOfStream && Preamble.StartsWith(pending))
            {
                return false;
            }

            _atStart = false;
            if (pending.StartsWith(Preamble))
            {
                _start += Preamble.Length;
                pending = pending[Preamble.Length..];
            }
        }

        var status = Utf8.ToUtf16(pending, buffer, out var read, out written, replaceInvalidSequences: false, isFinalBlock: _endOfStream);
        _start += read;
        if (written > 0 || (status == OperationStatus.Done && _endOfStream))
        {
            return true;
        }

        if (status == OperationStatus.DestinationTooSmall)
        {
            throw new ArgumentException("The buffer cannot hold the next character (a surrogate pair needs two).", nameof(buffer));
        }

        if (status == OperationStatus.InvalidData)
        {
            var bad = _bytes.AsSpan(_start, Math.Min(4, _end - _start));
            throw new DecoderFallbackException($"the bytes {Convert.ToHexString(bad)} are not valid UTF-8", bad.ToArray(), 0);
        }

        return false;
    }

    private static ReadOnlySpan<byte> Preamble => [0xEF, 0xBB, 0xBF];

    private void Fill(int read)
    {
        if (read == 0)
        {
            _endOfStream = true;
            return;
        }

        _end += read;
    }

    // Called before each read of the stream: keeps the unread tail (an incomplete sequence) at the front.
    private void Compact()
    {
        if (_start == 0)
        {
            return;
        }

        _bytes.AsSpan(_start, _end - _start).CopyTo(_bytes);
        _end -= _start;
        _start = 0;
    }
}
