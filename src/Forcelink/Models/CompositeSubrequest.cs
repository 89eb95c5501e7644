using System.Text.Json.Nodes;
using Forcelink.Records;

namespace Forcelink.Models;

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
