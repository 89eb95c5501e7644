using System.Text.Json.Serialization;

namespace Forcelink.Lambda.S3;

/// <summary>
/// A file's <c>summary.json</c>, beside its results: while jobs run, where the load stands (a later invocation reads it to
/// finish the load, and a second delivery of the same file finds it); once done, what happened. <see cref="Status"/> is
/// <c>complete</c> only when every row of the file has an outcome in the results files.
/// </summary>
internal sealed class S3LoadSummary
{
    public const string Running = "running";
    public const string Complete = "complete";
    public const string Incomplete = "incomplete";
    public const string Failed = "failed";

    /// <summary><c>running</c>, <c>complete</c> (every row has an outcome), <c>incomplete</c> (some rows have none: see
    /// <see cref="Message"/>) or <c>failed</c> (nothing was loaded: see <see cref="Message"/>).</summary>
    public string Status { get; set; } = Running;

    public string Bucket { get; set; } = "";

    public string Key { get; set; } = "";

    /// <summary>The version of the file loaded: a file put again under the same key is loaded again.</summary>
    public string? ETag { get; set; }

    public string? Operation { get; set; }

    public string? Object { get; set; }

    public string? ExternalIdField { get; set; }

    /// <summary>What is wrong, for a file that was not loaded or not loaded whole.</summary>
    public string? Message { get; set; }

    /// <summary>Data rows in the file.</summary>
    public long Rows { get; set; }

    /// <summary>Rows uploaded to jobs.</summary>
    public long RowsSent { get; set; }

    /// <summary>Rows Salesforce processed (written or failed).</summary>
    public long RowsProcessed { get; set; }

    public long RowsSuccessful { get; set; }

    public long RowsFailed { get; set; }

    /// <summary>Rows sent that Salesforce never processed (a job that failed or was aborted).</summary>
    public long RowsUnprocessed { get; set; }

    public List<S3LoadJob> Jobs { get; set; } = [];

    /// <summary>The file's header, for the results files' columns.</summary>
    public List<string> Columns { get; set; } = [];

    public DateTimeOffset Started { get; set; }

    public DateTimeOffset? Finished { get; set; }

    /// <summary>Invocations that worked on the load.</summary>
    public int Invocations { get; set; }

    /// <summary>The results files, relative to the bucket, once written.</summary>
    public S3LoadResultFiles? Results { get; set; }
}

/// <summary>One ingest job of a load and the rows uploaded to it.</summary>
internal sealed record S3LoadJob(string Id, long Sent);

/// <summary>The keys of a load's results files.</summary>
internal sealed record S3LoadResultFiles(string Successful, string Failed, string Unprocessed);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(S3LoadSummary))]
internal sealed partial class S3LoadJsonContext : JsonSerializerContext;
