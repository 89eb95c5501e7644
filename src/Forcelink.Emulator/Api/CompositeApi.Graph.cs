using System.Text.Json;
using System.Text.RegularExpressions;

namespace Forcelink.Emulator.Api;

/// <summary>
/// <c>/composite/graph</c> (API 50.0+): each graph is one transaction, its nodes run in order with references to earlier
/// nodes of the same graph; a node that fails rolls its graph back, keeps its own error, and every other node of the graph
/// answers <c>PROCESSING_HALTED</c>. Limits: 75 graphs and 500 nodes per call; after 14 failed graphs the rest are halted.
/// Nodes are record operations only, as Salesforce documents.
/// </summary>
internal sealed partial class CompositeApi
{
    private const int MaxGraphs = 75;
    private const int MaxGraphNodes = 500;
    private const int MaxGraphFailures = 14;
    private const decimal MinGraphVersion = 50.0m;

    private ApiResult Graph(ApiCall call)
    {
        if (call.VersionNumber < MinGraphVersion)
        {
            return ApiResult.NotFound();
        }

        var body = JsonBodies.Parse(call.Body);
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("graphs", out var graphs) || graphs.ValueKind != JsonValueKind.Array)
        {
            return ApiResult.Error(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of GraphRequest or request may be missing a required field: graphs");
        }

        if (graphs.GetArrayLength() > MaxGraphs)
        {
            return ApiResult.Error(400, "LIMIT_EXCEEDED", $"Limit Exceeded: you can only include up to {MaxGraphs} graphs");
        }

        var nodes = graphs.EnumerateArray().Sum(g => g.TryGetProperty("compositeRequest", out var r) && r.ValueKind == JsonValueKind.Array ? r.GetArrayLength() : 0);
        if (nodes > MaxGraphNodes)
        {
            return ApiResult.Error(400, "LIMIT_EXCEEDED", $"Limit Exceeded: you can only include up to {MaxGraphNodes} nodes");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var graph in graphs.EnumerateArray())
        {
            var id = graph.TryGetProperty("graphId", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString()! : "";
            if (!GraphIdPattern().IsMatch(id))
            {
                return ApiResult.Error(400, "INVALID_INPUT", $"Invalid graphId '{id}': a graphId starts with a letter or digit, has fewer than 40 characters and no period");
            }

            if (!ids.Add(id))
            {
                return ApiResult.Error(400, "INVALID_INPUT", $"Duplicate graphId '{id}': each graph of a request needs its own graphId");
            }
        }

        var outcomes = new List<(string GraphId, List<(string ReferenceId, ApiResult Result)> Nodes, bool Success)>();
        var failures = 0;
        foreach (var graph in graphs.EnumerateArray())
        {
            var graphId = graph.GetProperty("graphId").GetString()!;
            var requests = graph.TryGetProperty("compositeRequest", out var r) && r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().ToList() : [];
            if (failures > MaxGraphFailures)
            {
                outcomes.Add((graphId, [.. requests.Select(n => (ReferenceIdOf(n), ApiResult.Error(400, "PROCESSING_HALTED", RolledBack)))], false));
                continue;
            }

            var outcome = RunGraph(call, requests);
            failures += outcome.Success ? 0 : 1;
            outcomes.Add((graphId, outcome.Nodes, outcome.Success));
        }

        return ApiResult.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("graphs");
            foreach (var (graphId, nodeResults, success) in outcomes)
            {
                w.WriteStartObject();
                w.WriteString("graphId", graphId);
                w.WriteStartObject("graphResponse");
                WriteCompositeResponse(w, nodeResults);
                w.WriteEndObject();
                w.WriteBoolean("isSuccessful", success);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private (List<(string ReferenceId, ApiResult Result)> Nodes, bool Success) RunGraph(ApiCall call, List<JsonElement> requests)
    {
        var outputs = new List<(string ReferenceId, ApiResult Result)>();
        var references = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var failed = -1;
        org.Store.Begin();
        foreach (var node in requests)
        {
            var referenceId = ReferenceIdOf(node);
            var result = GraphNodeRefusal(node) ?? RunSubrequest(call, node, references);
            outputs.Add((referenceId, result));
            if (result.Status >= 400)
            {
                failed = outputs.Count - 1;
                break;
            }

            if (result.Body is { Length: > 0 } bytes)
            {
                references[referenceId] = JsonBodies.Detached(bytes);
            }
        }

        if (failed < 0)
        {
            org.Store.Commit();
            return (outputs, true);
        }

        org.Store.Rollback();
        var halted = new List<(string ReferenceId, ApiResult Result)>();
        for (var i = 0; i < requests.Count; i++)
        {
            halted.Add(i == failed ? outputs[i] : (ReferenceIdOf(requests[i]), ApiResult.Error(400, "PROCESSING_HALTED", RolledBack)));
        }

        return (halted, false);
    }

    /// <summary>A graph node may only address a record: <c>sobjects/{type}</c> (POST), <c>sobjects/{type}/{id}</c> and
    /// <c>sobjects/{type}/{field}/{value}</c>.</summary>
    private static ApiResult? GraphNodeRefusal(JsonElement node)
    {
        var method = node.TryGetProperty("method", out var m) ? m.GetString() ?? "" : "";
        var url = node.TryGetProperty("url", out var u) ? u.GetString() ?? "" : "";
        var path = url.Split('?', 2)[0].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var allowed = path.Length switch
        {
            5 when path[3] == "sobjects" => method == "POST",
            6 when path[3] == "sobjects" => method is "GET" or "PATCH" or "DELETE",
            7 when path[3] == "sobjects" => method is "GET" or "PATCH" or "POST" or "DELETE",
            _ => false,
        };
        return allowed
            ? null
            : ApiResult.Error(400, "INVALID_INPUT", $"Composite graph supports only sObject, sObject row and sObject row by external id requests: {method} {url} is not one");
    }

    private static string ReferenceIdOf(JsonElement node) =>
        node.TryGetProperty("referenceId", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";

    private static void WriteCompositeResponse(Utf8JsonWriter w, List<(string ReferenceId, ApiResult Result)> outputs)
    {
        w.WriteStartArray("compositeResponse");
        foreach (var (referenceId, result) in outputs)
        {
            w.WriteStartObject();
            w.WritePropertyName("body");
            if (result.Body is { Length: > 0 } bytes)
            {
                w.WriteRawValue(bytes);
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteStartObject("httpHeaders");
            foreach (var (name, value) in result.Headers)
            {
                w.WriteString(name, value);
            }

            w.WriteEndObject();
            w.WriteNumber("httpStatusCode", result.Status);
            w.WriteString("referenceId", referenceId);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    [GeneratedRegex(@"^[A-Za-z0-9][^.]{0,38}$")]
    private static partial Regex GraphIdPattern();
}
