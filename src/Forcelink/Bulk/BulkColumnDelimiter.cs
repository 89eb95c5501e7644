namespace Forcelink.Bulk;

/// <summary>The character that separates fields in a job's CSV, one of the six Bulk API 2.0 accepts.</summary>
public enum BulkColumnDelimiter
{
    /// <summary><c>,</c> (<c>COMMA</c>), Salesforce's default.</summary>
    Comma,

    /// <summary>A tab (<c>TAB</c>).</summary>
    Tab,

    /// <summary><c>;</c> (<c>SEMICOLON</c>).</summary>
    Semicolon,

    /// <summary><c>|</c> (<c>PIPE</c>).</summary>
    Pipe,

    /// <summary><c>^</c> (<c>CARET</c>).</summary>
    Caret,

    /// <summary><c>`</c> (<c>BACKQUOTE</c>).</summary>
    Backquote,
}
