using Forcelink.Emulator.Org;

namespace Forcelink.Emulator.Bulk;

internal enum BulkJobState
{
    Open,
    UploadComplete,
    InProgress,
    JobComplete,
    Failed,
    Aborted,
}

/// <summary>
/// One Bulk API 2.0 job (ingest or query) and the files it owns. The work is done when the job is closed (ingest) or
/// created (query); the job then reports <c>InProgress</c> until <see cref="ReadyAt"/>, and its outcome after.
/// The org gate serialises every change, so nothing here locks.
/// </summary>
internal sealed class BulkJob(
    string id, bool isQuery, string operation, string objectName, Session creator, DateTimeOffset created, string apiVersion, CsvFormat format, string directory)
{
    private BulkJobState _outcome;

    public string Id { get; } = id;

    public bool IsQuery { get; } = isQuery;

    /// <summary>The wire name: insert, update, upsert, delete, hardDelete, query or queryAll.</summary>
    public string Operation { get; } = operation;

    public string ObjectName { get; } = objectName;

    /// <summary>Rows are written as this user, as Salesforce runs a job as its creator.</summary>
    public Session Creator { get; } = creator;

    public DateTimeOffset CreatedDate { get; } = created;

    public DateTimeOffset SystemModstamp { get; set; } = created;

    public string ApiVersion { get; } = apiVersion;

    public CsvFormat Format { get; } = format;

    public string? ExternalIdFieldName { get; init; }

    public string? Query { get; init; }

    public bool PkChunkingSupported { get; init; }

    public BulkJobState State { get; private set; } = isQuery ? BulkJobState.UploadComplete : BulkJobState.Open;

    /// <summary>PUT requests received; Salesforce accepts a second one and refuses the close.</summary>
    public int Uploads { get; set; }

    /// <summary>An upload is being streamed to <see cref="UploadPath"/> outside the org gate.</summary>
    public bool Uploading { get; set; }

    public bool HasData { get; set; }

    /// <summary>Nothing was processed, so the upload itself is what <c>unprocessedrecords</c> answers.</summary>
    public bool UnprocessedIsUpload { get; set; }

    public DateTimeOffset? ReadyAt { get; private set; }

    public long RecordsProcessed { get; private set; }

    public long RecordsFailed { get; private set; }

    public string? ErrorMessage { get; private set; }

    /// <summary>Milliseconds from the close to <see cref="ReadyAt"/>: the emulator's processing time, not a measurement.</summary>
    public long ProcessingMilliseconds { get; private set; }

    /// <summary>Query jobs: result rows, and the byte offset of every <see cref="QueryPageIndex.Stride"/>-th row.</summary>
    public QueryPageIndex? Pages { get; set; }

    public string Directory { get; } = directory;

    public string UploadPath => Path.Combine(Directory, "upload.csv");

    public string SuccessPath => Path.Combine(Directory, "successfulResults.csv");

    public string FailedPath => Path.Combine(Directory, "failedResults.csv");

    public string UnprocessedPath => Path.Combine(Directory, "unprocessedrecords.csv");

    public string ResultPath => Path.Combine(Directory, "results.csv");

    /// <summary>The state at <paramref name="now"/>: a processed job moves to its outcome once its processing time is over.</summary>
    public BulkJobState StateAt(DateTimeOffset now)
    {
        if (State == BulkJobState.InProgress && ReadyAt <= now)
        {
            State = _outcome;
            SystemModstamp = ReadyAt.Value;
        }

        return State;
    }

    /// <summary>Counters are published with the outcome: Salesforce's grow while a job runs, the emulator's jump.</summary>
    public bool CountersVisible => State is not (BulkJobState.Open or BulkJobState.UploadComplete or BulkJobState.InProgress);

    public void Close(DateTimeOffset now)
    {
        State = BulkJobState.UploadComplete;
        SystemModstamp = now;
    }

    public void Abort(DateTimeOffset now)
    {
        State = BulkJobState.Aborted;
        SystemModstamp = now;
    }

    /// <summary>Records the work done at <paramref name="now"/>; the job shows it from <paramref name="readyAt"/> on.</summary>
    public void Processed(DateTimeOffset now, DateTimeOffset readyAt, long processed, long failed, string? errorMessage)
    {
        RecordsProcessed = processed;
        RecordsFailed = failed;
        ErrorMessage = errorMessage;
        _outcome = errorMessage is null ? BulkJobState.JobComplete : BulkJobState.Failed;
        ReadyAt = readyAt;
        ProcessingMilliseconds = (long)(readyAt - now).TotalMilliseconds;
        State = BulkJobState.InProgress;
        StateAt(now);
    }
}
