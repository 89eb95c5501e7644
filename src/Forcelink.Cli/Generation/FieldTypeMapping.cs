using Forcelink.Models;

namespace Forcelink.Cli.Generation;

/// <summary>
/// How a Salesforce field type reads and writes through <see cref="Records.SObject"/>: the property's C# type, the getter
/// expression and the setter statement, each with <c>{0}</c> standing for the field's API name as a C# string literal
/// (replaced, not formatted: the expressions hold braces of their own).
/// </summary>
/// <param name="Type">The property's C# type.</param>
/// <param name="Getter">The getter's expression.</param>
/// <param name="Setter">The setter's statement; <c>value</c> is the new value.</param>
/// <param name="Kind">The type in words, for the property's documentation.</param>
internal sealed record FieldTypeMapping(string Type, string Getter, string Setter, string Kind)
{
    private const string Culture = "global::System.Globalization.CultureInfo.InvariantCulture";

    /// <summary>The mapping of <paramref name="field"/>'s type, or <see langword="null"/> with the reason it is not generated.</summary>
    public static FieldTypeMapping? For(FieldDescription field, out string? skipReason)
    {
        skipReason = null;
        switch (field.Type)
        {
            case "id" or "reference":
                return Text(field.ReferenceTo.Count == 0 ? "id" : $"id of {string.Join(" or ", field.ReferenceTo)}");
            case "string" or "encryptedstring" or "combobox" or "phone" or "email" or "url" or "textarea":
                return Text(TextKind(field));
            case "picklist":
                return Text("picklist" + Values(field));
            case "multipicklist":
                return Text("multi-select picklist, values joined by ;" + Values(field));
            case "boolean":
                return new("bool?", "GetBoolean({0})", "Set({0}, value)", "checkbox");
            case "int":
                return new("int?", "GetInt32({0})", "Set({0}, value)", "whole number");
            case "long":
                return new("long?", "GetDecimal({0}) is { } number ? (long)number : null", "Set({0}, (decimal?)value)", "whole number");
            case "double" or "currency" or "percent":
                return new("decimal?", "GetDecimal({0})", "Set({0}, value)", field.Type == "double" ? "number" : field.Type);
            case "date":
                return new("global::System.DateOnly?", "GetDate({0})", "Set({0}, value)", "date");
            case "datetime":
                return new("global::System.DateTimeOffset?", "GetDateTime({0})", "Set({0}, value)", "date and time, in UTC");
            case "time":
                // Salesforce writes times as 13:30:00.000Z; SObject has no time accessor, so the property parses and formats them.
                return new(
                    "global::System.TimeOnly?",
                    "global::System.TimeOnly.TryParse(GetString({0})?.TrimEnd('Z'), " + Culture + ", out var time) ? time : null",
                    "Set({0}, value?.ToString(\"HH:mm:ss.fff'Z'\", " + Culture + "))",
                    "time of day");
            case "anyType" or "json" or "complexvalue":
                return new("global::System.Text.Json.Nodes.JsonNode?", "this[{0}]", "this[{0}] = value", "any JSON value");
            case "address" or "location":
                skipReason = $"compound {field.Type}: read-only, and its parts are fields of their own";
                return null;
            case "base64":
                skipReason = "base64: Salesforce reads it as the URL of the bytes; use the indexer, or the files API for files";
                return null;
            default:
                skipReason = $"type '{field.Type}' has no C# mapping; use the indexer";
                return null;
        }
    }

    private static FieldTypeMapping Text(string kind) => new("string?", "GetString({0})", "Set({0}, value)", kind);

    private static string TextKind(FieldDescription field)
    {
        var kind = field.Type switch
        {
            "textarea" => "long text",
            "url" => "URL",
            "encryptedstring" => "encrypted text",
            "string" => "text",
            _ => field.Type,
        };
        return field.Length > 0 ? $"{kind}, up to {field.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} characters" : kind;
    }

    private const int MostValuesShown = 10;

    private static string Values(FieldDescription field)
    {
        var values = field.PicklistValues.Where(v => v.Active).Select(v => v.Value).ToList();
        return values.Count switch
        {
            0 => "",
            <= MostValuesShown => ": " + string.Join(", ", values),
            _ => ": " + string.Join(", ", values.Take(MostValuesShown)) + $" and {values.Count - MostValuesShown} more",
        };
    }
}
