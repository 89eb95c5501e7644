namespace Forcelink.Bulk;

/// <summary>How rows of a job's CSV end.</summary>
public enum BulkLineEnding
{
    /// <summary>A line feed (<c>LF</c>), Salesforce's default.</summary>
    LF,

    /// <summary>A carriage return and a line feed (<c>CRLF</c>).</summary>
    CRLF,
}
