using System.Text.RegularExpressions;
using Forcelink.Records;
using Forcelink.Soql;

namespace Forcelink.Models;

/// <summary>
/// Up to 25 subrequests sent as one <c>/composite</c> call, where later ones may use earlier results through
/// <see cref="Reference"/>: <c>@{NewAccount.id}</c>.
/// </summary>
public sealed partial class CompositeRequest
{
    /// <summary>The most subrequests Salesforce takes in one composite call.</summary>
    public const int MaxSubrequests = 25;

    private readonly List<CompositeSubrequest> _subrequests = [];

    /// <summary>Whether a failure rolls back every subrequest (the others then fail with <c>PROCESSING_HALTED</c>).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool AllOrNone { get; set; }

    /// <summary>The subrequests, in order.</summary>
    public IReadOnlyList<CompositeSubrequest> Subrequests => _subrequests;

    /// <summary>A reference to a field of an earlier subrequest's result: <c>@{referenceId.field}</c> (creates expose <c>id</c>).</summary>
    public static string Reference(string referenceId, string field = "id")
    {
        CheckReferenceId(referenceId);
        return $"@{{{referenceId}.{field}}}";
    }

    /// <summary>Adds a create.</summary>
    public CompositeRequest Create(string referenceId, SObject record) => Add(CompositeSubrequest.ForCreate(referenceId, record));

    /// <summary>Adds an update of a record that has an id (or a reference as its id).</summary>
    public CompositeRequest Update(string referenceId, SObject record) => Add(CompositeSubrequest.ForUpdate(referenceId, record));

    /// <summary>Adds an upsert by external id.</summary>
    public CompositeRequest Upsert(string referenceId, SObject record, string externalIdField) => Add(CompositeSubrequest.ForUpsert(referenceId, record, externalIdField));

    /// <summary>Adds a delete.</summary>
    public CompositeRequest Delete(string referenceId, string objectName, string id) =>
        Add(new CompositeSubrequest(referenceId, "DELETE", $"sobjects/{SalesforceClient.CheckObjectName(objectName)}/{id}", null));

    /// <summary>Adds a read by id (or reference).</summary>
    public CompositeRequest Get(string referenceId, string objectName, string id, params string[] fields) =>
        Add(new CompositeSubrequest(
            referenceId,
            "GET",
            $"sobjects/{SalesforceClient.CheckObjectName(objectName)}/{id}" + (fields.Length == 0 ? "" : "?fields=" + string.Join(",", SoqlIdentifier.List(fields).Names)),
            null));

    /// <summary>Adds a query.</summary>
    public CompositeRequest Query(string referenceId, SoqlQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Add(new CompositeSubrequest(referenceId, "GET", $"query?q={Uri.EscapeDataString(query.Text)}", null));
    }

    private CompositeRequest Add(CompositeSubrequest subrequest)
    {
        CheckReferenceId(subrequest.ReferenceId);
        if (_subrequests.Count == MaxSubrequests)
        {
            throw new InvalidOperationException($"A composite request takes at most {MaxSubrequests} subrequests; send the rest in another.");
        }

        if (_subrequests.Any(s => s.ReferenceId == subrequest.ReferenceId))
        {
            throw new ArgumentException($"The reference id '{subrequest.ReferenceId}' is already used in this request.", nameof(subrequest));
        }

        _subrequests.Add(subrequest);
        return this;
    }

    private static void CheckReferenceId(string referenceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(referenceId);
        if (!ReferenceIdPattern().IsMatch(referenceId))
        {
            throw new ArgumentException($"'{referenceId}' is not a reference id: use letters, digits and underscores, starting with a letter or digit.", nameof(referenceId));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ReferenceIdPattern();
}
