using System.Text.Json;
using Forcelink.Emulator.Ids;
using Forcelink.Emulator.Org;
using Forcelink.Emulator.Records;
using Forcelink.Emulator.Schema;

namespace Forcelink.Emulator.Api;

/// <summary>
/// Salesforce Files as the API shows them: inserting a ContentVersion stores its bytes, creates its ContentDocument (or
/// adds a version to an existing one) and the links that share it with its owner and with <c>FirstPublishLocationId</c>;
/// links to a document are unique per record; deleting a document deletes its versions and links. The caller holds the org gate.
/// </summary>
internal sealed class FilesApi(EmulatedOrg org, RecordWriter writer)
{
    /// <summary>Salesforce's limit on a JSON (base64) VersionData; larger files go multipart.</summary>
    private const int MaxBase64Bytes = 50 * 1024 * 1024;

    /// <summary>File types Salesforce reports for common extensions; others are UNKNOWN.</summary>
    private static readonly Dictionary<string, string> FileTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pdf"] = "PDF", ["txt"] = "TEXT", ["csv"] = "CSV", ["png"] = "PNG", ["jpg"] = "JPG", ["jpeg"] = "JPEG", ["gif"] = "GIF",
        ["doc"] = "WORD", ["docx"] = "WORD_X", ["xls"] = "EXCEL", ["xlsx"] = "EXCEL_X", ["ppt"] = "POWER_POINT", ["pptx"] = "POWER_POINT_X",
        ["zip"] = "ZIP", ["xml"] = "XML", ["json"] = "JSON", ["html"] = "HTML", ["htm"] = "HTML", ["rtf"] = "RTF", ["eml"] = "EML", ["mp4"] = "MP4",
    };

    /// <summary>A ContentVersion insert with the bytes base64-encoded in the JSON body (<c>"VersionData": "..."</c>).</summary>
    public ApiResult CreateFromJson(ApiCall call)
    {
        var body = JsonBodies.Parse(call.Body);
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiResult.Error(400, "JSON_PARSER_ERROR", $"Cannot deserialize instance of ContentVersion from {body.ValueKind} value or request may be missing a required field");
        }

        StagedBlob? blob = null;
        if (body.TryGetProperty("VersionData", out var data) && data.ValueKind == JsonValueKind.String)
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(data.GetString()!);
            }
            catch (FormatException)
            {
                return ApiResult.Error(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of base64 from VALUE_STRING value (not valid base64) or request may be missing a required field");
            }

            if (bytes.Length > MaxBase64Bytes)
            {
                return ApiResult.Error(400, "STRING_TOO_LONG", "Version Data: data value too large: send files over 37.5 MB as a multipart request", ["VersionData"]);
            }

            using var source = new MemoryStream(bytes, writable: false);
            blob = org.Blobs.Stage(source);
        }

        var result = InsertVersion(call, body, blob);
        if (blob is not null && result.Status >= 300)
        {
            BlobStore.Discard(blob);
        }

        return result;
    }

    /// <summary>Inserts a version whose bytes are already staged (multipart upload or decoded base64); the blob is filed under
    /// the new version's id on success and left to the caller to discard on failure.</summary>
    public ApiResult InsertVersion(ApiCall call, JsonElement fields, StagedBlob? blob)
    {
        var versions = org.Store.Find(ContentObjects.Version)!;
        if (blob is null)
        {
            return ApiResult.Error(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [VersionData]", ["VersionData"]);
        }

        var ownTransaction = !org.Store.InTransaction;
        if (ownTransaction)
        {
            org.Store.Begin();
        }

        var created = writer.Create(versions, Without(fields, "VersionData"), call.Session);
        if (!created.Success)
        {
            if (ownTransaction)
            {
                org.Store.Rollback();
            }

            return ApiResult.SaveFailure(created);
        }

        var now = org.TimeProvider.GetUtcNow();
        var version = new Dictionary<string, object?>(org.Store.Get(created.Id!)!.Value.Fields, StringComparer.OrdinalIgnoreCase);
        var path = (string?)version["PathOnClient"] ?? "";
        var extension = Path.GetExtension(path).TrimStart('.');
        version["Title"] ??= Path.GetFileNameWithoutExtension(path) is { Length: > 0 } stem ? stem : path;
        version["FileExtension"] = extension.Length == 0 ? null : extension.ToLowerInvariant();
        version["FileType"] = FileTypes.GetValueOrDefault(extension, "UNKNOWN");
        version["ContentSize"] = (decimal)blob.Size;
        version["Checksum"] = blob.Md5;
        version["IsLatest"] = true;
        version["ContentModifiedDate"] ??= now;
        version["VersionData"] = $"{call.VersionPrefix}/sobjects/{ContentObjects.Version}/{created.Id}/VersionData";

        var documents = org.Store.Find(ContentObjects.Document)!;
        Dictionary<string, object?> document;
        if (version["ContentDocumentId"] is string documentId)
        {
            // A new version of an existing file: it becomes the latest, and the file takes its size and type.
            document = new Dictionary<string, object?>(org.Store.Get(documentId)!.Value.Fields, StringComparer.OrdinalIgnoreCase);
            var previous = org.Store.Rows(versions.Name, includeDeleted: false)
                .Where(r => (string?)r["ContentDocumentId"] == documentId && (string)r["Id"]! != created.Id).ToList();
            foreach (var old in previous.Where(r => r["IsLatest"] is true))
            {
                org.Store.Put(versions, new Dictionary<string, object?>(old, StringComparer.OrdinalIgnoreCase) { ["IsLatest"] = false, ["SystemModstamp"] = now });
            }

            version["VersionNumber"] = (previous.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            document = SystemRecord(documents, call.Session, now);
            document["OwnerId"] = version["OwnerId"];
            version["ContentDocumentId"] = document["Id"];
            version["VersionNumber"] = "1";
        }

        document["Title"] = version["Title"];
        document["FileType"] = version["FileType"];
        document["FileExtension"] = version["FileExtension"];
        document["ContentSize"] = version["ContentSize"];
        document["Description"] = version["Description"] ?? document.GetValueOrDefault("Description");
        document["LatestPublishedVersionId"] = created.Id;
        document["ContentModifiedDate"] = version["ContentModifiedDate"];
        document["LastModifiedDate"] = document["SystemModstamp"] = now;
        document["LastModifiedById"] = call.Session.User.Id;
        org.Store.Put(documents, document);
        org.Store.Put(versions, version);

        if ((string?)version["VersionNumber"] == "1")
        {
            // Salesforce shares a new file with its owner, and with the record it was first published to.
            var links = org.Store.Find(ContentObjects.Link)!;
            org.Store.Put(links, NewLink(links, call.Session, now, (string)document["Id"]!, (string)version["OwnerId"]!, "I"));
            if (version["FirstPublishLocationId"] is string location && location != (string)version["OwnerId"]!)
            {
                org.Store.Put(links, NewLink(links, call.Session, now, (string)document["Id"]!, location, "V"));
            }
        }

        if (ownTransaction)
        {
            org.Store.Commit();
        }

        org.Blobs.Commit(blob, created.Id!);
        var result = ApiResult.Json(201, created.WriteSingle);
        result.Headers["Location"] = $"{call.VersionPrefix}/sobjects/{ContentObjects.Version}/{created.Id}";
        return result;
    }

    /// <summary>A link insert: a document is linked to a record at most once.</summary>
    public ApiResult CreateLink(ApiCall call, ObjectSchema links)
    {
        var body = JsonBodies.Parse(call.Body);
        if (body.ValueKind == JsonValueKind.Object
            && TryGetId(body, "ContentDocumentId", out var documentId) && TryGetId(body, "LinkedEntityId", out var entityId)
            && org.Store.Rows(links.Name, includeDeleted: false).Any(r => (string?)r["ContentDocumentId"] == documentId && (string?)r["LinkedEntityId"] == entityId))
        {
            return ApiResult.Error(400, "DUPLICATE_VALUE", $"Document with ID: {documentId[..15]} is already linked with the entity with ID: {entityId[..15]}", []);
        }

        var result = writer.Create(links, body, call.Session);
        if (!result.Success)
        {
            return ApiResult.SaveFailure(result);
        }

        var created = ApiResult.Json(201, result.WriteSingle);
        created.Headers["Location"] = $"{call.VersionPrefix}/sobjects/{links.Name}/{result.Id}";
        return created;
    }

    /// <summary>Deleting a document deletes its versions and links with it, as the Files home page does.</summary>
    public ApiResult DeleteDocument(ApiCall call, ObjectSchema documents, string documentId)
    {
        var ownTransaction = !org.Store.InTransaction;
        if (ownTransaction)
        {
            org.Store.Begin();
        }

        var result = writer.Delete(documents, documentId, call.Session);
        if (result.Success)
        {
            var now = org.TimeProvider.GetUtcNow();
            foreach (var name in new[] { ContentObjects.Version, ContentObjects.Link })
            {
                var schema = org.Store.Find(name)!;
                foreach (var row in org.Store.Rows(name, includeDeleted: false).Where(r => (string?)r["ContentDocumentId"] == documentId).ToList())
                {
                    org.Store.Put(schema, new Dictionary<string, object?>(row, StringComparer.OrdinalIgnoreCase) { ["IsDeleted"] = true, ["SystemModstamp"] = now });
                }
            }
        }

        if (ownTransaction)
        {
            if (result.Success)
            {
                org.Store.Commit();
            }
            else
            {
                org.Store.Rollback();
            }
        }

        return result.Success ? ApiResult.NoContent() : ApiResult.SaveFailure(result);
    }

    /// <summary>Whether a version's bytes may be read by this session: the answer to refuse with, or null with the length to send.</summary>
    public ApiResult? CheckDownload(Session session, string idText, out string id, out long length)
    {
        length = 0;
        id = "";
        var versions = org.Store.Find(ContentObjects.Version)!;
        if (!org.Directory.PermissionsFor(session.User, versions.Name).Read)
        {
            return ApiResult.NotFound();
        }

        if (!RecordIds.TryNormalize(idText, out var normalized) || !normalized.StartsWith(versions.KeyPrefix, StringComparison.Ordinal))
        {
            return ApiResult.Error(RecordWriter.MalformedId(versions, idText));
        }

        id = normalized;

        if (writer.Existing(versions, id, out _) is { } missing)
        {
            return ApiResult.Error(missing);
        }

        if (!org.Blobs.Exists(id))
        {
            return ApiResult.NotFound();
        }

        length = org.Blobs.Length(id);
        return null;
    }

    private static bool TryGetId(JsonElement body, string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? id18)
    {
        id18 = null;
        return body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && RecordIds.TryNormalize(value.GetString(), out id18);
    }

    private Dictionary<string, object?> NewLink(ObjectSchema links, Session session, DateTimeOffset now, string documentId, string entityId, string shareType)
    {
        var link = SystemRecord(links, session, now);
        link["ContentDocumentId"] = documentId;
        link["LinkedEntityId"] = entityId;
        link["ShareType"] = shareType;
        link["Visibility"] = "AllUsers";
        return link;
    }

    /// <summary>A record Salesforce creates itself, with the system fields a save would set.</summary>
    private Dictionary<string, object?> SystemRecord(ObjectSchema schema, Session session, DateTimeOffset now)
    {
        var record = schema.NewRecord();
        record["Id"] = org.Store.NewId(schema);
        record["IsDeleted"] = false;
        record["CreatedDate"] = now;
        record["CreatedById"] = session.User.Id;
        record["LastModifiedDate"] = now;
        record["LastModifiedById"] = session.User.Id;
        record["SystemModstamp"] = now;
        if (schema.Find("OwnerId") is not null)
        {
            record["OwnerId"] = session.User.Id;
        }

        return record;
    }

    private static JsonElement Without(JsonElement body, string field)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var p in body.EnumerateObject().Where(p => !p.NameEquals(field)))
            {
                p.WriteTo(w);
            }

            w.WriteEndObject();
        }

        return JsonBodies.Detached(buffer.ToArray());
    }
}
