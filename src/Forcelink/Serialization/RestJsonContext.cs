using System.Text.Json.Serialization;
using Forcelink.Models;

namespace Forcelink.Serialization;

/// <summary>The answers of the org-level resources: describe global, updated and deleted records, file metadata.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.Unspecified, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GlobalDescription))]
[JsonSerializable(typeof(UpdatedRecords))]
[JsonSerializable(typeof(DeletedRecords))]
internal sealed partial class RestJsonContext : JsonSerializerContext;
