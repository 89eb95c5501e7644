using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Forcelink.Records;
using Forcelink.Soql;

namespace Forcelink.Rest;

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

/// <summary>One subrequest of a <see cref="CompositeRequest"/>.</summary>
/// <param name="ReferenceId">Its name, for references from later subrequests.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="ResourcePath">The resource below <c>/services/data/vNN.N/</c>.</param>
/// <param name="Body">The JSON body, if any.</param>
public sealed record CompositeSubrequest(string ReferenceId, string Method, string ResourcePath, JsonObject? Body)
{
    // The sObject subrequests that composite requests and graphs both build.
    internal static CompositeSubrequest ForCreate(string referenceId, SObject record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(referenceId, "POST", $"sobjects/{SalesforceClient.CheckObjectName(record.ObjectName)}", record.ToWriteBody());
    }

    internal static CompositeSubrequest ForUpdate(string referenceId, SObject record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var id = record.Id ?? throw new ArgumentException("The record to update has no Id.", nameof(record));
        return new(referenceId, "PATCH", $"sobjects/{SalesforceClient.CheckObjectName(record.ObjectName)}/{id}", record.ToWriteBody());
    }

    internal static CompositeSubrequest ForUpsert(string referenceId, SObject record, string externalIdField)
    {
        ArgumentNullException.ThrowIfNull(record);
        var value = record.GetString(externalIdField) ?? throw new ArgumentException($"The record has no value for {externalIdField}.", nameof(record));
        return new(
            referenceId,
            "PATCH",
            $"sobjects/{SalesforceClient.CheckObjectName(record.ObjectName)}/{SalesforceClient.CheckObjectName(externalIdField)}/{Uri.EscapeDataString(value)}",
            record.ToWriteBody(exclude: externalIdField));
    }
}

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
