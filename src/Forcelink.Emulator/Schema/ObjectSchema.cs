using Forcelink.Emulator.Records;
using Forcelink.Emulator.Soql;

namespace Forcelink.Emulator.Schema;

internal sealed record PicklistEntry(string Value, bool IsDefault);

/// <summary>One field as describe reports it, plus the save rules the emulator enforces.</summary>
internal sealed record FieldDefinition
{
    public required string Name { get; init; }
    public required string Label { get; init; }
    public required FieldType Type { get; init; }
    public int Length { get; init; }
    public int Precision { get; init; }
    public int Scale { get; init; }
    public bool Nillable { get; init; } = true;
    public bool Createable { get; init; } = true;
    public bool Updateable { get; init; } = true;
    public bool DefaultedOnCreate { get; init; }

    /// <summary>Not nillable and not defaulted: omitting it on create is REQUIRED_FIELD_MISSING.</summary>
    public bool Required { get; init; }

    public bool ExternalId { get; init; }
    public bool Unique { get; init; }
    public bool Custom { get; init; }
    public bool RestrictedPicklist { get; init; }
    public IReadOnlyList<PicklistEntry> PicklistValues { get; init; } = [];
    public IReadOnlyList<string> ReferenceTo { get; init; } = [];
    public string? RelationshipName { get; init; }
    public object? DefaultValue { get; init; }

    public string DescribeType => Type switch
    {
        FieldType.Id => "id",
        FieldType.String => "string",
        FieldType.TextArea => "textarea",
        FieldType.Picklist => "picklist",
        FieldType.MultiPicklist => "multipicklist",
        FieldType.Email => "email",
        FieldType.Phone => "phone",
        FieldType.Url => "url",
        FieldType.Boolean => "boolean",
        FieldType.Int => "int",
        FieldType.Double => "double",
        FieldType.Currency => "currency",
        FieldType.Percent => "percent",
        FieldType.Date => "date",
        FieldType.DateTime => "datetime",
        FieldType.Reference => "reference",
        FieldType.Base64 => "base64",
        _ => "anyType",
    };

    public bool IsText => Type is FieldType.String or FieldType.TextArea or FieldType.Picklist or FieldType.MultiPicklist
        or FieldType.Email or FieldType.Phone or FieldType.Url;

    public SoqlFieldInfo ToSoql() => new(
        Name, Label, Type, Custom, Createable, Updateable,
        Filterable: (Type is not FieldType.TextArea || Length <= 255) && Type is not FieldType.Base64,
        Sortable: Type is not (FieldType.TextArea or FieldType.MultiPicklist or FieldType.Base64),
        RelationshipName, ReferenceTo);
}

internal sealed class ObjectSchema
{
    private readonly Dictionary<string, FieldDefinition> _byName;
    private readonly Dictionary<string, object?> _defaults;

    public ObjectSchema(string name, string label, string labelPlural, string keyPrefix, bool custom, IReadOnlyList<FieldDefinition> fields)
    {
        Name = name;
        Label = label;
        LabelPlural = labelPlural;
        KeyPrefix = keyPrefix;
        Custom = custom;
        Fields = fields;
        _byName = fields.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        RequiredFields = [.. fields.Where(f => f.Required)];
        UniqueFields = [.. fields.Where(f => f.Unique)];
        ExternalIdFields = [.. fields.Where(f => f.ExternalId)];
        _defaults = new Dictionary<string, object?>(fields.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var field in fields)
        {
            _defaults[field.Name] = field.DefaultValue;
        }
        SoqlInfo = new SoqlObjectInfo(name, label, keyPrefix, custom, [.. fields.Select(f => f.ToSoql())]);
    }

    public string Name { get; }
    public string Label { get; }
    public string LabelPlural { get; }
    public string KeyPrefix { get; }
    public bool Custom { get; }
    public IReadOnlyList<FieldDefinition> Fields { get; }

    // Every save checks these; filtering Fields per record was a tenth of a bulk upsert's time.
    public FieldDefinition[] RequiredFields { get; }
    public FieldDefinition[] UniqueFields { get; }
    public FieldDefinition[] ExternalIdFields { get; }
    public SoqlObjectInfo SoqlInfo { get; }

    /// <summary>Users and the org itself are managed through Setup, not deleted through the API.</summary>
    public bool Deletable => Name is not ("User" or "Organization");

    /// <summary>Neither is in the SOSL index of a real org.</summary>
    public bool Searchable => Name is not ("User" or "Organization");

    public FieldDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>A new record holding every field at its default: copying a dictionary with the same comparer skips rehashing.</summary>
    public Dictionary<string, object?> NewRecord() => new(_defaults, StringComparer.OrdinalIgnoreCase);
}
