using System.Text.Json.Nodes;
using Forcelink.Models;

namespace Forcelink;

public partial class SalesforceClient
{
    /// <summary>The most graphs Salesforce takes in one <c>/composite/graph</c> call.</summary>
    public const int MaxCompositeGraphs = 75;

    /// <summary>Sends one graph (<c>/composite/graph</c>, one API call): its nodes are saved together or not at all.</summary>
    /// <returns>The graph's outcome; check <see cref="CompositeGraphResult.IsSuccessful"/>, since a failed graph is an answer, not an exception.</returns>
    /// <exception cref="SalesforceException">The whole call was refused, for example a node URL a graph does not take.</exception>
    public virtual async Task<CompositeGraphResult> SendCompositeGraphAsync(CompositeGraph graph, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var results = await SendCompositeGraphsAsync([graph], cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    /// <summary>
    /// Sends up to 75 graphs, 500 nodes in all, in one <c>/composite/graph</c> call. Each graph is its own transaction: one that
    /// fails is rolled back whole while the others are saved. Not retried unless every node is a read.
    /// </summary>
    /// <returns>Each graph's outcome, in the order sent.</returns>
    /// <exception cref="ArgumentException">No graphs, an empty graph, a graph id used twice, or more graphs or nodes than Salesforce takes.</exception>
    /// <exception cref="SalesforceException">The whole call was refused.</exception>
    public virtual async Task<IReadOnlyList<CompositeGraphResult>> SendCompositeGraphsAsync(IReadOnlyList<CompositeGraph> graphs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graphs);
        if (graphs.Count == 0 || graphs.Count > MaxCompositeGraphs)
        {
            throw new ArgumentException($"A composite graph call takes 1 to {MaxCompositeGraphs} graphs; this one has {graphs.Count}.", nameof(graphs));
        }

        if (graphs.FirstOrDefault(g => g.Nodes.Count == 0) is { } empty)
        {
            throw new ArgumentException($"The graph '{empty.GraphId}' has no nodes.", nameof(graphs));
        }

        if (graphs.GroupBy(g => g.GraphId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"The graph id '{twice.Key}' is used by {twice.Count()} graphs: each needs its own.", nameof(graphs));
        }

        var nodes = graphs.Sum(g => g.Nodes.Count);
        if (nodes > CompositeGraph.MaxNodes)
        {
            throw new ArgumentException($"A composite graph call takes at most {CompositeGraph.MaxNodes} nodes in all; these graphs have {nodes}: send them in several calls.", nameof(graphs));
        }

        var version = await GetApiVersionAsync(cancellationToken).ConfigureAwait(false);
        var body = new JsonArray();
        foreach (var graph in graphs)
        {
            var requests = new JsonArray();
            foreach (var node in graph.Nodes)
            {
                var json = new JsonObject
                {
                    ["method"] = node.Method,
                    ["url"] = $"/services/data/v{version}/{node.ResourcePath}",
                    ["referenceId"] = node.ReferenceId,
                };
                if (node.Body is not null)
                {
                    json["body"] = node.Body.DeepClone();
                }

                requests.Add((JsonNode)json);
            }

            body.Add((JsonNode)new JsonObject { ["graphId"] = graph.GraphId, ["compositeRequest"] = requests });
        }

        using var activity = StartActivity("compositeGraph", null);
        using var message = new HttpRequestMessage(HttpMethod.Post, $"services/data/v{version}/composite/graph")
        {
            Content = JsonBody(new JsonObject { ["graphs"] = body }),
        };
        var readOnly = graphs.All(g => g.Nodes.All(n => n.Method == "GET"));
        using var response = await SendAsync(message, idempotent: readOnly, cancellationToken).ConfigureAwait(false);
        var answer = await ReadObjectAsync(response, cancellationToken).ConfigureAwait(false);
        var results = new List<CompositeGraphResult>();
        foreach (var graph in (answer["graphs"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var subresults = graph["graphResponse"]?["compositeResponse"] as JsonArray ?? [];
            results.Add(new CompositeGraphResult(
                graph["graphId"]?.GetValue<string>() ?? "",
                graph["isSuccessful"]?.GetValue<bool>() ?? false,
                [.. subresults.OfType<JsonObject>().Select(r => new CompositeSubresult(
                    r["referenceId"]?.GetValue<string>() ?? "",
                    r["httpStatusCode"]?.GetValue<int>() ?? 0,
                    r["body"]?.DeepClone()))]));
        }

        if (results.Count != graphs.Count)
        {
            throw new SalesforceException(
                $"Salesforce answered a composite graph call of {graphs.Count} graphs with {results.Count} results.", (int)response.StatusCode, $"ERROR_HTTP_{(int)response.StatusCode}");
        }

        return results;
    }
}
