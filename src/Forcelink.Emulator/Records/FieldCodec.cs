using System.Globalization;
using System.Text.Json;
using Forcelink.Emulator.Schema;

namespace Forcelink.Emulator.Records;

/// <summary>Turns JSON field values into stored CLR values, with Jackson-style parse errors as Salesforce reports them.</summary>
internal static class FieldCodec
{
    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.fffzzz", "yyyy-MM-dd'T'HH:mm:ss.fffzz", "yyyy-MM-dd'T'HH:mm:sszzz",
        "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", "yyyy-MM-dd'T'HH:mm:ss'+0000'",
    ];

    public static object? FromStored(FieldDefinition field, JsonElement value) =>
        TryConvert(field, value, out var result, out _) ? result : null;

    /// <summary>False with the JSON_PARSER_ERROR message when the JSON token cannot become a value of the field's type.</summary>
    public static bool TryConvert(FieldDefinition field, JsonElement value, out object? result, out string? error)
    {
        result = null;
        error = null;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        switch (field.Type)
        {
            case FieldType.Boolean:
                if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    result = value.GetBoolean();
                    return true;
                }

                if (value.ValueKind == JsonValueKind.String && bool.TryParse(value.GetString(), out var b))
                {
                    result = b;
                    return true;
                }

                break;
            case FieldType.Int or FieldType.Double or FieldType.Currency or FieldType.Percent:
                if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d))
                {
                    result = d;
                    return true;
                }

                if (value.ValueKind == JsonValueKind.String
                    && decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d))
                {
                    result = d;
                    return true;
                }

                break;
            case FieldType.Date:
                if (value.ValueKind == JsonValueKind.String
                    && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    result = date;
                    return true;
                }

                break;
            case FieldType.DateTime:
                if (value.ValueKind == JsonValueKind.String
                    && DateTimeOffset.TryParseExact(value.GetString(), DateTimeFormats, CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal, out var dateTime))
                {
                    result = dateTime.ToUniversalTime();
                    return true;
                }

                break;
            default:
                // Salesforce coerces scalars into text and id fields.
                switch (value.ValueKind)
                {
                    case JsonValueKind.String:
                        result = value.GetString();
                        return true;
                    case JsonValueKind.Number:
                        result = value.GetRawText();
                        return true;
                    case JsonValueKind.True or JsonValueKind.False:
                        result = value.GetBoolean() ? "true" : "false";
                        return true;
                    default:
                        break;
                }

                break;
        }

        var javaType = field.Type switch
        {
            FieldType.Boolean => "boolean",
            FieldType.Int => "int",
            FieldType.Double or FieldType.Currency or FieldType.Percent => "double",
            FieldType.Date => "date",
            FieldType.DateTime => "datetime",
            _ => "string",
        };
        var token = value.ValueKind switch
        {
            JsonValueKind.String => "VALUE_STRING",
            JsonValueKind.Number => value.GetRawText().Contains('.', StringComparison.Ordinal) ? "VALUE_NUMBER_FLOAT" : "VALUE_NUMBER_INT",
            JsonValueKind.True => "VALUE_TRUE",
            JsonValueKind.False => "VALUE_FALSE",
            JsonValueKind.Object => "START_OBJECT",
            JsonValueKind.Array => "START_ARRAY",
            _ => "VALUE_NULL",
        };
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object => "{",
            JsonValueKind.Array => "[",
            _ => value.GetRawText(),
        };
        error = $"Cannot deserialize instance of {javaType} from {token} value {text} or request may be missing a required field";
        return false;
    }
}
