using System.Text.Json.Serialization;

namespace Forcelink.Models;

/// <summary>One object of <see cref="GlobalDescription"/>: its names, key prefix and the current user's capabilities on it.</summary>
public sealed class SObjectSummary
{
    /// <summary>The API name, such as <c>Lead</c> or <c>Invoice__c</c>.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    /// <summary>The label.</summary>
    [JsonPropertyName("label")]
    public string Label { get; set; } = "";

    /// <summary>The plural label.</summary>
    [JsonPropertyName("labelPlural")]
    public string? LabelPlural { get; set; }

    /// <summary>The first three characters of the object's record ids; <see langword="null"/> for objects without records of their own.</summary>
    [JsonPropertyName("keyPrefix")]
    public string? KeyPrefix { get; set; }

    /// <summary>Whether the object is custom (<c>__c</c>).</summary>
    [JsonPropertyName("custom")]
    public bool Custom { get; set; }

    /// <summary>Whether the object is a custom setting.</summary>
    [JsonPropertyName("customSetting")]
    public bool CustomSetting { get; set; }

    /// <summary>Whether the user may create records.</summary>
    [JsonPropertyName("createable")]
    public bool Createable { get; set; }

    /// <summary>Whether the user may update records.</summary>
    [JsonPropertyName("updateable")]
    public bool Updateable { get; set; }

    /// <summary>Whether the user may delete records.</summary>
    [JsonPropertyName("deletable")]
    public bool Deletable { get; set; }

    /// <summary>Whether the user may query the object.</summary>
    [JsonPropertyName("queryable")]
    public bool Queryable { get; set; }

    /// <summary>Whether the user may read records by id.</summary>
    [JsonPropertyName("retrieveable")]
    public bool Retrieveable { get; set; }

    /// <summary>Whether SOSL searches the object.</summary>
    [JsonPropertyName("searchable")]
    public bool Searchable { get; set; }

    /// <summary>Whether <see cref="SalesforceClient.GetUpdatedAsync"/> and <see cref="SalesforceClient.GetDeletedAsync"/> work on it.</summary>
    [JsonPropertyName("replicateable")]
    public bool Replicateable { get; set; }

    /// <summary>Whether Apex triggers may run on it.</summary>
    [JsonPropertyName("triggerable")]
    public bool Triggerable { get; set; }

    /// <summary>Whether deleted records may be restored from the Recycle Bin.</summary>
    [JsonPropertyName("undeletable")]
    public bool Undeletable { get; set; }

    /// <summary>Whether the object is deprecated and hidden from the user interface.</summary>
    [JsonPropertyName("deprecatedAndHidden")]
    public bool DeprecatedAndHidden { get; set; }
}
