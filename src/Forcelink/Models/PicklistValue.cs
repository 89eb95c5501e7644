using System.Text.Json.Serialization;

namespace Forcelink.Models;

/// <summary>One picklist value.</summary>
public sealed class PicklistValue
{
    /// <summary>The API value.</summary>
    [JsonPropertyName("value")]
    public string Value { get; set; } = "";

    /// <summary>The label.</summary>
    [JsonPropertyName("label")]
    public string? Label { get; set; }

    /// <summary>Whether the value may be chosen.</summary>
    [JsonPropertyName("active")]
    public bool Active { get; set; }

    /// <summary>Whether it is the default value.</summary>
    [JsonPropertyName("defaultValue")]
    public bool DefaultValue { get; set; }
}
