
namespace Forcelink.Models;

/// <summary>A file in Salesforce Files: the document and its latest version.</summary>
/// <param name="ContentDocumentId">The file (<c>069...</c>), the id links and new versions refer to.</param>
/// <param name="ContentVersionId">Its latest version (<c>068...</c>), the id whose bytes are downloaded.</param>
/// <param name="Title">The title shown in Salesforce.</param>
/// <param name="FileExtension">The extension without a dot, such as <c>pdf</c>; <see langword="null"/> when the name had none.</param>
/// <param name="FileType">Salesforce's file type, such as <c>PDF</c>, <c>TEXT</c> or <c>UNKNOWN</c>.</param>
/// <param name="ContentSize">The size in bytes.</param>
/// <param name="Checksum">The MD5 of the bytes as lowercase hex; <see langword="null"/> in a listing, which reads the documents only.</param>
/// <param name="CreatedDate">When the file was uploaded.</param>
public sealed record SalesforceFile(
    string ContentDocumentId,
    string ContentVersionId,
    string Title,
    string? FileExtension,
    string? FileType,
    long ContentSize,
    string? Checksum,
    DateTimeOffset? CreatedDate);
