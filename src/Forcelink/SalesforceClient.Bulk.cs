using Forcelink.Bulk;

namespace Forcelink;

public partial class SalesforceClient
{
    private BulkClient? _bulk;

    /// <summary>Bulk API 2.0: ingest jobs (insert, update, upsert, delete, hardDelete from records or CSV), query jobs, and the jobs
    /// themselves, through this client's pipeline. Settings in <see cref="SalesforceClientOptions.Bulk"/>.</summary>
    public virtual BulkClient Bulk => LazyInitializer.EnsureInitialized(ref _bulk, () => new BulkClient(this));
}
