using System.Text.Json.Nodes;

namespace Forcelink.Operations;

/// <summary>Creates or updates the record with an external id.</summary>
/// <param name="ObjectName">The sObject.</param>
/// <param name="ExternalIdField">The external id field.</param>
/// <param name="ExternalId">Its value.</param>
/// <param name="Fields">The other field values.</param>
public sealed record UpsertOperation(string ObjectName, string ExternalIdField, string ExternalId, JsonObject Fields) : Operation(OperationKind.Upsert, ObjectName);
