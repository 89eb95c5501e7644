using System.Text.Json.Serialization;

namespace Forcelink.Models;

/// <summary>One field of an object's describe.</summary>
public sealed class FieldDescription
{
    /// <summary>The API name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>The label.</summary>
    [JsonPropertyName("label")]
    public string Label { get; set; } = "";

    /// <summary>The type, such as <c>string</c>, <c>picklist</c>, <c>reference</c> or <c>datetime</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; set; } = "";

    /// <summary>The maximum length of text fields.</summary>
    [JsonPropertyName("length")]
    public int Length { get; set; }

    /// <summary>Whether the field may be empty.</summary>
    [JsonPropertyName("nillable")]
    public bool Nillable { get; set; }

    /// <summary>Whether the field may be set on create.</summary>
    [JsonPropertyName("createable")]
    public bool Createable { get; set; }

    /// <summary>Whether the field may be set on update.</summary>
    [JsonPropertyName("updateable")]
    public bool Updateable { get; set; }

    /// <summary>Whether Salesforce fills the field on create when it is left empty.</summary>
    [JsonPropertyName("defaultedOnCreate")]
    public bool DefaultedOnCreate { get; set; }

    /// <summary>Whether the field is an external id.</summary>
    [JsonPropertyName("externalId")]
    public bool ExternalId { get; set; }

    /// <summary>Whether the field is custom.</summary>
    [JsonPropertyName("custom")]
    public bool Custom { get; set; }

    /// <summary>For reference fields, the relationship name used in queries (<c>Owner</c> for <c>OwnerId</c>).</summary>
    [JsonPropertyName("relationshipName")]
    public string? RelationshipName { get; set; }

    /// <summary>For reference fields, the objects it may point to.</summary>
    [JsonPropertyName("referenceTo")]
    public IReadOnlyList<string> ReferenceTo { get; set; } = [];

    /// <summary>For picklists, the values.</summary>
    [JsonPropertyName("picklistValues")]
    public IReadOnlyList<PicklistValue> PicklistValues { get; set; } = [];

    /// <summary>Whether the field is required on create: not nillable, not defaulted, and createable.</summary>
    [JsonIgnore]
    public bool IsRequiredOnCreate => !Nillable && !DefaultedOnCreate && Createable && Type != "boolean";
}
