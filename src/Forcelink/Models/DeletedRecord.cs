using System.Text.Json.Serialization;

namespace Forcelink.Models;

/// <summary>One deleted record.</summary>
public sealed class DeletedRecord
{
    /// <summary>The record id.</summary>
    [JsonPropertyName("id")]
    public string Id { get; set; } = "";

    /// <summary>When it was deleted (its <c>SystemModstamp</c>).</summary>
    [JsonPropertyName("deletedDate")]
    [JsonConverter(typeof(Serialization.SalesforceDateTimeConverter))]
    public DateTimeOffset DeletedDate { get; set; }
}
