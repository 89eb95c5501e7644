using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Forcelink.Csv;

/// <summary>A row of a CSV file and the line it starts on (for error reports).</summary>
internal sealed record CsvRow(long Line, IReadOnlyList<string> Fields);

/// <summary>
/// Reads RFC 4180 CSV as a stream of rows: quoted fields with doubled quotes and embedded line breaks, CRLF or LF,
/// a UTF-8 byte order mark, and any one-character delimiter (Bulk API 2.0 takes comma, tab, semicolon, pipe, caret and
/// backquote). Holds one row at a time, so any file size reads in constant memory. Anything it cannot read exactly as
/// written (bytes invalid in the encoding, a quote never closed, text after a closing quote) is a
/// <see cref="CsvFormatException"/> naming the line and column, never a silent guess.
/// </summary>
internal sealed class CsvReader
{
    private const int BufferSize = 32 * 1024;

    private readonly TextReader _reader;
    private readonly char _delimiter;
    private readonly SearchValues<char> _unquotedStops;

    public CsvReader(TextReader reader, char delimiter = ',')
    {
        if (delimiter is '"' or '\r' or '\n')
        {
            throw new ArgumentException($"'{delimiter}' cannot separate CSV fields.", nameof(delimiter));
        }

        _reader = reader;
        _delimiter = delimiter;
        _unquotedStops = SearchValues.Create([delimiter, '"', '\r', '\n']);
    }

    /// <summary>Reads <paramref name="stream"/> in <paramref name="encoding"/>; UTF-8 (the default) is decoded strictly.</summary>
    public static CsvReader Open(Stream stream, Encoding? encoding = null, char delimiter = ',') =>
        encoding is null || encoding.CodePage == Encoding.UTF8.CodePage
            ? new(new StrictUtf8Reader(stream), delimiter)
            : new(new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: false, BufferSize), delimiter);

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
        while ((read = await ReadAsync(buffer, line, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var i = 0;
            while (i < read)
            {
                var c = buffer[i];
                if (afterCarriageReturn)
                {
                    afterCarriageReturn = false;
                    if (c == '\n')
                    {
                        i++;
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
                            i++;
                            continue;
                        }

                        inQuotes = false;
                        if (c != _delimiter && c is not ('\r' or '\n'))
                        {
                            throw new CsvFormatException(
                                line,
                                $"Line {line}, column {fields.Count + 1}: the quoted field that starts on line {quoteStart} is followed by '{c}' before the next {Name(_delimiter)}. " +
                                "Inside a quoted field, write a quote as two quotes (\"\"); a field that holds a quote must be quoted whole.");
                        }
                    }
                    else
                    {
                        // Copy everything up to the next quote at once; count the line breaks inside it.
                        var rest = buffer.AsSpan(i, read - i);
                        var quote = rest.IndexOf('"');
                        var text = quote < 0 ? rest : rest[..quote];
                        line += text.Count('\n');
                        field.Append(text);
                        if (quote < 0)
                        {
                            i = read;
                        }
                        else
                        {
                            quoteSeen = true;
                            i += quote + 1;
                        }

                        continue;
                    }
                }

                if (c == '"' && field.Length == 0)
                {
                    inQuotes = true;
                    quoteStart = line;
                    rowHasContent = true;
                    i++;
                    continue;
                }

                if (c == _delimiter)
                {
                    fields.Add(field.ToString());
                    field.Clear();
                    rowHasContent = true;
                    i++;
                    continue;
                }

                if (c is '\r' or '\n')
                {
                    afterCarriageReturn = c == '\r';
                    if (rowHasContent || field.Length > 0)
                    {
                        fields.Add(field.ToString());
                        field.Clear();
                        yield return new CsvRow(rowStart, fields);
                        fields = new List<string>(fields.Count);
                    }

                    rowHasContent = false;
                    line++;
                    rowStart = line;
                    i++;
                    continue;
                }

                // Plain text (a quote not at the start of a field is kept as it is): copy to the next stop at once.
                var run = buffer.AsSpan(i + 1, read - i - 1).IndexOfAny(_unquotedStops);
                var length = run < 0 ? read - i : run + 1;
                if (field.Length == 0 && run >= 0 && buffer[i + length] != '"')
                {
                    // The whole field is in the buffer: one string, no builder.
                    fields.Add(new string(buffer, i, length));
                    rowHasContent = true;
                    i += length;
                    if (buffer[i] == _delimiter)
                    {
                        i++;
                    }
                    else
                    {
                        // A line break ends the row; the field was added, so the break must not add it again.
                        afterCarriageReturn = buffer[i] == '\r';
                        yield return new CsvRow(rowStart, fields);
                        fields = new List<string>(fields.Count);
                        rowHasContent = false;
                        line++;
                        rowStart = line;
                        i++;
                    }

                    continue;
                }

                field.Append(buffer, i, length);
                rowHasContent = true;
                i += length;
            }
        }

        if (inQuotes && !quoteSeen)
        {
            throw new CsvFormatException(
                quoteStart,
                $"Line {quoteStart}, column {fields.Count + 1}: a quoted field starts there and never ends, so the rest of the file (to line {line}) would be read as that one field. " +
                "Close the quote, or write a quote inside a quoted field as two quotes (\"\").");
        }

        if (rowHasContent || field.Length > 0)
        {
            fields.Add(field.ToString());
            yield return new CsvRow(rowStart, fields);
        }
    }

    /// <summary>How a delimiter is named in messages.</summary>
    public static string Name(char delimiter) => delimiter switch
    {
        ',' => "comma",
        '\t' => "tab",
        ';' => "semicolon",
        '|' => "pipe",
        '^' => "caret",
        '`' => "backquote",
        _ => $"'{delimiter}'",
    };

    private async ValueTask<int> ReadAsync(char[] buffer, long line, CancellationToken cancellationToken)
    {
        try
        {
            return await _reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
        }
        catch (DecoderFallbackException e)
        {
            throw new CsvFormatException(line, $"Line {line} is not valid UTF-8 ({e.Message}).", isEncodingError: true);
        }
    }
}
