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
    private readonly IReadOnlyList<object?[]>? _groups;
    private readonly IReadOnlyList<SoqlAggregateColumn> _aggregateColumns = [];
    private readonly bool _groupBy;

    internal SoqlQueryResult(SoqlObjectInfo entity, bool isCount, int totalSize, IReadOnlyList<SoqlRecord> rows, SoqlProjection projection, ISoqlCatalog catalog)
    {
        _entity = entity;
        IsCount = isCount;
        TotalSize = totalSize;
        _rows = rows;
        _projection = projection;
        _catalog = catalog;
    }

    /// <summary>An aggregate query's rows: one value per output column, in SELECT order.</summary>
    internal SoqlQueryResult(SoqlObjectInfo entity, IReadOnlyList<object?[]> groups, IReadOnlyList<SoqlAggregateColumn> columns, bool groupBy, ISoqlCatalog catalog)
    {
        _entity = entity;
        _groups = groups;
        _aggregateColumns = columns;
        _groupBy = groupBy;
        TotalSize = groups.Count;
        _rows = [];
        _projection = new SoqlProjection();
        _catalog = catalog;
    }

    public string EntityName => _entity.Name;

    public bool IsCount { get; }

    public int TotalSize { get; }

    public int RowCount => _groups?.Count ?? _rows.Count;

    /// <summary>The selected columns, for callers that render rows in another shape (Bulk API 2.0 CSV).</summary>
    internal IReadOnlyList<SoqlProjectionNode> Columns => _projection.Roots;

    /// <summary>The stored record behind a row, for callers (and tests) that need more than its JSON.</summary>
    internal SoqlRecord RecordAt(int rowIndex) => _rows[rowIndex];

    public void WriteRecord(Utf8JsonWriter writer, int rowIndex, string apiVersion)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_groups is null)
        {
            SoqlProjection.WriteRecord(writer, _rows[rowIndex], _entity.Name, _projection.Roots, apiVersion, _catalog);
            return;
        }

        // Aggregate rows are not records: their attributes carry no url.
        var values = _groups[rowIndex];
        writer.WriteStartObject();
        writer.WriteStartObject("attributes");
        writer.WriteString("type", "AggregateResult");
        writer.WriteEndObject();
        for (var i = 0; i < _aggregateColumns.Count; i++)
        {
            writer.WritePropertyName(_aggregateColumns[i].Name);
            FieldValues.Write(writer, _aggregateColumns[i].Type, values[i]);
        }

        writer.WriteEndObject();
    }

    public void WriteColumnMetadata(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("columnMetadata");
        if (IsCount)
        {
            WriteColumn(writer, "expr0", "expr0", "Integer", aggregate: true, field: null, category: ValueCategory.Number, children: []);
        }

        foreach (var column in _aggregateColumns)
        {
            WriteColumn(writer, column.Name, column.DisplayName, ApexType(column.Type), aggregate: true, column.Field, SoqlBinder.Category(column.Type), children: []);
        }

        foreach (var node in _projection.Roots)
        {
            WriteNode(writer, node);
        }

        writer.WriteEndArray();
        writer.WriteString("entityName", _entity.Name);
        writer.WriteBoolean("groupBy", _groupBy);
        writer.WriteBoolean("idSelected", _projection.Roots.Any(n => n.Field is { Type: FieldType.Id }));
        writer.WriteString("keyPrefix", _entity.KeyPrefix);
        writer.WriteEndObject();
    }

    // A subquery column is an aggregate with join columns (the Salesforce CLI tells subqueries from parents by that).
    private static void WriteNode(Utf8JsonWriter writer, SoqlProjectionNode node) =>
        WriteColumn(writer, node.Name, node.Name, node.Field is null ? null : ApexType(node.Field.Type), aggregate: node.ChildQuery is not null, node.Field,
            node.Field is null ? null : SoqlBinder.Category(node.Field.Type), node.ChildQuery?.Projection.Roots ?? node.Children);

    private static void WriteColumn(
        Utf8JsonWriter writer, string name, string displayName, string? apexType, bool aggregate, SoqlFieldInfo? field, ValueCategory? category, IReadOnlyList<SoqlProjectionNode> children)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("aggregate", aggregate);
        writer.WriteString("apexType", apexType);
        writer.WriteBoolean("booleanType", category == ValueCategory.Boolean);
        writer.WriteString("columnName", name);
        writer.WriteBoolean("custom", field?.Custom ?? false);
        writer.WriteString("displayName", displayName);
        writer.WriteNull("foreignKeyName");
        writer.WriteBoolean("insertable", field?.Createable ?? false);
        writer.WriteStartArray("joinColumns");
        foreach (var child in children)
        {
            WriteNode(writer, child);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("numberType", category == ValueCategory.Number);
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
