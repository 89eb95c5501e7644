namespace Forcelink.Lambda.S3;

/// <summary>The metrics of S3 loads, beside the function's own (docs/deploy.md).</summary>
internal static class S3MetricNames
{
    public const string RowsProcessed = "S3RowsProcessed";
    public const string RowsFailed = "S3RowsFailed";
    public const string RowsUnprocessed = "S3RowsUnprocessed";
    public const string JobDuration = "S3BulkJobDuration";
    public const string LoadDuration = "S3LoadDuration";
    public const string FilesRefused = "S3FilesRefused";
    public const string Duplicates = "S3DuplicateDeliveries";
    public const string FollowUps = "S3FollowUps";
}
