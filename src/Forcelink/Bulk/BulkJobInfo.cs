namespace Forcelink.Bulk;

/// <summary>A Bulk API 2.0 job as Salesforce describes it (<c>GET /jobs/ingest/ID</c> or <c>/jobs/query/ID</c>).</summary>
public sealed record BulkJobInfo
{
    /// <summary>The job id (<c>750...</c>).</summary>
    public required string Id { get; init; }

    /// <summary>Ingest or query.</summary>
    public required BulkJobKind Kind { get; init; }

    /// <summary>Salesforce's operation name: <c>insert</c>, <c>update</c>, <c>upsert</c>, <c>delete</c>, <c>hardDelete</c>, <c>query</c> or <c>queryAll</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>The sObject's API name.</summary>
    public string? ObjectName { get; init; }

    /// <summary>The job's state.</summary>
    public required BulkJobState State { get; init; }

    /// <summary>The state as Salesforce wrote it (kept when <see cref="State"/> is <see cref="BulkJobState.Unknown"/>).</summary>
    public string? StateName { get; init; }

    /// <summary>Why the job failed; <see langword="null"/> otherwise.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The external id field of an upsert.</summary>
    public string? ExternalIdFieldName { get; init; }

    /// <summary>Rows processed so far, failed ones included (Salesforce's <c>numberRecordsProcessed</c>).</summary>
    public long RecordsProcessed { get; init; }

    /// <summary>Rows that failed so far (<c>numberRecordsFailed</c>; ingest jobs only).</summary>
    public long RecordsFailed { get; init; }

    /// <summary>The API version the job was created with; a query's results must be read with it.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>The job's column delimiter.</summary>
    public BulkColumnDelimiter ColumnDelimiter { get; init; }

    /// <summary>The job's line ending.</summary>
    public BulkLineEnding LineEnding { get; init; }

    /// <summary>When the job was created.</summary>
    public DateTimeOffset? CreatedDate { get; init; }

    /// <summary>How many times Salesforce retried the job's internal batches.</summary>
    public int Retries { get; init; }

    /// <summary>Milliseconds Salesforce spent processing the job.</summary>
    public long TotalProcessingTime { get; init; }

    /// <summary>Whether the job has ended (complete, failed or aborted) and will not change again.</summary>
    public bool IsFinished => State is BulkJobState.JobComplete or BulkJobState.Failed or BulkJobState.Aborted;

    /// <summary>Rows processed without failing.</summary>
    public long RecordsSuccessful => Math.Max(0, RecordsProcessed - RecordsFailed);
}
