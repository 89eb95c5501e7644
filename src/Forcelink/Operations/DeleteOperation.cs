namespace Forcelink.Operations;

/// <summary>Deletes a record.</summary>
/// <param name="ObjectName">The sObject.</param>
/// <param name="Id">The record id.</param>
public sealed record DeleteOperation(string ObjectName, string Id) : Operation(OperationKind.Delete, ObjectName);
