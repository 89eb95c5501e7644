namespace Forcelink.Bulk;

/// <summary>The two kinds of Bulk API 2.0 job, under <c>/jobs/ingest</c> and <c>/jobs/query</c>.</summary>
public enum BulkJobKind
{
    /// <summary>Writes records from CSV (insert, update, upsert, delete, hardDelete).</summary>
    Ingest,

    /// <summary>Reads a query's records as CSV (query, queryAll).</summary>
    Query,
}
