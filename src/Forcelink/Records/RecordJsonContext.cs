using System.Text.Json.Serialization;

namespace Forcelink.Records;

/// <summary>
/// Source-generated JSON metadata for the record types, for trimmed and Native AOT programs:
/// <c>JsonSerializer.Deserialize(json, RecordJsonContext.Default.Lead)</c>. Records read and write Salesforce's shape
/// (<c>attributes</c> plus fields, custom fields included).
/// </summary>
[JsonSerializable(typeof(SObject))]
[JsonSerializable(typeof(Lead))]
[JsonSerializable(typeof(Case))]
[JsonSerializable(typeof(List<SObject>))]
[JsonSerializable(typeof(List<Lead>))]
[JsonSerializable(typeof(List<Case>))]
public sealed partial class RecordJsonContext : JsonSerializerContext;
