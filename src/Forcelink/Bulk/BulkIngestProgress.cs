namespace Forcelink.Bulk;

/// <summary>How far an ingest has come, reported after each upload and each read of a job's state.</summary>
/// <param name="RecordsSent">Rows uploaded so far, over every job.</param>
/// <param name="RecordsProcessed">Rows Salesforce has processed so far, failed ones included.</param>
/// <param name="RecordsFailed">Rows that failed so far.</param>
/// <param name="JobIds">Every job created so far, in order: keep them to follow the jobs if this process ends first.</param>
/// <param name="JobsFinished">How many of them have finished.</param>
public sealed record BulkIngestProgress(long RecordsSent, long RecordsProcessed, long RecordsFailed, IReadOnlyList<string> JobIds, int JobsFinished);
