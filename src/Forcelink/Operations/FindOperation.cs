using System.Text.Json.Nodes;

namespace Forcelink.Operations;

/// <summary>Finds records whose fields equal the given values (AND).</summary>
/// <param name="ObjectName">The sObject.</param>
/// <param name="Where">Field to value; an array value means any of (<c>IN</c>).</param>
/// <param name="Fields">The fields to return.</param>
/// <param name="Limit">The most records to return.</param>
public sealed record FindOperation(string ObjectName, IReadOnlyDictionary<string, JsonNode?> Where, IReadOnlyList<string> Fields, int Limit) : Operation(OperationKind.Find, ObjectName);
