
namespace Forcelink.Models;

/// <summary>
/// A file to store in Salesforce Files as a ContentVersion (<see cref="SalesforceClient.UploadFileAsync"/>). The content is
/// streamed to Salesforce in one multipart request as it is read, so a file of any size up to <see cref="MaxSize"/> takes the
/// same memory.
/// </summary>
public sealed class FileUpload
{
    /// <summary>The largest file Salesforce takes in one upload (2 GB, for ContentVersion through the REST API).</summary>
    public const long MaxSize = 2L * 1024 * 1024 * 1024;

    /// <summary>Describes a file to upload.</summary>
    /// <param name="fileName">The file's name with its extension, such as <c>invoice.pdf</c> (ContentVersion <c>PathOnClient</c>):
    /// Salesforce takes the file type from the extension.</param>
    /// <param name="content">The bytes, read once from the current position. A seekable stream (a file) lets the upload be sent
    /// again after the session expired during it; the stream is not disposed.</param>
    public FileUpload(string fileName, Stream content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanRead)
        {
            throw new ArgumentException("The file content stream cannot be read.", nameof(content));
        }

        FileName = System.IO.Path.GetFileName(fileName);
        Content = content;
    }

    /// <summary>The file's name (ContentVersion <c>PathOnClient</c>), without any folder.</summary>
    public string FileName { get; }

    /// <summary>The bytes.</summary>
    public Stream Content { get; }

    /// <summary>The title shown in Salesforce.</summary>
    /// <value>The default (<see langword="null"/>) is the file name without its extension.</value>
    public string? Title { get; set; }

    /// <summary>A description of the file.</summary>
    /// <value>The default (<see langword="null"/>) sets none.</value>
    public string? Description { get; set; }

    /// <summary>The record the file is attached to, such as a Case or a Lead (ContentVersion <c>FirstPublishLocationId</c>):
    /// Salesforce links the new file to it in the same call. Link it to more records with <see cref="SalesforceClient.LinkFileAsync"/>.</summary>
    /// <value>The default (<see langword="null"/>) leaves the file in the uploading user's library, linked to no record.</value>
    public string? RecordId { get; set; }

    /// <summary>The file (ContentDocument id, <c>069...</c>) this upload is a new version of; its links stay as they are.</summary>
    /// <value>The default (<see langword="null"/>) creates a new file.</value>
    public string? ContentDocumentId { get; set; }

    /// <summary>Why a new version was uploaded (ContentVersion <c>ReasonForChange</c>), shown in its version history.</summary>
    /// <value>The default (<see langword="null"/>) sets none.</value>
    public string? ReasonForChange { get; set; }
}
