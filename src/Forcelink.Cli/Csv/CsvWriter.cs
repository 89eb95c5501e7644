using System.Text;

namespace Forcelink.Cli.Csv;

/// <summary>Writes RFC 4180 CSV: CRLF line ends, fields quoted when they hold a comma, quote, line break or edge spaces.</summary>
internal sealed class CsvWriter(TextWriter writer) : IAsyncDisposable
{
    public static CsvWriter Create(string path, bool overwrite) =>
        new(new StreamWriter(new FileStream(path, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.Write), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)));

    public async Task WriteRowAsync(IEnumerable<string?> fields, CancellationToken cancellationToken = default)
    {
        var line = new StringBuilder();
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                line.Append(',');
            }

            first = false;
            Append(line, field ?? "");
        }

        line.Append("\r\n");
        await writer.WriteAsync(line, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await writer.FlushAsync();
        await writer.DisposeAsync();
    }

    private static void Append(StringBuilder line, string field)
    {
        var needsQuotes = field.Length > 0
            && (field.AsSpan().IndexOfAny(",\"\r\n") >= 0 || char.IsWhiteSpace(field[0]) || char.IsWhiteSpace(field[^1]));
        if (!needsQuotes)
        {
            line.Append(field);
            return;
        }

        line.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
