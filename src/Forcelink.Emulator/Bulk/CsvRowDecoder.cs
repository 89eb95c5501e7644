using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Forcelink.Emulator.Api;
using Forcelink.Emulator.Records;
using Forcelink.Emulator.Schema;

namespace Forcelink.Emulator.Bulk;

/// <summary>
/// Turns a CSV row into the JSON field map the REST save rules take (<see cref="RecordWriter"/>), so a bulk row is
/// checked exactly as a REST write is. Only the CSV-specific step is here: text to typed value, with Salesforce's
/// message for text that is not a value of the field's XSD type, and its cell conventions (an empty cell is left
/// out, <c>#N/A</c> sets the field to null).
/// </summary>
internal sealed class CsvRowDecoder : IDisposable
{
    /// <summary>The cell that nulls a field; an empty cell leaves it unchanged (Bulk API 2.0 "Prepare CSV Files").</summary>
    public const string NullValue = "#N/A";

    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:sszzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'+0000'", "yyyy-MM-dd'T'HH:mm:ss'+0000'",
    ];

    private readonly FieldDefinition[] _columns;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;

    private CsvRowDecoder(FieldDefinition[] columns)
    {
        _columns = columns;
        _json = new Utf8JsonWriter(_buffer, ApiResult.WriterOptions);
    }

    /// <summary>Maps the header to fields; the first name the object lacks is returned in <paramref name="unknown"/>.</summary>
    public static CsvRowDecoder? ForHeader(ObjectSchema schema, IReadOnlyList<string> header, out string? unknown)
    {
        unknown = null;
        var columns = new FieldDefinition[header.Count];
        for (var i = 0; i < header.Count; i++)
        {
            if (schema.Find(header[i]) is not { } field)
            {
                unknown = header[i];
                return null;
            }

            columns[i] = field;
        }

        return new CsvRowDecoder(columns);
    }

    /// <summary>The column holding <paramref name="fieldName"/>, or -1.</summary>
    public int IndexOf(string fieldName) => Array.FindIndex(_columns, f => string.Equals(f.Name, fieldName, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The row as a JSON object of field values, or the error of its first cell that is not a valid value. The document
    /// is parsed in place over the decoder's buffer (a clone per row was a fifth of a load's time): it is valid until
    /// the next row, and the caller disposes it.
    /// </summary>
    public ApiError? Decode(IReadOnlyList<string> row, out JsonDocument? record)
    {
        record = null;
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        for (var i = 0; i < _columns.Length && i < row.Count; i++)
        {
            var text = row[i];
            if (text.Length == 0)
            {
                continue;
            }

            var field = _columns[i];
            _json.WritePropertyName(field.Name);
            if (text == NullValue)
            {
                _json.WriteNullValue();
            }
            else if (!WriteValue(field, text))
            {
                return new ApiError("INVALID_FIELD",
                    $"Failed to deserialize field at col {i}. Due to, '{text}' is not a valid value for the type xsd:{XsdType(field.Type)}", [field.Name]);
            }
        }

        _json.WriteEndObject();
        _json.Flush();
        record = JsonDocument.Parse(_buffer.WrittenMemory);
        return null;
    }

    public void Dispose() => _json.Dispose();

    private bool WriteValue(FieldDefinition field, string text)
    {
        var invariant = CultureInfo.InvariantCulture;
        switch (field.Type)
        {
            case FieldType.Boolean:
                if (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text == "1")
                {
                    _json.WriteBooleanValue(true);
                    return true;
                }

                if (text.Equals("false", StringComparison.OrdinalIgnoreCase) || text == "0")
                {
                    _json.WriteBooleanValue(false);
                    return true;
                }

                return false;
            case FieldType.Int:
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var whole))
                {
                    return false;
                }

                _json.WriteNumberValue(whole);
                return true;
            case FieldType.Double or FieldType.Currency or FieldType.Percent:
                if (!decimal.TryParse(text, NumberStyles.Float, invariant, out var number))
                {
                    return false;
                }

                _json.WriteNumberValue(number);
                return true;
            case FieldType.Date:
                if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", invariant, DateTimeStyles.None, out var date))
                {
                    return false;
                }

                _json.WriteStringValue(FieldValues.FormatDate(date));
                return true;
            case FieldType.DateTime:
                if (!DateTimeOffset.TryParseExact(text, DateTimeFormats, invariant, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var moment))
                {
                    return false;
                }

                _json.WriteStringValue(FieldValues.FormatDateTime(moment));
                return true;
            default:
                _json.WriteStringValue(text);
                return true;
        }
    }

    private static string XsdType(FieldType type) => type switch
    {
        FieldType.Boolean => "boolean",
        FieldType.Int => "int",
        FieldType.Double or FieldType.Currency or FieldType.Percent => "double",
        FieldType.Date => "date",
        FieldType.DateTime => "dateTime",
        _ => "string",
    };
}
