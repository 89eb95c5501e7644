using System.Text.Json;
using Forcelink.Emulator.Records;
using Forcelink.Emulator.Schema;

namespace Forcelink.Emulator.Api;

/// <summary>A record as the REST API writes it: attributes first, then the selected fields.</summary>
internal static class RecordJson
{
    public static void Write(Utf8JsonWriter w, ObjectSchema schema, IReadOnlyDictionary<string, object?> fields, string version, IReadOnlyList<FieldDefinition>? select = null)
    {
        w.WriteStartObject();
        w.WriteStartObject("attributes");
        w.WriteString("type", schema.Name);
        w.WriteString("url", $"/services/data/v{version}/sobjects/{schema.Name}/{fields["Id"]}");
        w.WriteEndObject();
        foreach (var field in select ?? schema.Fields)
        {
            w.WritePropertyName(field.Name);
            FieldValues.Write(w, field.Type, fields.GetValueOrDefault(field.Name));
        }

        w.WriteEndObject();
    }

    /// <summary>?fields=a,b → those fields in that order with Id appended last when not asked for.</summary>
    public static ApiResult? SelectFields(ApiCall call, ObjectSchema schema, out List<FieldDefinition>? select)
    {
        select = null;
        if (!call.Query.TryGetValue("fields", out var list) || string.IsNullOrWhiteSpace(list))
        {
            return null;
        }

        select = [];
        foreach (var name in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (schema.Find(name) is not { } field)
            {
                return ApiResult.Error(400, "INVALID_FIELD",
                    $"No such column '{name}' on entity '{schema.Name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.");
            }

            if (!select.Contains(field))
            {
                select.Add(field);
            }
        }

        if (!select.Any(f => f.Name == "Id"))
        {
            select.Add(schema.Find("Id")!);
        }

        return null;
    }
}
