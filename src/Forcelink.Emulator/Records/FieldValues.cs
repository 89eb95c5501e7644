using System.Globalization;
using System.Text.Json;

namespace Forcelink.Emulator.Records;

/// <summary>
/// Renders stored field values the way Salesforce puts them in JSON bodies. Stored values are CLR values:
/// <see cref="string"/>, <see cref="bool"/>, <see cref="decimal"/> (every number type), <see cref="DateOnly"/>
/// (date), <see cref="DateTimeOffset"/> (datetime, UTC) or <see langword="null"/>.
/// </summary>
internal static class FieldValues
{
    /// <summary>Salesforce's datetime wire format, e.g. <c>2021-11-06T17:38:40.000+0000</c>.</summary>
    public static string FormatDateTime(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);

    public static string FormatDate(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static void Write(Utf8JsonWriter writer, FieldType type, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case decimal d when type is FieldType.Int:
                writer.WriteNumberValue(decimal.ToInt64(decimal.Truncate(d)));
                break;
            case decimal d:
                // Salesforce renders double, currency and percent values with a fractional part (5000000.0).
                writer.WriteRawValue(d == decimal.Truncate(d)
                    ? d.ToString("0.0", CultureInfo.InvariantCulture)
                    : d.ToString(CultureInfo.InvariantCulture));
                break;
            case DateOnly date:
                writer.WriteStringValue(FormatDate(date));
                break;
            case DateTimeOffset dateTime:
                writer.WriteStringValue(FormatDateTime(dateTime));
                break;
            default:
                throw new InvalidOperationException($"Unsupported stored value type {value.GetType().Name} for a {type} field.");
        }
    }
}
