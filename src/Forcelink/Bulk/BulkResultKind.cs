namespace Forcelink.Bulk;

/// <summary>How a row of an ingest job ended.</summary>
public enum BulkResultKind
{
    /// <summary>Written (<c>successfulResults</c>): <see cref="BulkResultRow.Id"/> and <see cref="BulkResultRow.Created"/> are set.</summary>
    Successful,

    /// <summary>Refused (<c>failedResults</c>): <see cref="BulkResultRow.Error"/> says why.</summary>
    Failed,

    /// <summary>Never processed, because the job was aborted or failed first (<c>unprocessedrecords</c>): safe to send again.</summary>
    Unprocessed,
}
