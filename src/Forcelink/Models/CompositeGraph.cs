using System.Text.RegularExpressions;
using Forcelink.Records;
using Forcelink.Soql;

namespace Forcelink.Models;

/// <summary>
/// One graph of a <c>/composite/graph</c> call: up to 500 record operations (nodes) that succeed or fail together, where a
/// node may use an earlier node's result through <see cref="CompositeRequest.Reference"/> (<c>@{NewLead.id}</c>). Unlike
/// <see cref="CompositeRequest"/> (25 subrequests, <c>allOrNone</c> optional, queries allowed), a graph is always all or
/// nothing and takes only record operations: create, read, update, upsert and delete.
/// </summary>
public sealed partial class CompositeGraph
{
    /// <summary>The most nodes Salesforce takes in one graph, and in one call across all its graphs.</summary>
    public const int MaxNodes = 500;

    private readonly List<CompositeSubrequest> _nodes = [];

    /// <summary>Creates an empty graph.</summary>
    /// <param name="graphId">Names the graph in the results: unique within the call, starting with a letter or digit, fewer
    /// than 40 characters, without a period.</param>
    public CompositeGraph(string graphId)
    {
        ArgumentException.ThrowIfNullOrEmpty(graphId);
        if (!GraphIdPattern().IsMatch(graphId))
        {
            throw new ArgumentException(
                $"'{graphId}' is not a graph id: start with a letter or digit, use fewer than 40 characters and no period.", nameof(graphId));
        }

        GraphId = graphId;
    }

    /// <summary>The graph's id.</summary>
    public string GraphId { get; }

    /// <summary>The nodes, in order.</summary>
    public IReadOnlyList<CompositeSubrequest> Nodes => _nodes;

    /// <summary>Adds a create.</summary>
    public CompositeGraph Create(string referenceId, SObject record) => Add(CompositeSubrequest.ForCreate(referenceId, record));

    /// <summary>Adds an update of a record that has an id (or a reference as its id).</summary>
    public CompositeGraph Update(string referenceId, SObject record) => Add(CompositeSubrequest.ForUpdate(referenceId, record));

    /// <summary>Adds an upsert by external id.</summary>
    public CompositeGraph Upsert(string referenceId, SObject record, string externalIdField) => Add(CompositeSubrequest.ForUpsert(referenceId, record, externalIdField));

    /// <summary>Adds a delete by id (or reference).</summary>
    public CompositeGraph Delete(string referenceId, string objectName, string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return Add(new CompositeSubrequest(referenceId, "DELETE", $"sobjects/{SalesforceClient.CheckObjectName(objectName)}/{id}", null));
    }

    /// <summary>Adds a read by id (or reference), so later nodes can use its fields.</summary>
    public CompositeGraph Get(string referenceId, string objectName, string id, params string[] fields)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return Add(new CompositeSubrequest(
            referenceId,
            "GET",
            $"sobjects/{SalesforceClient.CheckObjectName(objectName)}/{id}" + (fields.Length == 0 ? "" : "?fields=" + string.Join(",", SoqlIdentifier.List(fields).Names)),
            null));
    }

    private CompositeGraph Add(CompositeSubrequest node)
    {
        if (string.IsNullOrEmpty(node.ReferenceId) || !ReferenceIdPattern().IsMatch(node.ReferenceId))
        {
            throw new ArgumentException($"'{node.ReferenceId}' is not a reference id: use letters, digits and underscores, starting with a letter or digit.", nameof(node));
        }

        if (_nodes.Count == MaxNodes)
        {
            throw new InvalidOperationException($"A graph takes at most {MaxNodes} nodes; put the rest in another call.");
        }

        if (_nodes.Any(n => n.ReferenceId == node.ReferenceId))
        {
            throw new ArgumentException($"The reference id '{node.ReferenceId}' is already used in graph '{GraphId}'.", nameof(node));
        }

        _nodes.Add(node);
        return this;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ReferenceIdPattern();

    [GeneratedRegex("^[A-Za-z0-9][^.]{0,38}$", RegexOptions.CultureInvariant)]
    private static partial Regex GraphIdPattern();
}
