using System.Text.Json.Nodes;

namespace Forcelink.Operations;

/// <summary>Updates a record's fields.</summary>
/// <param name="ObjectName">The sObject.</param>
/// <param name="Id">The record id.</param>
/// <param name="Fields">The fields to change; null values clear fields.</param>
public sealed record UpdateOperation(string ObjectName, string Id, JsonObject Fields) : Operation(OperationKind.Update, ObjectName);
