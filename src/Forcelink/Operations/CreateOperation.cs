using System.Text.Json.Nodes;

namespace Forcelink.Operations;

/// <summary>Creates a record.</summary>
/// <param name="ObjectName">The sObject.</param>
/// <param name="Fields">The field values.</param>
/// <param name="IdempotencyKey">When set, a repeat with the same key returns the first answer instead of creating again (needs an idempotency store).</param>
public sealed record CreateOperation(string ObjectName, JsonObject Fields, string? IdempotencyKey) : Operation(OperationKind.Create, ObjectName);
