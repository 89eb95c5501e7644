using System.Runtime.CompilerServices;
using System.Text;

namespace Forcelink.Cli.Csv;

/// <summary>A row of a CSV file and the line it starts on (for error reports).</summary>
internal sealed record CsvRow(long Line, IReadOnlyList<string> Fields);

/// <summary>
/// Reads RFC 4180 CSV as a stream of rows: quoted fields with doubled quotes and embedded line breaks, CRLF or LF,
/// a UTF-8 byte order mark. Holds one row at a time, so any file size reads in constant memory. Anything it cannot read
/// exactly as written (bytes invalid in the encoding, a quote never closed, text after a closing quote) is a
/// <see cref="CsvFormatException"/> naming the line, never a silent guess.
/// </summary>
internal sealed class CsvReader(TextReader reader)
{
    private const int BufferSize = 16 * 1024;

    /// <summary>Reads <paramref name="stream"/> in <paramref name="encoding"/>; UTF-8 (the default) is decoded strictly.</summary>
    public static CsvReader Open(Stream stream, Encoding? encoding = null) =>
        encoding is null || encoding.CodePage == Encoding.UTF8.CodePage
            ? new(new StrictUtf8Reader(stream))
            : new(new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: false, BufferSize));

    public async IAsyncEnumerable<CsvRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var buffer = new char[BufferSize];
        var field = new StringBuilder();
        var fields = new List<string>();
        var inQuotes = false;
        var quoteSeen = false;
        var afterCarriageReturn = false;
        long line = 1;
        long rowStart = 1;
        long quoteStart = 1;
        var rowHasContent = false;
        int read;
        while ((read = await ReadAsync(buffer, line, cancellationToken)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                var c = buffer[i];
                if (afterCarriageReturn)
                {
                    afterCarriageReturn = false;
                    if (c == '\n')
                    {
                        continue;
                    }
                }

                if (inQuotes)
                {
                    if (quoteSeen)
                    {
                        quoteSeen = false;
                        if (c == '"')
                        {
                            field.Append('"');
                            continue;
                        }

                        inQuotes = false;
                        if (c is not (',' or '\r' or '\n'))
                        {
                            throw new CsvFormatException(
                                line,
                                $"Line {line}: the quoted field that starts on line {quoteStart} is followed by '{c}' before the next comma. " +
                                "Inside a quoted field, write a quote as two quotes (\"\"); a field that holds a quote must be quoted whole.");
                        }
                    }
                    else if (c == '"')
                    {
                        quoteSeen = true;
                        continue;
                    }
                    else
                    {
                        if (c == '\n')
                        {
                            line++;
                        }

                        field.Append(c);
                        continue;
                    }
                }

                switch (c)
                {
                    case '"' when field.Length == 0:
                        inQuotes = true;
                        quoteStart = line;
                        rowHasContent = true;
                        break;
                    case ',':
                        fields.Add(field.ToString());
                        field.Clear();
                        rowHasContent = true;
                        break;
                    case '\r' or '\n':
                        afterCarriageReturn = c == '\r';
                        if (rowHasContent || field.Length > 0)
                        {
                            fields.Add(field.ToString());
                            field.Clear();
                            yield return new CsvRow(rowStart, fields);
                            fields = [];
                        }

                        rowHasContent = false;
                        line++;
                        rowStart = line;
                        break;
                    default:
                        field.Append(c);
                        rowHasContent = true;
                        break;
                }
            }
        }

        if (inQuotes && !quoteSeen)
        {
            throw new CsvFormatException(
                quoteStart,
                $"Line {quoteStart}: a quoted field starts there and never ends, so the rest of the file (to line {line}) would be read as that one field. " +
                "Close the quote, or write a quote inside a quoted field as two quotes (\"\").");
        }

        if (rowHasContent || field.Length > 0)
        {
            fields.Add(field.ToString());
            yield return new CsvRow(rowStart, fields);
        }
    }

    private async ValueTask<int> ReadAsync(char[] buffer, long line, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(buffer.AsMemory(), cancellationToken);
        }
        catch (DecoderFallbackException e)
        {
            throw new CsvFormatException(line, $"Line {line} is not valid UTF-8 ({e.Message}).", isEncodingError: true);
        }
    }
}
