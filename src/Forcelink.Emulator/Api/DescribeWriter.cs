using System.Text.Json;
using Forcelink.Emulator.Hosting;
using Forcelink.Emulator.Records;
using Forcelink.Emulator.Schema;
using Forcelink.Emulator.Soql;

namespace Forcelink.Emulator.Api;

/// <summary>
/// The describe bodies: an object's summary (describeGlobal and describe share it), its child relationships and its
/// fields, with every key a recorded describe carries (restforce's Whizbang describe) and values derived from the schema.
/// </summary>
internal static class DescribeWriter
{
    /// <summary>Objects whose records can be merged in a real org.</summary>
    private static readonly HashSet<string> Mergeable = new(["Account", "Contact", "Lead", "Case"], StringComparer.Ordinal);

    public static void WriteSummary(Utf8JsonWriter w, ObjectSchema schema, ObjectPermissions permissions, string version)
    {
        w.WriteString("name", schema.Name);
        w.WriteString("label", schema.Label);
        w.WriteString("labelPlural", schema.LabelPlural);
        w.WriteString("keyPrefix", schema.KeyPrefix);
        w.WriteBoolean("custom", schema.Custom);
        w.WriteBoolean("customSetting", false);
        w.WriteBoolean("activateable", false);
        w.WriteBoolean("createable", permissions.Create);
        w.WriteBoolean("updateable", permissions.Edit);
        w.WriteBoolean("deletable", permissions.Delete && schema.Deletable);
        w.WriteBoolean("undeletable", permissions.Delete && schema.Deletable);
        w.WriteBoolean("mergeable", permissions.Delete && Mergeable.Contains(schema.Name));
        w.WriteBoolean("queryable", permissions.Read);
        w.WriteBoolean("retrieveable", permissions.Read);
        w.WriteBoolean("replicateable", schema.Name is not ("Organization" or ContentObjects.Link));
        w.WriteBoolean("searchable", schema.Searchable);
        w.WriteBoolean("triggerable", schema.Name is not "Organization");
        w.WriteBoolean("feedEnabled", false);
        w.WriteBoolean("deprecatedAndHidden", false);
        w.WriteBoolean("layoutable", true);
        w.WriteStartObject("urls");
        var root = $"/services/data/v{version}/sobjects/{schema.Name}";
        w.WriteString("sobject", root);
        w.WriteString("describe", root + "/describe");
        w.WriteString("rowTemplate", root + "/{ID}");
        w.WriteEndObject();
    }

    /// <summary>The keys a full describe adds to the summary, before <c>fields</c>: layouts the emulator does not have are null.</summary>
    public static void WriteDescribeExtras(Utf8JsonWriter w, IReadOnlyList<SoqlChildRelationship> children)
    {
        w.WriteNull("listviewable");
        w.WriteNull("lookupLayoutable");
        w.WriteNull("searchLayoutable");
        w.WriteStartArray("childRelationships");
        foreach (var child in children)
        {
            w.WriteStartObject();
            w.WriteBoolean("cascadeDelete", false);
            w.WriteString("childSObject", child.ChildObject);
            w.WriteBoolean("deprecatedAndHidden", false);
            w.WriteString("field", child.Field);
            w.WriteString("relationshipName", child.Name);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>Every object has the master record type, even in an org without record types.</summary>
    public static void WriteRecordTypes(Utf8JsonWriter w)
    {
        w.WriteStartArray("recordTypeInfos");
        w.WriteStartObject();
        w.WriteBoolean("available", true);
        w.WriteBoolean("defaultRecordTypeMapping", true);
        w.WriteString("name", "Master");
        w.WriteString("recordTypeId", "012000000000000AAA");
        w.WriteEndObject();
        w.WriteEndArray();
    }

    public static void WriteField(Utf8JsonWriter w, FieldDefinition f)
    {
        var soql = f.ToSoql();
        w.WriteStartObject();
        w.WriteString("name", f.Name);
        w.WriteString("label", f.Label);
        w.WriteString("type", f.DescribeType);
        w.WriteString("soapType", SoapType(f.Type));
        w.WriteNumber("length", f.Length);
        w.WriteNumber("byteLength", ByteLength(f));
        w.WriteNumber("precision", f.Type == FieldType.Int ? 0 : f.Precision);
        w.WriteNumber("scale", f.Scale);
        w.WriteNumber("digits", f.Type == FieldType.Int ? f.Precision : 0);
        w.WriteBoolean("nillable", f.Nillable);
        w.WriteBoolean("createable", f.Createable);
        w.WriteBoolean("updateable", f.Updateable);
        w.WriteBoolean("defaultedOnCreate", f.DefaultedOnCreate);
        w.WritePropertyName("defaultValue");
        if (f.Type == FieldType.Picklist || f.DefaultValue is null)
        {
            // Picklist defaults are reported on the picklist entry, as Salesforce does.
            w.WriteNullValue();
        }
        else
        {
            FieldValues.Write(w, f.Type, f.DefaultValue);
        }

        w.WriteNull("defaultValueFormula");
        w.WriteBoolean("externalId", f.ExternalId);
        w.WriteBoolean("unique", f.Unique);
        w.WriteBoolean("caseSensitive", false);
        w.WriteBoolean("custom", f.Custom);
        w.WriteBoolean("filterable", soql.Filterable);
        w.WriteBoolean("sortable", soql.Sortable);
        w.WriteBoolean("groupable", Groupable(f));
        w.WriteBoolean("idLookup", f.Type == FieldType.Id || f.ExternalId);
        w.WriteBoolean("nameField", f.Name is "Name" or "CaseNumber");
        w.WriteBoolean("namePointing", f.ReferenceTo.Count > 1);
        w.WriteBoolean("restrictedPicklist", f.RestrictedPicklist);
        w.WriteBoolean("dependentPicklist", false);
        w.WriteNull("controllerName");
        w.WriteBoolean("autoNumber", f.Name == "CaseNumber");
        w.WriteBoolean("calculated", false);
        w.WriteNull("calculatedFormula");
        w.WriteBoolean("htmlFormatted", false);
        w.WriteNull("inlineHelpText");
        w.WriteBoolean("deprecatedAndHidden", false);
        w.WriteBoolean("writeRequiresMasterRead", false);
        w.WriteStartArray("picklistValues");
        foreach (var p in f.PicklistValues)
        {
            w.WriteStartObject();
            w.WriteBoolean("active", true);
            w.WriteBoolean("defaultValue", p.IsDefault);
            w.WriteString("label", p.Value);
            w.WriteNull("validFor");
            w.WriteString("value", p.Value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("referenceTo");
        foreach (var r in f.ReferenceTo)
        {
            w.WriteStringValue(r);
        }

        w.WriteEndArray();
        w.WriteString("relationshipName", f.RelationshipName);
        w.WriteNull("relationshipOrder");
        w.WriteEndObject();
    }

    private static string SoapType(FieldType type) => type switch
    {
        FieldType.Id or FieldType.Reference => "tns:ID",
        FieldType.Boolean => "xsd:boolean",
        FieldType.Int => "xsd:int",
        FieldType.Double or FieldType.Currency or FieldType.Percent => "xsd:double",
        FieldType.Date => "xsd:date",
        FieldType.DateTime => "xsd:dateTime",
        FieldType.Base64 => "xsd:base64Binary",
        _ => "xsd:string",
    };

    // Salesforce counts three bytes per character of text (the recorded describe: length 80, byteLength 240).
    private static int ByteLength(FieldDefinition f) => f.Type switch
    {
        FieldType.Id or FieldType.Reference => 18,
        FieldType.MultiPicklist => f.Length,
        _ when f.IsText => f.Length * 3,
        _ => 0,
    };

    private static bool Groupable(FieldDefinition f) => f.Type switch
    {
        FieldType.Double or FieldType.Currency or FieldType.Percent or FieldType.DateTime or FieldType.MultiPicklist or FieldType.Base64 => false,
        FieldType.TextArea => f.Length <= 255,
        _ => true,
    };
}
