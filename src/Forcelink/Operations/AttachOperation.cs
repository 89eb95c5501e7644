namespace Forcelink.Operations;

/// <summary>Uploads a file (a ContentVersion) and links it to a record, such as a screenshot on a Case.</summary>
/// <param name="ObjectName">The sObject of the record.</param>
/// <param name="Id">The record id.</param>
/// <param name="FileName">The file's name with its extension, such as <c>screenshot.png</c>.</param>
/// <param name="Content">The file's bytes, at most <see cref="OperationRequest.MaxAttachmentBytes"/>.</param>
/// <param name="Title">The title shown in Salesforce; the file name without its extension when null.</param>
/// <param name="Description">An optional description.</param>
public sealed record AttachOperation(string ObjectName, string Id, string FileName, ReadOnlyMemory<byte> Content, string? Title, string? Description)
    : Operation(OperationKind.Attach, ObjectName);
