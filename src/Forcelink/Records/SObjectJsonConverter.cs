using System.Text.Json;
using System.Text.Json.Serialization;

namespace Forcelink.Records;

/// <summary>Reads and writes records in Salesforce's JSON shape, without reflection.</summary>
internal sealed class SObjectJsonConverter : JsonConverter<SObject>
{
    public override SObject? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : SObject.Read(ref reader, objectName: null);

    public override void Write(Utf8JsonWriter writer, SObject value, JsonSerializerOptions options) => value.WriteTo(writer);
}
