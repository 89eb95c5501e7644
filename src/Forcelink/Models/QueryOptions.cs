
namespace Forcelink.Models;

/// <summary>Query settings.</summary>
public sealed class QueryOptions
{
    /// <summary>Records per page, sent as <c>Sforce-Query-Options: batchSize=N</c>; Salesforce accepts 200 to 2,000 and may return fewer.</summary>
    /// <value>The default (<see langword="null"/>) leaves the size to Salesforce (2,000).</value>
    public int? BatchSize { get; set; }
}
