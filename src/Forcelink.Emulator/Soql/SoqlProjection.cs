using System.Text.Json;
using Forcelink.Emulator.Records;

namespace Forcelink.Emulator.Soql;

/// <summary>
/// The selected columns as Salesforce nests them: plain fields, and parent relationships as objects holding their own
/// fields, each placed where its first path appears in the SELECT list.
/// </summary>
internal sealed class SoqlProjection
{
    private readonly List<SoqlProjectionNode> _roots = [];

    public IReadOnlyList<SoqlProjectionNode> Roots => _roots;

    public void Add(SoqlFieldAccessor accessor)
    {
        var level = _roots;
        foreach (var relationship in accessor.Relationships)
        {
            var node = level.FirstOrDefault(n => n.Relationship is not null &&
                string.Equals(n.Relationship.Name, relationship.Name, StringComparison.OrdinalIgnoreCase));
            if (node is null)
            {
                node = new SoqlProjectionNode(relationship.RelationshipName!, relationship, null);
                level.Add(node);
            }

            level = node.Children;
        }

        level.Add(new SoqlProjectionNode(accessor.Field.Name, null, accessor.Field));
    }

    public void AddChildren(SoqlChildQuery children) => _roots.Add(new SoqlProjectionNode(children.Name, null, null) { ChildQuery = children });

    public static void WriteRecord(Utf8JsonWriter writer, SoqlRecord record, string typeName, IReadOnlyList<SoqlProjectionNode> nodes, string apiVersion, ISoqlCatalog catalog)
    {
        writer.WriteStartObject();
        WriteAttributes(writer, typeName, record, apiVersion);
        foreach (var node in nodes)
        {
            writer.WritePropertyName(node.EncodedName);
            if (node.ChildQuery is { } children)
            {
                children.Write(writer, record, apiVersion, catalog);
                continue;
            }

            if (node.Field is not null)
            {
                FieldValues.Write(writer, node.Field.Type, record.Fields.TryGetValue(node.Field.Name, out var value) ? value : null);
                continue;
            }

            var parent = record.Fields.TryGetValue(node.Relationship!.Name, out var id) && id is string parentId ? catalog.FindById(parentId) : null;
            if (parent is null)
            {
                writer.WriteNullValue();
                continue;
            }

            WriteRecord(writer, parent, catalog.FindObject(parent.ObjectName)?.Name ?? parent.ObjectName, node.Children, apiVersion, catalog);
        }

        writer.WriteEndObject();
    }

    public static void WriteAttributes(Utf8JsonWriter writer, string typeName, SoqlRecord record, string apiVersion)
    {
        writer.WriteStartObject(AttributesName);
        writer.WriteString(TypeName, typeName);

        // Formatted into a stack buffer: a page of 2,000 records would otherwise build 2,000 URL strings to copy once.
        var id = record.Fields.TryGetValue("Id", out var value) ? value : null;
        Span<char> url = stackalloc char[256];
        if (url.TryWrite($"/services/data/v{apiVersion}/sobjects/{typeName}/{id}", out var written))
        {
            writer.WriteString(UrlName, url[..written]);
        }
        else
        {
            writer.WriteString(UrlName, $"/services/data/v{apiVersion}/sobjects/{typeName}/{id}");
        }

        writer.WriteEndObject();
    }

    private static readonly JsonEncodedText AttributesName = JsonEncodedText.Encode("attributes");
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText UrlName = JsonEncodedText.Encode("url");
}

/// <summary>A selected field (<see cref="Field"/>), a parent relationship (<see cref="Relationship"/>) with its own columns in
/// <see cref="Children"/>, or a child-relationship subquery (<see cref="ChildQuery"/>).</summary>
internal sealed class SoqlProjectionNode(string name, SoqlFieldInfo? relationship, SoqlFieldInfo? field)
{
    public string Name { get; } = name;

    /// <summary><see cref="Name"/> escaped once for the writer: every record of every page writes it.</summary>
    public JsonEncodedText EncodedName { get; } = JsonEncodedText.Encode(name, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

    public SoqlFieldInfo? Relationship { get; } = relationship;

    public SoqlFieldInfo? Field { get; } = field;

    public List<SoqlProjectionNode> Children { get; } = [];

    public SoqlChildQuery? ChildQuery { get; init; }
}
