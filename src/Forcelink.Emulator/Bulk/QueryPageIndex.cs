namespace Forcelink.Emulator.Bulk;

/// <summary>
/// Where the rows of a query result file start, so that a page can be served from any row without reading the file
/// from the top: the offset of every <see cref="Stride"/>-th row is kept (8 bytes per 1,000 rows), the rows in between
/// are skipped by scanning. Every value in the file is quoted, so a line break outside quotes always ends a row.
/// </summary>
internal sealed class QueryPageIndex
{
    public const int Stride = 1000;

    private readonly List<long> _offsets = [];

    /// <summary>Bytes of the header line, line break included: every page starts with them.</summary>
    public long HeaderLength { get; set; }

    public long Rows { get; private set; }

    /// <summary>Called before each row is written, with the offset it will start at.</summary>
    public void RowStarting(Func<long> position)
    {
        if (Rows % Stride == 0)
        {
            _offsets.Add(position());
        }

        Rows++;
    }

    /// <summary>Writes the header, then <paramref name="count"/> rows from row <paramref name="first"/>, to <paramref name="output"/>.</summary>
    public async Task CopyPageAsync(string path, long first, long count, Stream output, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true);
        var buffer = new byte[64 * 1024];
        await CopyBytesAsync(file, output, HeaderLength, buffer, cancellationToken);
        if (count == 0)
        {
            return;
        }

        file.Position = _offsets[(int)(first / Stride)];
        var scanner = new RowScanner(file, buffer);
        await scanner.SkipRowsAsync(first % Stride, cancellationToken);
        await scanner.CopyRowsAsync(count, output, cancellationToken);
    }

    private static async Task CopyBytesAsync(Stream input, Stream output, long length, byte[] buffer, CancellationToken cancellationToken)
    {
        while (length > 0)
        {
            var read = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length)), cancellationToken);
            if (read == 0)
            {
                return;
            }

            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            length -= read;
        }
    }

    /// <summary>Finds row ends: a line feed outside quotes (a doubled quote toggles twice, so it needs no special case).</summary>
    private sealed class RowScanner(Stream input, byte[] buffer)
    {
        private int _position;
        private int _length;
        private bool _inQuotes;

        public async Task SkipRowsAsync(long rows, CancellationToken cancellationToken)
        {
            while (rows > 0 && await FillAsync(cancellationToken))
            {
                var end = Scan(ref rows);
                _position = end;
            }
        }

        public async Task CopyRowsAsync(long rows, Stream output, CancellationToken cancellationToken)
        {
            while (rows > 0 && await FillAsync(cancellationToken))
            {
                var start = _position;
                var end = Scan(ref rows);
                await output.WriteAsync(buffer.AsMemory(start, end - start), cancellationToken);
                _position = end;
            }
        }

        /// <summary>Scans the buffered bytes until <paramref name="rows"/> rows have ended; returns where scanning stopped.</summary>
        private int Scan(ref long rows)
        {
            var i = _position;
            while (i < _length && rows > 0)
            {
                var b = buffer[i++];
                if (b == (byte)'"')
                {
                    _inQuotes = !_inQuotes;
                }
                else if (b == (byte)'\n' && !_inQuotes)
                {
                    rows--;
                }
            }

            return i;
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_position < _length)
            {
                return true;
            }

            _length = await input.ReadAsync(buffer, cancellationToken);
            _position = 0;
            return _length > 0;
        }
    }
}
