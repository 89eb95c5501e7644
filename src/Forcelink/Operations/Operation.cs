using System.Text.Json.Nodes;

namespace Forcelink.Operations;

/// <summary>A validated operation: every name checked against the policy, every id well-formed. Created by <see cref="OperationRequest.TryValidate"/>.</summary>
public abstract record Operation(OperationKind Kind, string ObjectName);

/// <summary>Creates a record.</summary>
/// <param name="ObjectName">The sObject.</param>
/// <param name="Fields">The field values.</param>
/// <param name="IdempotencyKey">When set, a repeat with the same key returns the first answer instead of creating again (needs an idempotency store).</param>
public sealed record CreateOperation(string ObjectName, JsonObject Fields, string? IdempotencyKey) : Operation(OperationKind.Create, ObjectName);

/// <summary>Reads a record by id.</summary>
/// <param name="ObjectName">The sObject.</param>
/// <param name="Id">The record id.</param>
/// <param name="Fields">The fields to read; <see langword="null"/> for the policy's allowed fields.</param>
public sealed record GetOperation(string ObjectName, string Id, IReadOnlyList<string>? Fields) : Operation(OperationKind.Get, ObjectName);

/// <summary>Finds records whose fields equal the given values (AND).</summary>
/// <param name="ObjectName">The sObject.</param>
/// <param name="Where">Field to value; an array value means any of (<c>IN</c>).</param>
/// <param name="Fields">The fields to return.</param>
/// <param name="Limit">The most records to return.</param>
public sealed record FindOperation(string ObjectName, IReadOnlyDictionary<string, JsonNode?> Where, IReadOnlyList<string> Fields, int Limit) : Operation(OperationKind.Find, ObjectName);

/// <summary>Updates a record's fields.</summary>
/// <param name="ObjectName">The sObject.</param>
/// <param name="Id">The record id.</param>
/// <param name="Fields">The fields to change; null values clear fields.</param>
public sealed record UpdateOperation(string ObjectName, string Id, JsonObject Fields) : Operation(OperationKind.Update, ObjectName);

/// <summary>Creates or updates the record with an external id.</summary>
/// <param name="ObjectName">The sObject.</param>
/// <param name="ExternalIdField">The external id field.</param>
/// <param name="ExternalId">Its value.</param>
/// <param name="Fields">The other field values.</param>
public sealed record UpsertOperation(string ObjectName, string ExternalIdField, string ExternalId, JsonObject Fields) : Operation(OperationKind.Upsert, ObjectName);

/// <summary>Deletes a record.</summary>
/// <param name="ObjectName">The sObject.</param>
/// <param name="Id">The record id.</param>
public sealed record DeleteOperation(string ObjectName, string Id) : Operation(OperationKind.Delete, ObjectName);

/// <summary>Uploads a file (a ContentVersion) and links it to a record, such as a screenshot on a Case.</summary>
/// <param name="ObjectName">The sObject of the record.</param>
/// <param name="Id">The record id.</param>
/// <param name="FileName">The file's name with its extension, such as <c>screenshot.png</c>.</param>
/// <param name="Content">The file's bytes, at most <see cref="OperationRequest.MaxAttachmentBytes"/>.</param>
/// <param name="Title">The title shown in Salesforce; the file name without its extension when null.</param>
/// <param name="Description">An optional description.</param>
public sealed record AttachOperation(string ObjectName, string Id, string FileName, ReadOnlyMemory<byte> Content, string? Title, string? Description)
    : Operation(OperationKind.Attach, ObjectName);

/// <summary>What an operation does.</summary>
public enum OperationKind
{
    /// <summary>Create a record.</summary>
    Create,

    /// <summary>Read a record by id.</summary>
    Get,

    /// <summary>Find records by field values.</summary>
    Find,

    /// <summary>Update a record.</summary>
    Update,

    /// <summary>Create or update by external id.</summary>
    Upsert,

    /// <summary>Delete a record.</summary>
    Delete,

    /// <summary>Upload a file and link it to a record.</summary>
    Attach,
}
