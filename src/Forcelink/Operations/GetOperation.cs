namespace Forcelink.Operations;

/// <summary>Reads a record by id.</summary>
/// <param name="ObjectName">The sObject.</param>
/// <param name="Id">The record id.</param>
/// <param name="Fields">The fields to read; <see langword="null"/> for the policy's allowed fields.</param>
public sealed record GetOperation(string ObjectName, string Id, IReadOnlyList<string>? Fields) : Operation(OperationKind.Get, ObjectName);
