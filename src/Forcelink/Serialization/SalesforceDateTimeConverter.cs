using System.Text.Json;
using System.Text.Json.Serialization;
using Forcelink.Records;

namespace Forcelink.Serialization;

/// <summary>Reads Salesforce's datetimes (<c>2013-05-08T21:20:00.000+0000</c>), whose offset has no colon and so is not
/// ISO 8601 as System.Text.Json reads it.</summary>
internal sealed class SalesforceDateTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && SalesforceDateTime.TryParse(reader.GetString(), out var value)
            ? value
            : throw new JsonException($"'{(reader.TokenType == JsonTokenType.String ? reader.GetString() : reader.TokenType.ToString())}' is not a Salesforce datetime.");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(SalesforceDateTime.Format(value));
}
