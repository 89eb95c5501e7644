using System.Text.Json.Nodes;
using Forcelink.Models;

namespace Forcelink;

public partial class SalesforceClient
{
    /// <summary>Sends a composite request (one API call) and returns each subrequest's result in order. The call itself
    /// succeeds even when subrequests fail: check <see cref="CompositeSubresult.IsSuccess"/>. Not retried unless every
    /// subrequest is a read.</summary>
    public virtual async Task<IReadOnlyList<CompositeSubresult>> SendCompositeAsync(CompositeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Subrequests.Count == 0)
        {
            throw new ArgumentException("The composite request has no subrequests.", nameof(request));
        }

        var version = await GetApiVersionAsync(cancellationToken).ConfigureAwait(false);
        var subrequests = new JsonArray();
        foreach (var sub in request.Subrequests)
        {
            var json = new JsonObject
            {
                ["method"] = sub.Method,
                ["url"] = $"/services/data/v{version}/{sub.ResourcePath}",
                ["referenceId"] = sub.ReferenceId,
            };
            if (sub.Body is not null)
            {
                json["body"] = sub.Body.DeepClone();
            }

            subrequests.Add((JsonNode)json);
        }

        using var activity = StartActivity("composite", null);
        using var message = new HttpRequestMessage(HttpMethod.Post, $"services/data/v{version}/composite")
        {
            Content = JsonBody(new JsonObject { ["allOrNone"] = request.AllOrNone, ["compositeRequest"] = subrequests }),
        };
        var readOnly = request.Subrequests.All(s => s.Method == "GET");
        using var response = await SendAsync(message, idempotent: readOnly, cancellationToken).ConfigureAwait(false);
        var body = await ReadObjectAsync(response, cancellationToken).ConfigureAwait(false);
        var results = body["compositeResponse"] as JsonArray ?? [];
        return [.. results.OfType<JsonObject>().Select(r => new CompositeSubresult(
            r["referenceId"]?.GetValue<string>() ?? "",
            r["httpStatusCode"]?.GetValue<int>() ?? 0,
            r["body"]?.DeepClone()))];
    }
}
