namespace Forcelink.Csv;

/// <summary>A CSV file that cannot be read as written: the message names the line, and what to change.</summary>
internal sealed class CsvFormatException : FormatException
{
    public CsvFormatException(long line, string message, bool isEncodingError = false)
        : base(message)
    {
        Line = line;
        IsEncodingError = isEncodingError;
    }

    public CsvFormatException()
    {
    }

    public CsvFormatException(string message)
        : base(message)
    {
    }

    public CsvFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The line the problem is on: for a quoted field, the line it started on.</summary>
    public long Line { get; }

    /// <summary>Whether the bytes are not valid in the file's encoding, so another <c>--encoding</c> may read it.</summary>
    public bool IsEncodingError { get; }
}
