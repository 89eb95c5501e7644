namespace Forcelink.Emulator.Bulk;

/// <summary>Bulk API 2.0 settings of an org; the seed file's <c>bulk</c> object.</summary>
internal sealed class BulkOptions
{
    /// <summary>Salesforce's limit on one job's upload, counted after base64 encoding: 150 MB, so about 112 MB of CSV.</summary>
    public const long SalesforceUploadLimitBytes = 150L * 1024 * 1024;

    /// <summary>Largest upload accepted, measured as its base64 size the way Salesforce counts it; tests lower it.</summary>
    public long UploadLimitBytes { get; set; } = SalesforceUploadLimitBytes;

    /// <summary>
    /// How long a job shows <c>InProgress</c> after it is closed (ingest) or created (query), on the org's TimeProvider.
    /// Zero: the first poll after the close already sees <c>JobComplete</c>, so clients' poll loops finish without a wait.
    /// </summary>
    public TimeSpan ProcessingTime { get; set; }

    /// <summary>Rows per page of query results when the request names no <c>maxRecords</c>.</summary>
    public int QueryPageSize { get; set; } = 50_000;

    /// <summary>Every problem with the settings, each naming the JSON field and its allowed range.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (UploadLimitBytes < 1)
        {
            errors.Add($"bulk.uploadLimitBytes must be at least 1, got {UploadLimitBytes}");
        }

        if (ProcessingTime < TimeSpan.Zero)
        {
            errors.Add($"bulk.processingTime must not be negative, got {ProcessingTime}");
        }

        if (QueryPageSize < 1)
        {
            errors.Add($"bulk.queryPageSize must be at least 1, got {QueryPageSize}");
        }

        return errors;
    }
}
