using System.Text.Json.Nodes;

namespace Forcelink.Models;

/// <summary>One subresponse of a composite call.</summary>
/// <param name="ReferenceId">The subrequest's reference id.</param>
/// <param name="StatusCode">Its HTTP status.</param>
/// <param name="Body">Its body: a save result, a record, a query page, or an error array.</param>
public sealed record CompositeSubresult(string ReferenceId, int StatusCode, JsonNode? Body)
{
    /// <summary>Whether the subrequest succeeded.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>The errors of a failed subrequest.</summary>
    public IReadOnlyList<SalesforceError> Errors => IsSuccess || Body is not JsonArray array
        ? []
        : [.. array.OfType<JsonObject>().Select(e => new SalesforceError(
            e["errorCode"]?.GetValue<string>() ?? e["statusCode"]?.GetValue<string>() ?? "UNKNOWN_ERROR",
            e["message"]?.GetValue<string>() ?? "",
            e["fields"] is JsonArray fields ? [.. fields.Select(f => f?.GetValue<string>() ?? "")] : []))];

    /// <summary>The id a create or upsert subrequest returned.</summary>
    public string? Id => (Body as JsonObject)?["id"]?.GetValue<string>();
}
