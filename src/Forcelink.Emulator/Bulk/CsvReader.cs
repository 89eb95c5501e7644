using System.Text;

namespace Forcelink.Emulator.Bulk;

/// <summary>
/// Reads CSV records one at a time (RFC 4180 quoting, the job's delimiter) as strictly as Salesforce's own CSV reader:
/// a quote inside an unquoted value, text after a closing quote and a quote left open are errors, worded as in the
/// Salesforce Web Service Connector's <c>CSVReader</c>. Empty lines are skipped, as that reader does.
/// </summary>
internal sealed class CsvReader(TextReader reader, char delimiter)
{
    public const string UnescapedQuote = "Found unescaped quote. A value with quote should be within a quote";
    public const string TextAfterQuote = "Not expecting more text after end quote";
    public const string OpenQuote = "EOF reached before closing an opened quote";

    private readonly char[] _buffer = new char[64 * 1024];
    private readonly StringBuilder _field = new();
    private int _position;
    private int _length;
    private int _line = 1;

    /// <summary>The 1-based line on which the last record read began.</summary>
    public int RecordLine { get; private set; }

    /// <summary>How the first record ended (<c>\n</c> or <c>\r\n</c>); null until a record ended with a line break.</summary>
    public string? FirstTerminator { get; private set; }

    /// <summary>False at the end of the data. A syntax error ends reading: <paramref name="error"/> says what was wrong.</summary>
    public bool TryRead(List<string> fields, out string? error)
    {
        while (true)
        {
            fields.Clear();
            error = null;
            if (Peek() < 0)
            {
                return false;
            }

            RecordLine = _line;
            var quoted = false;
            if (!ReadRecord(fields, ref quoted, out error))
            {
                return true;
            }

            if (quoted || fields.Count != 1 || fields[0].Length != 0)
            {
                return true;
            }
        }
    }

    /// <summary>False when the record was cut short by <paramref name="error"/>.</summary>
    private bool ReadRecord(List<string> fields, ref bool quoted, out string? error)
    {
        error = null;
        _field.Clear();
        while (true)
        {
            var c = Next();
            if (c == '"' && _field.Length == 0)
            {
                quoted = true;
                if (!ReadQuoted(out error))
                {
                    return false;
                }

                c = Next();
                if (c >= 0 && c != delimiter && c != '\n' && !IsCrLf(c))
                {
                    error = TextAfterQuote;
                    return false;
                }
            }
            else
            {
                while (c >= 0 && c != delimiter && c != '\n' && !IsCrLf(c))
                {
                    if (c == '"')
                    {
                        error = UnescapedQuote;
                        return false;
                    }

                    _field.Append((char)c);
                    c = Next();
                }
            }

            fields.Add(_field.ToString());
            _field.Clear();
            if (c == delimiter)
            {
                continue;
            }

            if (c >= 0)
            {
                var terminator = c == '\n' ? "\n" : "\r\n";
                if (c == '\r')
                {
                    Next();
                }

                FirstTerminator ??= terminator;
            }

            return true;
        }
    }

    private bool ReadQuoted(out string? error)
    {
        error = null;
        while (true)
        {
            var c = Next();
            if (c < 0)
            {
                error = OpenQuote;
                return false;
            }

            if (c == '"')
            {
                if (Peek() != '"')
                {
                    return true;
                }

                Next();
            }

            _field.Append((char)c);
        }
    }

    /// <summary>A carriage return ends a record only when a line feed follows it; elsewhere it is data.</summary>
    private bool IsCrLf(int c) => c == '\r' && Peek() == '\n';

    private int Peek()
    {
        if (_position == _length && !Fill())
        {
            return -1;
        }

        return _buffer[_position];
    }

    private int Next()
    {
        if (_position == _length && !Fill())
        {
            return -1;
        }

        var c = _buffer[_position++];
        if (c == '\n')
        {
            _line++;
        }

        return c;
    }

    private bool Fill()
    {
        _length = reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _length > 0;
    }
}
