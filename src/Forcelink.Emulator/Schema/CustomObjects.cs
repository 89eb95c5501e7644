using System.Globalization;
using Forcelink.Emulator.Hosting;
using Forcelink.Emulator.Records;

namespace Forcelink.Emulator.Schema;

/// <summary>Builds <c>__c</c> objects from seed definitions.</summary>
internal static class CustomObjects
{
    public static IEnumerable<ObjectSchema> Build(IEnumerable<CustomObjectOptions> definitions)
    {
        var next = 0;
        foreach (var definition in definitions)
        {
            if (!definition.Name.EndsWith("__c", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Custom object '{definition.Name}' must end with __c.", nameof(definitions));
            }

            var label = definition.Label ?? definition.Name[..^3].Replace('_', ' ');
            var plural = definition.PluralLabel ?? label + "s";
            var prefix = definition.KeyPrefix ?? "a0" + "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[next++ % 36].ToString(CultureInfo.InvariantCulture);
            var fields = StandardObjects.SystemFields(owned: true);
            // A text Name left empty on insert takes the record id, as Salesforce does for custom objects.
            fields.Add(StandardObjects.Text("Name", label + " Name", 80) with { Nillable = false, DefaultedOnCreate = true });
            fields.AddRange(definition.Fields.Select(f => BuildField(f, plural)));
            yield return new ObjectSchema(definition.Name, label, plural, prefix, custom: true, fields);
        }
    }

    /// <summary>Adds seed-defined <c>__c</c> fields to standard objects, as an admin adds <c>Ext_Id__c</c> to Lead.</summary>
    public static IEnumerable<ObjectSchema> Extend(IEnumerable<ObjectSchema> standard, IReadOnlyDictionary<string, List<CustomFieldOptions>> customFields)
    {
        foreach (var schema in standard)
        {
            var added = customFields.FirstOrDefault(p => string.Equals(p.Key, schema.Name, StringComparison.OrdinalIgnoreCase)).Value;
            yield return added is null or { Count: 0 }
                ? schema
                : new ObjectSchema(schema.Name, schema.Label, schema.LabelPlural, schema.KeyPrefix, schema.Custom, [.. schema.Fields, .. added.Select(f => BuildField(f, schema.LabelPlural))]);
        }

        foreach (var name in customFields.Keys.Where(k => !standard.Any(s => string.Equals(s.Name, k, StringComparison.OrdinalIgnoreCase))))
        {
            throw new ArgumentException($"CustomFields names '{name}', which is not a standard object of the emulator ({string.Join(", ", standard.Select(s => s.Name))}); define custom objects under CustomObjects.", nameof(customFields));
        }
    }

    private static string ChildRelationshipName(string? configured, string pluralLabel)
    {
        var name = configured ?? string.Concat(pluralLabel.Where(char.IsAsciiLetterOrDigit));
        return (name.EndsWith("__r", StringComparison.OrdinalIgnoreCase) ? name[..^3] : name) + "__r";
    }

    /// <param name="f">The field's definition.</param>
    /// <param name="pluralLabel">The plural label of the object holding the field, the default child relationship name.</param>
    private static FieldDefinition BuildField(CustomFieldOptions f, string pluralLabel)
    {
        if (!f.Name.EndsWith("__c", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Custom field '{f.Name}' must end with __c.", nameof(f));
        }

        var type = f.Type.ToUpperInvariant() switch
        {
            "STRING" or "TEXT" => FieldType.String,
            "TEXTAREA" => FieldType.TextArea,
            "PICKLIST" => FieldType.Picklist,
            "MULTIPICKLIST" => FieldType.MultiPicklist,
            "EMAIL" => FieldType.Email,
            "PHONE" => FieldType.Phone,
            "URL" => FieldType.Url,
            "BOOLEAN" or "CHECKBOX" => FieldType.Boolean,
            "INT" => FieldType.Int,
            "DOUBLE" or "NUMBER" => FieldType.Double,
            "CURRENCY" => FieldType.Currency,
            "PERCENT" => FieldType.Percent,
            "DATE" => FieldType.Date,
            "DATETIME" => FieldType.DateTime,
            "REFERENCE" or "LOOKUP" => FieldType.Reference,
            _ => throw new ArgumentException($"Custom field '{f.Name}' has unknown type '{f.Type}'.", nameof(f)),
        };
        var length = f.Length ?? type switch
        {
            FieldType.String => 255,
            FieldType.TextArea => 32768,
            FieldType.Picklist or FieldType.MultiPicklist or FieldType.Url => 255,
            FieldType.Email => 80,
            FieldType.Phone => 40,
            FieldType.Reference => 18,
            _ => 0,
        };
        object? defaultValue = f.DefaultValue is null ? null : type switch
        {
            FieldType.Boolean => bool.Parse(f.DefaultValue),
            FieldType.Int or FieldType.Double or FieldType.Currency or FieldType.Percent => decimal.Parse(f.DefaultValue, CultureInfo.InvariantCulture),
            _ => f.DefaultValue,
        };
        if (type == FieldType.Boolean)
        {
            // Checkboxes are never null: unchecked unless a default says otherwise.
            defaultValue ??= false;
        }

        return new FieldDefinition
        {
            Name = f.Name,
            Label = f.Label ?? f.Name[..^3].Replace('_', ' '),
            Type = type,
            Length = length,
            Precision = type is FieldType.Int or FieldType.Double or FieldType.Currency or FieldType.Percent ? 18 : 0,
            Nillable = !f.Required && type != FieldType.Boolean,
            Required = f.Required,
            DefaultedOnCreate = defaultValue is not null,
            DefaultValue = defaultValue,
            ExternalId = f.ExternalId,
            Unique = f.Unique,
            Custom = true,
            RestrictedPicklist = f.RestrictedPicklist,
            PicklistValues = [.. f.PicklistValues.Select(v => new PicklistEntry(v, v == f.DefaultValue))],
            ReferenceTo = f.ReferenceTo,
            RelationshipName = type == FieldType.Reference ? f.Name[..^3] + "__r" : null,
            ChildRelationshipName = type == FieldType.Reference ? ChildRelationshipName(f.ChildRelationshipName, pluralLabel) : null,
        };
    }
}
