using System.Buffers;
using System.Text;

namespace Forcelink.Csv;

/// <summary>Writes RFC 4180 CSV: fields quoted when they hold the delimiter, a quote, a line break or edge spaces; CRLF line
/// ends unless told otherwise (Bulk API 2.0 jobs say LF or CRLF).</summary>
internal sealed class CsvWriter(TextWriter writer, char delimiter = ',', string lineEnding = "\r\n") : IAsyncDisposable
{
    private readonly StringBuilder _line = new();

    public static CsvWriter Create(string path, bool overwrite) =>
        new(new StreamWriter(new FileStream(path, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.Write), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)));

    public async Task WriteRowAsync(IEnumerable<string?> fields, CancellationToken cancellationToken = default)
    {
        _line.Clear();
        AppendRow(_line, fields, delimiter, lineEnding);
        await writer.WriteAsync(_line, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await writer.FlushAsync().ConfigureAwait(false);
        await writer.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Appends one row, line ending included.</summary>
    public static void AppendRow(StringBuilder line, IEnumerable<string?> fields, char delimiter = ',', string lineEnding = "\r\n")
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                line.Append(delimiter);
            }

            first = false;
            AppendField(line, field ?? "", delimiter);
        }

        line.Append(lineEnding);
    }

    public static void AppendField(StringBuilder line, string field, char delimiter)
    {
        var needsQuotes = field.Length > 0
            && (field.AsSpan().IndexOfAny(Specials) >= 0 || field.Contains(delimiter, StringComparison.Ordinal) || char.IsWhiteSpace(field[0]) || char.IsWhiteSpace(field[^1]));
        if (!needsQuotes)
        {
            line.Append(field);
            return;
        }

        line.Append('"');
        var rest = field.AsSpan();
        int quote;
        while ((quote = rest.IndexOf('"')) >= 0)
        {
            line.Append(rest[..(quote + 1)]).Append('"');
            rest = rest[(quote + 1)..];
        }

        line.Append(rest).Append('"');
    }

    private static readonly SearchValues<char> Specials = SearchValues.Create("\"\r\n");
}
