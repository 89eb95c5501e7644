using System.Globalization;
using Forcelink.Emulator.Api;

namespace Forcelink.Emulator.Bulk;

/// <summary>
/// Result downloads, streamed from the job's files after the org gate is released: the three ingest files, and query
/// result pages with <c>Sforce-NumberOfRecords</c> and <c>Sforce-Locator</c> (the string <c>null</c> on the last page).
/// </summary>
internal static class BulkResults
{
    private const string CsvContentType = "text/csv";

    public static bool IsIngestResult(string resource) =>
        resource is "successfulResults" or "failedResults" || resource.Equals("unprocessedrecords", StringComparison.OrdinalIgnoreCase);

    public static ApiResult IngestFile(BulkJob job, string resource, BulkJobState state)
    {
        var unprocessed = resource.Equals("unprocessedrecords", StringComparison.OrdinalIgnoreCase);
        string? path;
        if (state == BulkJobState.Open)
        {
            // Nothing processed yet: no results, and the upload (if any) is still all unprocessed.
            path = unprocessed && job.HasData && !job.Uploading ? job.UploadPath : null;
        }
        else
        {
            path = unprocessed ? (job.UnprocessedIsUpload ? job.UploadPath : job.UnprocessedPath)
                : resource == "successfulResults" ? job.SuccessPath
                : job.FailedPath;
        }

        // While a job shows InProgress its counters read 0; its result files show their header only, to match.
        var headerOnly = state == BulkJobState.InProgress && !unprocessed;
        return new ApiResult(200)
        {
            ContentType = CsvContentType,
            Content = (output, cancellationToken) => CopyAsync(path, headerOnly, output, cancellationToken),
        };
    }

    public static ApiResult QueryPage(ApiCall call, BulkJob job, BulkJobState state, int defaultPageSize)
    {
        if (call.Version != job.ApiVersion)
        {
            // "Use the same API version to get query results that you used to create the query. Otherwise, the call returns a 409 error."
            return BulkErrors.Error(409, "INVALIDJOB",
                $"The results of query job {job.Id} must be requested with the API version that created it, v{job.ApiVersion}, not v{call.Version}.");
        }

        if (state != BulkJobState.JobComplete || job.Pages is not { } pages)
        {
            return BulkErrors.Error(412, "JOB_NOT_COMPLETE",
                $"can only download query results of successfully completed bulk job with status: JOB_COMPLETE. Current status: {StatusName(state)}");
        }

        long first = 0;
        if (call.Query.TryGetValue("locator", out var locator) && locator.Length > 0 && locator != "null"
            && (!BulkErrors.TryParseResultLocator(locator, out first) || first >= pages.Rows))
        {
            return BulkErrors.InvalidQueryLocator();
        }

        long pageSize = call.Query.GetValueOrDefault("maxRecords") is { Length: > 0 } text
            ? (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max > 0 ? max : -1)
            : defaultPageSize;
        if (pageSize < 1)
        {
            return ApiResult.Error(400, "INVALID_FIELD", $"maxRecords must be a whole number from 1 to 2147483647, got '{call.Query["maxRecords"]}'.");
        }

        var count = Math.Min(pageSize, pages.Rows - first);
        var next = first + count;
        var result = new ApiResult(200)
        {
            ContentType = CsvContentType,
            Content = (output, cancellationToken) => pages.CopyPageAsync(job.ResultPath, first, count, output, cancellationToken),
        };
        result.Headers["Sforce-NumberOfRecords"] = count.ToString(CultureInfo.InvariantCulture);
        result.Headers["Sforce-Locator"] = next < pages.Rows ? BulkErrors.ResultLocator(next) : "null";
        return result;
    }

    private static string StatusName(BulkJobState state) => state switch
    {
        BulkJobState.UploadComplete => "UPLOAD_COMPLETE",
        BulkJobState.InProgress => "IN_PROGRESS",
        BulkJobState.JobComplete => "JOB_COMPLETE",
        BulkJobState.Aborted => "ABORTED",
        BulkJobState.Failed => "FAILED",
        _ => "OPEN",
    };

    private static async Task CopyAsync(string? path, bool headerOnly, Stream output, CancellationToken cancellationToken)
    {
        if (path is null || !File.Exists(path))
        {
            return;
        }

        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true);
        if (!headerOnly)
        {
            await file.CopyToAsync(output, cancellationToken);
            return;
        }

        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var end = Array.IndexOf(buffer, (byte)'\n', 0, read);
            await output.WriteAsync(buffer.AsMemory(0, end < 0 ? read : end + 1), cancellationToken);
            if (end >= 0)
            {
                return;
            }
        }
    }
}
