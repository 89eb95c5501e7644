using Forcelink.Emulator.Bulk;
using Forcelink.Emulator.Org;

namespace Forcelink.Emulator.Api;

/// <summary><c>limits</c>: the org's allowances and what remains of them.</summary>
internal sealed class LimitsResource(EmulatedOrg org)
{
    public ApiResult Limits() => ApiResult.Json(200, w =>
    {
        void Limit(string name, int max, int remaining)
        {
            w.WriteStartObject(name);
            w.WriteNumber("Max", max);
            w.WriteNumber("Remaining", remaining);
            w.WriteEndObject();
        }

        w.WriteStartObject();
        Limit("DailyApiRequests", org.Options.DailyApiLimit, Math.Max(0, org.Options.DailyApiLimit - org.ApiUsed));
        Limit("DailyAsyncApexExecutions", 250000, 250000);
        var bulk = org.BulkJobs;
        Limit("DailyBulkApiBatches", BulkJobStore.DailyBatches, Math.Max(0, BulkJobStore.DailyBatches - bulk.BatchesUsed));
        Limit("DailyBulkV2QueryFileStorageMB", BulkJobStore.DailyQueryStorageMegabytes,
            Math.Max(0, BulkJobStore.DailyQueryStorageMegabytes - bulk.QueryStorageMegabytesUsed));
        Limit("DailyBulkV2QueryJobs", BulkJobStore.DailyQueryJobs, Math.Max(0, BulkJobStore.DailyQueryJobs - bulk.QueryJobsUsed));
        Limit("DataStorageMB", 1024, 1024 - Math.Min(1024, org.Store.Objects.Sum(o => org.Store.Count(o.Name, true)) * 2 / 1024));
        Limit("FileStorageMB", 1024, 1024);
        w.WriteEndObject();
    });
}
