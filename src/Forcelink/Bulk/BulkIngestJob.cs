namespace Forcelink.Bulk;

/// <summary>One job of an ingest, finished, with the rows it was sent and how they ended by Salesforce's counts.</summary>
/// <param name="Info">The job as it finished.</param>
/// <param name="RecordsSent">Rows uploaded to it; <see langword="null"/> for a job this client did not upload (resumed by id).</param>
public sealed record BulkIngestJob(BulkJobInfo Info, long? RecordsSent)
{
    /// <summary>Rows written.</summary>
    public long Successful => Info.RecordsSuccessful;

    /// <summary>Rows refused.</summary>
    public long Failed => Info.RecordsFailed;

    /// <summary>Rows never processed (the job failed or was aborted first); 0 when <see cref="RecordsSent"/> is unknown.</summary>
    public long Unprocessed => RecordsSent is { } sent ? Math.Max(0, sent - Info.RecordsProcessed) : 0;
}
