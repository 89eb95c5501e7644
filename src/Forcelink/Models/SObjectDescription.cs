using System.Text.Json.Serialization;

namespace Forcelink.Models;

/// <summary>An object's describe: what it is and what the current user may do with it.</summary>
public sealed class SObjectDescription
{
    /// <summary>The API name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>The label.</summary>
    [JsonPropertyName("label")]
    public string Label { get; set; } = "";

    /// <summary>The first three characters of the object's record ids.</summary>
    [JsonPropertyName("keyPrefix")]
    public string? KeyPrefix { get; set; }

    /// <summary>Whether the user may create records.</summary>
    [JsonPropertyName("createable")]
    public bool Createable { get; set; }

    /// <summary>Whether the user may update records.</summary>
    [JsonPropertyName("updateable")]
    public bool Updateable { get; set; }

    /// <summary>Whether the user may delete records.</summary>
    [JsonPropertyName("deletable")]
    public bool Deletable { get; set; }

    /// <summary>Whether the user may query records.</summary>
    [JsonPropertyName("queryable")]
    public bool Queryable { get; set; }

    /// <summary>Whether the object is custom.</summary>
    [JsonPropertyName("custom")]
    public bool Custom { get; set; }

    /// <summary>The fields.</summary>
    [JsonPropertyName("fields")]
    public IReadOnlyList<FieldDescription> Fields { get; set; } = [];
}
