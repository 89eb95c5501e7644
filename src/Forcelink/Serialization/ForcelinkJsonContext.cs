using System.Text.Json.Serialization;
using Forcelink.Authentication;

namespace Forcelink.Serialization;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.Unspecified, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(OAuthErrorBody))]
[JsonSerializable(typeof(List<RestErrorBody>))]
internal sealed partial class ForcelinkJsonContext : JsonSerializerContext;

internal sealed class RestErrorBody
{
    [JsonPropertyName("errorCode")]
    public string? ErrorCode { get; set; }

    [JsonPropertyName("statusCode")]
    public string? StatusCode { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("fields")]
    public List<string>? Fields { get; set; }

    public SalesforceError ToError() => new(ErrorCode ?? StatusCode ?? "UNKNOWN_ERROR", Message ?? "", Fields ?? []);
}
