using System.Text;

namespace Forcelink.Emulator.Bulk;

/// <summary>
/// Writes result CSV the way Salesforce does (restforce's recorded <c>successfulResults</c>/<c>failedResults</c>): every
/// value in double quotes, the <c>sf__</c> header columns quoted, the uploaded column names as they were sent.
/// </summary>
internal sealed class CsvWriter(StreamWriter writer, CsvFormat format) : IDisposable
{
    private bool _rowStarted;

    public static CsvWriter Create(string path, CsvFormat format) =>
        new(new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024), format);

    public void Quoted(string? value)
    {
        Separate();
        writer.Write('"');
        if (value is not null)
        {
            if (value.Contains('"', StringComparison.Ordinal))
            {
                writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
            }
            else
            {
                writer.Write(value);
            }
        }

        writer.Write('"');
    }

    /// <summary>A header name as uploaded: quoted only when it could not be read back otherwise.</summary>
    public void Name(string name)
    {
        if (name.Length == 0 || name.AsSpan().IndexOfAny(['"', '\r', '\n', format.Delimiter]) >= 0)
        {
            Quoted(name);
            return;
        }

        Separate();
        writer.Write(name);
    }

    public void EndRow()
    {
        writer.Write(format.LineEnding);
        _rowStarted = false;
    }

    /// <summary>The byte offset the next row starts at, for the query result's page index.</summary>
    public long Position()
    {
        writer.Flush();
        return writer.BaseStream.Position;
    }

    public void Dispose() => writer.Dispose();

    private void Separate()
    {
        if (_rowStarted)
        {
            writer.Write(format.Delimiter);
        }

        _rowStarted = true;
    }
}
