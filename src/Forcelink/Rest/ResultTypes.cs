namespace Forcelink.Rest;

/// <summary>The outcome of writing one record in a collection call, in input order.</summary>
/// <param name="Id">The record id; <see langword="null"/> when a create failed.</param>
/// <param name="Success">Whether the record was written.</param>
/// <param name="Errors">Why it was not (Salesforce's <c>statusCode</c> as <see cref="SalesforceError.ErrorCode"/>); empty on success.</param>
/// <param name="Created">For upserts: whether a new record was created; <see langword="null"/> for other operations.</param>
public sealed record SaveResult(string? Id, bool Success, IReadOnlyList<SalesforceError> Errors, bool? Created = null);

/// <summary>The outcome of an upsert by external id.</summary>
/// <param name="Id">The record id.</param>
/// <param name="Created"><see langword="true"/> when a new record was created, <see langword="false"/> when one was updated.</param>
public sealed record UpsertResult(string Id, bool Created);

/// <summary>The org's daily API usage as reported by the latest response's <c>Sforce-Limit-Info</c> header.</summary>
/// <param name="Used">API requests used in the last 24 hours (may exceed <paramref name="Max"/>).</param>
/// <param name="Max">The org's daily allowance.</param>
public sealed record ApiUsage(long Used, long Max)
{
    /// <summary>The share used, from 0 (none) to 1 (all) and beyond.</summary>
    public double Share => Max <= 0 ? 0 : (double)Used / Max;
}

/// <summary>One entry of <c>/limits</c>.</summary>
/// <param name="Max">The allowance.</param>
/// <param name="Remaining">What is left of it.</param>
public sealed record OrgLimit(long Max, long Remaining)
{
    /// <summary>How much is used.</summary>
    public long Used => Max - Remaining;
}

/// <summary>One API version the org offers (<c>GET /services/data</c>).</summary>
/// <param name="Version">The version, such as <c>62.0</c>.</param>
/// <param name="Label">The release name, such as <c>Winter '25</c>.</param>
/// <param name="Url">The version's resource path.</param>
public sealed record ApiVersionInfo(string Version, string Label, string Url);

/// <summary>Query settings.</summary>
public sealed class QueryOptions
{
    /// <summary>Records per page, sent as <c>Sforce-Query-Options: batchSize=N</c>; Salesforce accepts 200 to 2,000 and may return fewer.</summary>
    /// <value>The default (<see langword="null"/>) leaves the size to Salesforce (2,000).</value>
    public int? BatchSize { get; set; }
}
