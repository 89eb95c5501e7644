using System.Runtime.CompilerServices;
using System.Text;

namespace Forcelink.Cli.Csv;

/// <summary>A row of a CSV file and the line it starts on (for error reports).</summary>
internal sealed record CsvRow(long Line, IReadOnlyList<string> Fields);

/// <summary>
/// Reads RFC 4180 CSV as a stream of rows: quoted fields with doubled quotes and embedded line breaks, CRLF or LF,
/// a UTF-8 byte order mark. Holds one row at a time, so any file size reads in constant memory.
/// </summary>
internal sealed class CsvReader(TextReader reader)
{
    private const int BufferSize = 16 * 1024;

    public static CsvReader Open(Stream stream) =>
        new(new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: true, BufferSize));

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
        var rowHasContent = false;
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
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
            throw new FormatException($"The CSV row starting on line {rowStart} has a quoted field that never ends: close it with a \".");
        }

        if (rowHasContent || field.Length > 0)
        {
            fields.Add(field.ToString());
            yield return new CsvRow(rowStart, fields);
        }
    }
}
