using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Forcelink.Csv;

namespace Forcelink.Bulk;

/// <summary>
/// One job's CSV, written straight from the shared rows onto the request stream (chunked), never held whole: the
/// header, then rows until the next would pass the byte limit or the rows end. Streams once: a second send (a retry
/// after the body went out) is refused rather than sending other rows.
/// </summary>
internal sealed class IngestUploadContent : HttpContent
{
    private const int BufferSize = 64 * 1024;

    private readonly IngestRows _rows;
    private readonly char _delimiter;
    private readonly string _lineEnding;
    private readonly long _maxBytes;
    private readonly StringBuilder _line = new();
    private bool _started;

    public IngestUploadContent(IngestRows rows, char delimiter, string lineEnding, long maxBytes)
    {
        _rows = rows;
        _delimiter = delimiter;
        _lineEnding = lineEnding;
        _maxBytes = maxBytes;
        Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "UTF-8" };
    }

    /// <summary>Rows written to the request.</summary>
    public long Rows { get; private set; }

    /// <summary>Bytes written to the request.</summary>
    public long Bytes { get; private set; }

    /// <summary>What stopped the rows being written (bad input), kept because HttpClient wraps it in its own exception.</summary>
    public Exception? Failure { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (_started)
        {
            throw new InvalidOperationException("A bulk upload streams its rows once and cannot be sent again; the job is left open (abort it, or upload again in a new job).");
        }

        _started = true;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var used = 0;
        try
        {
            var header = Encode(_rows.Header);
            if (header.Length > _maxBytes)
            {
                throw new ArgumentException($"The header alone is {header.Length:N0} bytes, over the upload limit of {_maxBytes:N0} (BulkOptions.MaxUploadBytes).");
            }

            await WriteAsync(header).ConfigureAwait(false);
            while (_rows.Current is { } row)
            {
                var bytes = Encode(row);
                if (Bytes + bytes.Length > _maxBytes)
                {
                    if (Rows == 0)
                    {
                        throw new ArgumentException($"A row of {bytes.Length:N0} bytes does not fit in one upload of {_maxBytes:N0} bytes with the header (BulkOptions.MaxUploadBytes).");
                    }

                    break;
                }

                await WriteAsync(bytes).ConfigureAwait(false);
                Rows++;
                await _rows.AdvanceAsync(cancellationToken).ConfigureAwait(false);
            }

            await stream.WriteAsync(buffer.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Failure = e;
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes)
        {
            Bytes += bytes.Length;
            if (used + bytes.Length > buffer.Length)
            {
                await stream.WriteAsync(buffer.AsMemory(0, used), cancellationToken).ConfigureAwait(false);
                used = 0;
                if (bytes.Length > buffer.Length)
                {
                    await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                    return;
                }
            }

            bytes.CopyTo(buffer.AsMemory(used));
            used += bytes.Length;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    private byte[] Encode(IEnumerable<string?> fields)
    {
        _line.Clear();
        CsvWriter.AppendRow(_line, fields, _delimiter, _lineEnding);
        return Encoding.UTF8.GetBytes(_line.ToString());
    }
}
