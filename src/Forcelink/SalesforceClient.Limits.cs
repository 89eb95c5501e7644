using System.Text.Json.Nodes;
using Forcelink.Models;
using Forcelink.Serialization;

namespace Forcelink;

public partial class SalesforceClient
{
    /// <summary>Reads the org's limits (<c>/limits</c>), such as <c>DailyApiRequests</c>. Needs "View Setup and Configuration".</summary>
    public virtual async Task<IReadOnlyDictionary<string, OrgLimit>> GetLimitsAsync(CancellationToken cancellationToken = default)
    {
        using var activity = StartActivity("limits", null);
        using var request = new HttpRequestMessage(HttpMethod.Get, await DataPathAsync("limits", cancellationToken).ConfigureAwait(false));
        using var response = await SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false);
        var body = await ReadObjectAsync(response, cancellationToken).ConfigureAwait(false);
        var limits = new Dictionary<string, OrgLimit>(StringComparer.Ordinal);
        foreach (var (name, value) in body)
        {
            if (value is JsonObject entry && entry["Max"] is JsonValue max && entry["Remaining"] is JsonValue remaining)
            {
                limits[name] = new OrgLimit(max.GetValue<long>(), remaining.GetValue<long>());
            }
        }

        return limits;
    }

    /// <summary>Lists the REST API versions the org offers (<c>GET /services/data</c>).</summary>
    public virtual async Task<IReadOnlyList<ApiVersionInfo>> GetApiVersionsAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "services/data");
        using var response = await SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false);
        var versions = await ReadAsync(response, ForcelinkJsonContext.Default.ListApiVersionBody, cancellationToken).ConfigureAwait(false);
        return [.. versions.Where(v => v.Version is not null).Select(v => new ApiVersionInfo(v.Version!, v.Label ?? "", v.Url ?? ""))];
    }
}
