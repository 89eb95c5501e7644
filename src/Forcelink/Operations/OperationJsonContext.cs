using System.Text.Json.Serialization;

namespace Forcelink.Operations;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OperationRequest))]
internal sealed partial class OperationJsonContext : JsonSerializerContext;
