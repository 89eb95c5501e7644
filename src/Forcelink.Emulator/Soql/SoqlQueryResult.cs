using System.Text.Json;
using Forcelink.Emulator.Records;

namespace Forcelink.Emulator.Soql;

/// <summary>
/// The matching rows of one query, kept as references to the catalog's records plus the projection; JSON is produced
/// per row on demand so the REST layer can page through large results.
/// </summary>
internal sealed class SoqlQueryResult
{
    private readonly IReadOnlyList<SoqlRecord> _rows;
    private readonly SoqlProjection _projection;
    private readonly SoqlObjectInfo _entity;
    private readonly ISoqlCatalog _catalog;

    internal SoqlQueryResult(SoqlObjectInfo entity, bool isCount, int totalSize, IReadOnlyList<SoqlRecord> rows, SoqlProjection projection, ISoqlCatalog catalog)
    {
        _entity = entity;
        IsCount = isCount;
        TotalSize = totalSize;
        _rows = rows;
        _projection = projection;
        _catalog = catalog;
    }

    public string EntityName => _entity.Name;

    public bool IsCount { get; }

    public int TotalSize { get; }

    public int RowCount => _rows.Count;

    /// <summary>The stored record behind a row, for callers (and tests) that need more than its JSON.</summary>
    internal SoqlRecord RecordAt(int rowIndex) => _rows[rowIndex];

    public void WriteRecord(Utf8JsonWriter writer, int rowIndex, string apiVersion) =>
        SoqlProjection.WriteRecord(writer, _rows[rowIndex], _entity.Name, _projection.Roots, apiVersion, _catalog);

    public void WriteColumnMetadata(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("columnMetadata");
        if (IsCount)
        {
            WriteColumn(writer, "expr0", "Integer", aggregate: true, field: null, children: []);
        }

        foreach (var node in _projection.Roots)
        {
            WriteNode(writer, node);
        }

        writer.WriteEndArray();
        writer.WriteString("entityName", _entity.Name);
        writer.WriteBoolean("groupBy", false);
        writer.WriteBoolean("idSelected", _projection.Roots.Any(n => n.Field is { Type: FieldType.Id }));
        writer.WriteString("keyPrefix", _entity.KeyPrefix);
        writer.WriteEndObject();
    }

    private static void WriteNode(Utf8JsonWriter writer, SoqlProjectionNode node) =>
        WriteColumn(writer, node.Name, node.Field is null ? null : ApexType(node.Field.Type), aggregate: false, node.Field, node.Children);

    private static void WriteColumn(Utf8JsonWriter writer, string name, string? apexType, bool aggregate, SoqlFieldInfo? field, IReadOnlyList<SoqlProjectionNode> children)
    {
        var category = field is null ? (ValueCategory?)null : SoqlBinder.Category(field.Type);
        writer.WriteStartObject();
        writer.WriteBoolean("aggregate", aggregate);
        writer.WriteString("apexType", apexType);
        writer.WriteBoolean("booleanType", category == ValueCategory.Boolean);
        writer.WriteString("columnName", name);
        writer.WriteBoolean("custom", field?.Custom ?? false);
        writer.WriteString("displayName", name);
        writer.WriteNull("foreignKeyName");
        writer.WriteBoolean("insertable", field?.Createable ?? false);
        writer.WriteStartArray("joinColumns");
        foreach (var child in children)
        {
            WriteNode(writer, child);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("numberType", category == ValueCategory.Number || aggregate);
        writer.WriteBoolean("textType", category == ValueCategory.Text);
        writer.WriteBoolean("updatable", field?.Updateable ?? false);
        writer.WriteEndObject();
    }

    private static string ApexType(FieldType type) => type switch
    {
        FieldType.Id or FieldType.Reference => "Id",
        FieldType.Boolean => "Boolean",
        FieldType.Int => "Integer",
        FieldType.Double or FieldType.Percent => "Double",
        FieldType.Currency => "Decimal",
        FieldType.Date => "Date",
        FieldType.DateTime => "Datetime",
        _ => "String",
    };
}
