namespace Forcelink.Bulk;

/// <summary>The jobs of an ingest, all finished. Their rows are read with <see cref="BulkClient.GetResultsAsync(BulkIngestResult, CancellationToken)"/>.</summary>
/// <param name="Jobs">The jobs in the order their rows were sent.</param>
public sealed record BulkIngestResult(IReadOnlyList<BulkIngestJob> Jobs)
{
    /// <summary>Rows uploaded, over every job.</summary>
    public long RecordsSent => Jobs.Sum(j => j.RecordsSent ?? 0);

    /// <summary>Rows written.</summary>
    public long Successful => Jobs.Sum(j => j.Successful);

    /// <summary>Rows refused.</summary>
    public long Failed => Jobs.Sum(j => j.Failed);

    /// <summary>Rows never processed.</summary>
    public long Unprocessed => Jobs.Sum(j => j.Unprocessed);
}
