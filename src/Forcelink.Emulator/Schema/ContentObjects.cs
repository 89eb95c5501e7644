using Forcelink.Emulator.Records;

namespace Forcelink.Emulator.Schema;

/// <summary>
/// Salesforce Files: ContentDocument (the file), ContentVersion (each upload of its bytes) and ContentDocumentLink (where
/// it is shared), trimmed to the fields of the field reference that an integration reads or sets. Documents and links
/// are created by Salesforce when a version is inserted; only versions and links are created through the API.
/// </summary>
internal static class ContentObjects
{
    public const string Document = "ContentDocument";
    public const string Version = "ContentVersion";
    public const string Link = "ContentDocumentLink";

    /// <param name="linkable">The objects a file can be shared with (every object but the content objects themselves).</param>
    public static IReadOnlyList<ObjectSchema> Create(IEnumerable<ObjectSchema> linkable)
    {
        string[] targets = [.. linkable.Select(o => o.Name).Where(n => n != "Organization").Order(StringComparer.Ordinal)];
        return
        [
            new(Document, "Content Document", "Content Documents", "069", false, DocumentFields()),
            new(Version, "Content Version", "Content Versions", "068", false, VersionFields(targets)),
            new(Link, "Content Document Link", "Content Document Links", "06A", false, LinkFields(targets)),
        ];
    }

    private static List<FieldDefinition> DocumentFields()
    {
        var f = StandardObjects.SystemFields(owned: true);
        f.AddRange(
        [
            StandardObjects.Text("Title", "Title", 255) with { Nillable = false },
            StandardObjects.ReadOnly(StandardObjects.Text("FileType", "File Type", 20)),
            StandardObjects.ReadOnly(StandardObjects.Text("FileExtension", "File Extension", 40)),
            StandardObjects.ReadOnly(StandardObjects.Typed("ContentSize", "Size", FieldType.Int) with { Precision = 9 }),
            StandardObjects.ReadOnly(StandardObjects.Lookup("LatestPublishedVersionId", "Latest Published Version ID", "LatestPublishedVersion", Version)),
            StandardObjects.Typed("Description", "Description", FieldType.TextArea, 1000),
            StandardObjects.ReadOnly(StandardObjects.Typed("ContentModifiedDate", "Content Modified Date", FieldType.DateTime)),
        ]);
        // Documents come into being with their first version; the API only reads, updates and deletes them.
        return [.. f.Select(d => d with { Createable = false })];
    }

    private static List<FieldDefinition> VersionFields(string[] linkable)
    {
        var f = StandardObjects.SystemFields(owned: true);
        f.AddRange(
        [
            StandardObjects.Lookup("ContentDocumentId", "Content Document ID", "ContentDocument", Document) with { Updateable = false },
            StandardObjects.Text("Title", "Title", 255),
            StandardObjects.Text("PathOnClient", "Path On Client", 500, required: true) with { Updateable = false },
            StandardObjects.Typed("Description", "Description", FieldType.TextArea, 1000),
            StandardObjects.Text("ReasonForChange", "Reason For Change", 1000),
            new FieldDefinition { Name = "VersionData", Label = "Version Data", Type = FieldType.Base64, Updateable = false },
            StandardObjects.ReadOnly(StandardObjects.Typed("ContentSize", "Size", FieldType.Int) with { Precision = 9 }),
            StandardObjects.ReadOnly(StandardObjects.Text("FileType", "File Type", 20)),
            StandardObjects.ReadOnly(StandardObjects.Text("FileExtension", "File Extension", 40)),
            StandardObjects.ReadOnly(StandardObjects.Text("Checksum", "Checksum", 50)),
            StandardObjects.ReadOnly(StandardObjects.Typed("IsLatest", "Is Latest", FieldType.Boolean)) with { Nillable = false, DefaultedOnCreate = true, DefaultValue = false },
            StandardObjects.ReadOnly(StandardObjects.Text("VersionNumber", "Version Number", 20)),
            StandardObjects.Lookup("FirstPublishLocationId", "First Publish Location ID", "FirstPublishLocation", linkable) with { Updateable = false },
            StandardObjects.Pick("ContentLocation", "Content Location", true, "S", "S", "E", "L") with { Updateable = false },
            StandardObjects.Pick("Origin", "Content Origin", true, "C", "C", "H") with { Updateable = false },
            StandardObjects.Pick("SharingOption", "Prevent Others from Sharing and Unsharing", true, "A", "A", "R"),
            StandardObjects.Typed("ContentModifiedDate", "Content Modified Date", FieldType.DateTime) with { Updateable = false },
        ]);
        return f;
    }

    private static List<FieldDefinition> LinkFields(string[] linkable)
    {
        // A link is not owned and has no name, and is identified by what it joins.
        var f = StandardObjects.SystemFields(owned: false).Where(s => s.Name is "Id" or "IsDeleted" or "SystemModstamp").ToList();
        f.AddRange(
        [
            StandardObjects.Lookup("ContentDocumentId", "Content Document ID", "ContentDocument", Document) with { Nillable = false, Required = true, Updateable = false },
            StandardObjects.Lookup("LinkedEntityId", "Linked Entity ID", "LinkedEntity", linkable) with { Nillable = false, Required = true, Updateable = false },
            StandardObjects.Pick("ShareType", "Share Type", true, "V", "V", "C", "I"),
            StandardObjects.Pick("Visibility", "Visibility", true, "AllUsers", "AllUsers", "InternalUsers", "SharedUsers"),
        ]);
        return f;
    }
}
