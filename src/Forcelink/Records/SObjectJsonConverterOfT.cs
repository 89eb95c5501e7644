using System.Text.Json;
using System.Text.Json.Serialization;

namespace Forcelink.Records;

/// <summary>
/// Reads and writes a typed record in Salesforce's JSON shape (<c>attributes</c> plus fields, custom fields kept), without
/// reflection. Put it on your own record types, as <see cref="Lead"/> does:
/// <c>[JsonConverter(typeof(SObjectJsonConverter&lt;Invoice&gt;))] public sealed class Invoice : SObject, ISObjectType</c>.
/// </summary>
/// <typeparam name="T">The record type; it must have a public parameterless constructor that names its object.</typeparam>
public sealed class SObjectJsonConverter<T> : JsonConverter<T>
    where T : SObject, new()
{
    /// <inheritdoc/>
    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : SObject.Read<T>(ref reader);

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => value.WriteTo(writer);
}
