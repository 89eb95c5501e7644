namespace Forcelink.Emulator.Bulk;

/// <summary>A job's <c>columnDelimiter</c> and <c>lineEnding</c>, by their wire names and as characters.</summary>
internal sealed record CsvFormat(string DelimiterName, string LineEndingName)
{
    public static readonly IReadOnlyDictionary<string, char> Delimiters = new Dictionary<string, char>(StringComparer.Ordinal)
    {
        ["BACKQUOTE"] = '`',
        ["CARET"] = '^',
        ["COMMA"] = ',',
        ["PIPE"] = '|',
        ["SEMICOLON"] = ';',
        ["TAB"] = '\t',
    };

    public static readonly IReadOnlyList<string> LineEndings = ["LF", "CRLF"];

    public static CsvFormat Default { get; } = new("COMMA", "LF");

    public char Delimiter => Delimiters[DelimiterName];

    public string LineEnding => LineEndingName == "CRLF" ? "\r\n" : "\n";
}
