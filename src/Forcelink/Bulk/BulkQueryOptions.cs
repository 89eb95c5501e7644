namespace Forcelink.Bulk;

/// <summary>Settings of a Bulk API 2.0 query job.</summary>
public sealed class BulkQueryOptions
{
    /// <summary>Whether to include deleted records still in the Recycle Bin and archived records (<c>queryAll</c>).</summary>
    /// <value>The default is <see langword="false"/> (<c>query</c>).</value>
    public bool IncludeDeleted { get; set; }

    /// <summary>The delimiter of the result CSV.</summary>
    /// <value>The default is <see cref="BulkColumnDelimiter.Comma"/>.</value>
    public BulkColumnDelimiter ColumnDelimiter { get; set; } = BulkColumnDelimiter.Comma;

    /// <summary>The line ending of the result CSV.</summary>
    /// <value>The default is <see cref="BulkLineEnding.LF"/>.</value>
    public BulkLineEnding LineEnding { get; set; } = BulkLineEnding.LF;

    /// <summary>The most records per page of results (<c>maxRecords</c>); smaller pages avoid timeouts on wide records.</summary>
    /// <value>The default (<see langword="null"/>) lets Salesforce choose.</value>
    public int? MaxRecordsPerPage { get; set; }
}
