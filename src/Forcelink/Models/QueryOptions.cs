
namespace Forcelink.Models;

/// <summary>Query settings.</summary>
public sealed class QueryOptions
{
    /// <summary>Records per page, sent as <c>Sforce-Query-Options: batchSize=N</c>; Salesforce accepts 200 to 2,000 and may return fewer.</summary>
    /// <value>The default (<see langword="null"/>) leaves the size to Salesforce (2,000).</value>
    public int? BatchSize { get; set; }

    /// <summary>Whether the next page is requested as soon as a page arrives, so that it travels and is parsed while the
    /// caller works through the current one (jsforce's <c>autoFetch</c> does the same). A caller that stops reading early
    /// has then paid one API call, and the transfer, for a page it never reads; the request is cancelled when the caller
    /// stops.</summary>
    /// <value>The default (<see langword="false"/>) requests each page only when the caller reaches it.</value>
    public bool ReadAhead { get; set; }
}
