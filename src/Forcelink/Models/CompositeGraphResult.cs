
namespace Forcelink.Models;

/// <summary>The outcome of one graph of a <c>/composite/graph</c> call.</summary>
/// <param name="GraphId">The graph's id.</param>
/// <param name="IsSuccessful">Whether every node succeeded and was committed. When not, nothing of the graph was saved: the
/// node that failed has its error, the others <c>PROCESSING_HALTED</c>.</param>
/// <param name="Results">Each node's result, in order.</param>
public sealed record CompositeGraphResult(string GraphId, bool IsSuccessful, IReadOnlyList<CompositeSubresult> Results)
{
    /// <summary>The result of the node with this reference id; <see langword="null"/> when there is none.</summary>
    public CompositeSubresult? this[string referenceId] => Results.FirstOrDefault(r => r.ReferenceId == referenceId);

    /// <summary>The errors of the nodes that failed for a reason of their own, without the <c>PROCESSING_HALTED</c> of the
    /// nodes rolled back with them.</summary>
    public IReadOnlyList<SalesforceError> Errors =>
        [.. Results.SelectMany(r => r.Errors).Where(e => e.ErrorCode != "PROCESSING_HALTED")];
}
