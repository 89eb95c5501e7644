using System.Buffers;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Forcelink.Records;
using Forcelink.Http;
using Forcelink.Models;
using Forcelink.Soql;

namespace Forcelink;

public partial class SalesforceClient
{
    private static readonly string[] VersionFields =
        ["Id", "ContentDocumentId", "Title", "FileExtension", "FileType", "ContentSize", "Checksum", "CreatedDate"];

    /// <summary>
    /// Uploads a file to Salesforce Files as a new ContentVersion (a multipart <c>POST /sobjects/ContentVersion</c>), attached
    /// to <see cref="FileUpload.RecordId"/> when it is set. The bytes are streamed as they are read, so memory does not grow
    /// with the file. Never retried once sent: a repeat would store the file twice. Two API calls: the upload, then a read of
    /// the new version's document id, size and checksum.
    /// </summary>
    /// <exception cref="ArgumentException">The file is larger than <see cref="FileUpload.MaxSize"/> (2 GB), or an id is malformed.</exception>
    /// <exception cref="SalesforceException">Salesforce refused, for example <c>INVALID_CROSS_REFERENCE_KEY</c> for a record the
    /// user cannot see, or <c>FIELD_INTEGRITY_EXCEPTION</c> for a record of an object that cannot hold files.</exception>
    public virtual async Task<SalesforceFile> UploadFileAsync(FileUpload upload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (upload.Content.CanSeek && upload.Content.Length - upload.Content.Position > FileUpload.MaxSize)
        {
            throw new ArgumentException(
                $"{upload.FileName} is {upload.Content.Length - upload.Content.Position:N0} bytes; Salesforce takes files of at most {FileUpload.MaxSize:N0} bytes (2 GB). Split or compress it.",
                nameof(upload));
        }

        var entity = new JsonObject
        {
            ["Title"] = upload.Title ?? (Path.GetFileNameWithoutExtension(upload.FileName) is { Length: > 0 } stem ? stem : upload.FileName),
            ["PathOnClient"] = upload.FileName,
        };
        if (upload.Description is not null)
        {
            entity["Description"] = upload.Description;
        }

        if (upload.RecordId is not null)
        {
            entity["FirstPublishLocationId"] = CheckId(upload.RecordId, nameof(upload));
        }

        if (upload.ContentDocumentId is not null)
        {
            entity["ContentDocumentId"] = CheckId(upload.ContentDocumentId, nameof(upload));
        }

        if (upload.ReasonForChange is not null)
        {
            entity["ReasonForChange"] = upload.ReasonForChange;
        }

        using var activity = StartActivity("uploadFile", "ContentVersion");
        using var multipart = new MultipartFormDataContent();
        // The part names are Salesforce's: entity_content for the record's fields, then the blob field's own name.
        multipart.Add(JsonBody(entity), "entity_content");
        var bytes = new StreamContent(new LeaveOpenStream(upload.Content)) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } };
        multipart.Add(bytes, "VersionData", upload.FileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, await DataPathAsync("sobjects/ContentVersion", cancellationToken).ConfigureAwait(false))
        {
            Content = multipart,
        };
        string versionId;
        using (var response = await SendAsync(request, idempotent: false, cancellationToken).ConfigureAwait(false))
        {
            var saved = await ReadObjectAsync(response, cancellationToken).ConfigureAwait(false);
            versionId = saved["id"]?.GetValue<string>()
                ?? throw new SalesforceException("Salesforce answered the file upload without an id.", (int)response.StatusCode, $"ERROR_HTTP_{(int)response.StatusCode}");
        }

        var version = await GetAsync("ContentVersion", versionId, VersionFields, cancellationToken).ConfigureAwait(false);
        return new SalesforceFile(
            version.GetString("ContentDocumentId") ?? "",
            versionId,
            version.GetString("Title") ?? "",
            version.GetString("FileExtension"),
            version.GetString("FileType"),
            (long)(version.GetDecimal("ContentSize") ?? 0),
            version.GetString("Checksum"),
            version.CreatedDate);
    }

    /// <summary>Shares an uploaded file with a record, such as a Case or a Lead, by creating a ContentDocumentLink (visible to
    /// all users who can see the record). A file may be linked to many records; linking it twice to the same one is refused.</summary>
    /// <param name="contentDocumentId">The file (<c>069...</c>), <see cref="SalesforceFile.ContentDocumentId"/>.</param>
    /// <param name="recordId">The record.</param>
    /// <param name="shareType">What users who see the record may do with the file; the default is <see cref="FileShareType.Viewer"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new link's id (<c>06A...</c>).</returns>
    public virtual async Task<string> LinkFileAsync(string contentDocumentId, string recordId, FileShareType shareType = FileShareType.Viewer, CancellationToken cancellationToken = default)
    {
        var link = new SObject("ContentDocumentLink");
        link.Set("ContentDocumentId", CheckId(contentDocumentId));
        link.Set("LinkedEntityId", CheckId(recordId));
        link.Set("ShareType", shareType switch
        {
            FileShareType.Collaborator => "C",
            FileShareType.Inferred => "I",
            _ => "V",
        });
        link.Set("Visibility", "AllUsers");
        return await CreateAsync(link, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The files linked to a record, newest first, read with one query of its ContentDocumentLinks.</summary>
    /// <param name="recordId">The record, such as a Case or a Lead.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public virtual async IAsyncEnumerable<SalesforceFile> ListFilesAsync(string recordId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        CheckId(recordId);
        var query = new SoqlQuery(
            $"SELECT ContentDocumentId, ContentDocument.Title, ContentDocument.LatestPublishedVersionId, ContentDocument.FileExtension, ContentDocument.FileType, ContentDocument.ContentSize, ContentDocument.CreatedDate FROM ContentDocumentLink WHERE LinkedEntityId = {recordId} ORDER BY ContentDocument.CreatedDate DESC");
        await foreach (var link in QueryAsync(query, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var document = link.GetRelated("ContentDocument");
            if (document is null)
            {
                continue;
            }

            yield return new SalesforceFile(
                link.GetString("ContentDocumentId") ?? "",
                document.GetString("LatestPublishedVersionId") ?? "",
                document.GetString("Title") ?? "",
                document.GetString("FileExtension"),
                document.GetString("FileType"),
                (long)(document.GetDecimal("ContentSize") ?? 0),
                Checksum: null,
                document.CreatedDate);
        }
    }

    /// <summary>Opens a file's bytes as a stream read from the connection as it arrives
    /// (<c>GET /sobjects/ContentVersion/{id}/VersionData</c>). Dispose it to release the connection.</summary>
    /// <param name="fileId">A version (<c>068...</c>), or a document (<c>069...</c>) whose latest version is read (one more call).</param>
    /// <param name="cancellationToken">Cancels opening; reads take their own token.</param>
    /// <exception cref="SalesforceException"><c>NOT_FOUND</c> (404) for a file that does not exist or that the user cannot see.</exception>
    public virtual async Task<Stream> OpenFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        CheckId(fileId);
        var versionId = fileId;
        if (fileId.StartsWith("069", StringComparison.Ordinal))
        {
            var document = await GetAsync("ContentDocument", fileId, ["LatestPublishedVersionId"], cancellationToken).ConfigureAwait(false);
            versionId = document.GetString("LatestPublishedVersionId")
                ?? throw new SalesforceException($"The file {fileId} has no published version to download.", 404, "NOT_FOUND");
        }

        using var activity = StartActivity("downloadFile", "ContentVersion");
        using var request = new HttpRequestMessage(HttpMethod.Get, await DataPathAsync($"sobjects/ContentVersion/{versionId}/VersionData", cancellationToken).ConfigureAwait(false));
        var response = await SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false);
        try
        {
            return new DownloadStream(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Copies a file's bytes into <paramref name="destination"/> in constant memory.</summary>
    /// <param name="fileId">A version (<c>068...</c>) or a document (<c>069...</c>, its latest version).</param>
    /// <param name="destination">Where the bytes go; not disposed.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>How many bytes were copied.</returns>
    public virtual async Task<long> DownloadFileAsync(string fileId, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var source = await OpenFileAsync(fileId, cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(81_920);
            try
            {
                long copied = 0;
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    copied += read;
                }

                return copied;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
