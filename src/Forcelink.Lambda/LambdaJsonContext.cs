using System.Text.Json.Serialization;
using Forcelink.Lambda.Runtime;

namespace Forcelink.Lambda;

/// <summary>Source-generated JSON for everything this host serializes: reflection is disabled in the AOT build.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorReport))]
internal sealed partial class LambdaJsonContext : JsonSerializerContext;
