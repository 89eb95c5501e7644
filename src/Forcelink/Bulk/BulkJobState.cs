namespace Forcelink.Bulk;

/// <summary>Where a Bulk API 2.0 job is in its life.</summary>
public enum BulkJobState
{
    /// <summary>A state this version of Forcelink does not know.</summary>
    Unknown,

    /// <summary>Created; an ingest job takes its data now.</summary>
    Open,

    /// <summary>The data is in; Salesforce queues the job.</summary>
    UploadComplete,

    /// <summary>Salesforce is processing the job.</summary>
    InProgress,

    /// <summary>Done: results can be read (failed rows included).</summary>
    JobComplete,

    /// <summary>The job could not run to its end; <see cref="BulkJobInfo.ErrorMessage"/> says why. Rows not processed are in the unprocessed results.</summary>
    Failed,

    /// <summary>Stopped by a user; rows not processed are in the unprocessed results.</summary>
    Aborted,
}
