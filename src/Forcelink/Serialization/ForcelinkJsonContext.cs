using System.Text.Json.Serialization;
using Forcelink.Authentication;
using Forcelink.Models;

namespace Forcelink.Serialization;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.Unspecified, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(OAuthErrorBody))]
[JsonSerializable(typeof(RestErrorBody))]
[JsonSerializable(typeof(List<RestErrorBody>))]
[JsonSerializable(typeof(SaveResultBody))]
[JsonSerializable(typeof(List<SaveResultBody>))]
[JsonSerializable(typeof(List<ApiVersionBody>))]
[JsonSerializable(typeof(SObjectDescription))]
[JsonSerializable(typeof(List<string>))]
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

internal sealed class SaveResultBody
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("success")]
    public bool Success { get; set; }

    [JsonPropertyName("errors")]
    public List<RestErrorBody>? Errors { get; set; }

    [JsonPropertyName("created")]
    public bool? Created { get; set; }

    public SaveResult ToResult() => new(Id, Success, Errors is null ? [] : [.. Errors.Select(e => e.ToError())], Created);
}

internal sealed class ApiVersionBody
{
    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [JsonPropertyName("label")]
    public string? Label { get; set; }

    [JsonPropertyName("url")]
    public string? Url { get; set; }
}
