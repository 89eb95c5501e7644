using System.Text.Json;

namespace Forcelink.Emulator.Soql;

/// <summary>
/// A bound child-relationship subquery: the child object, the reference field that points at the parent, the child
/// columns, and, once the parent rows are known, each parent's matching children (filtered, ordered, limited per parent).
/// </summary>
internal sealed class SoqlChildQuery(string name, SoqlObjectInfo child, string referenceField, SoqlProjection projection)
{
    private Dictionary<string, List<SoqlRecord>> _byParent = new(StringComparer.Ordinal);

    /// <summary>The relationship name as the schema spells it (<c>Contacts</c>), which is the key in each parent record.</summary>
    public string Name { get; } = name;

    public SoqlObjectInfo Child { get; } = child;

    /// <summary>The child's reference field holding the parent id (<c>AccountId</c>).</summary>
    public string ReferenceField { get; } = referenceField;

    public SoqlProjection Projection { get; } = projection;

    public void SetChildren(Dictionary<string, List<SoqlRecord>> byParent) => _byParent = byParent;

    /// <summary>Salesforce writes a parent's children as a nested query result, or <c>null</c> when it has none.</summary>
    public void Write(Utf8JsonWriter writer, SoqlRecord parent, string apiVersion, ISoqlCatalog catalog)
    {
        if (parent.Fields.GetValueOrDefault("Id") is not string id || !_byParent.TryGetValue(id, out var children) || children.Count == 0)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        writer.WriteNumber("totalSize", children.Count);
        writer.WriteBoolean("done", true);
        writer.WriteStartArray("records");
        foreach (var child in children)
        {
            SoqlProjection.WriteRecord(writer, child, Child.Name, Projection.Roots, apiVersion, catalog);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
