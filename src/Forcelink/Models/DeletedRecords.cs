using System.Text.Json.Serialization;

namespace Forcelink.Models;

/// <summary>The records of one object deleted in a window (<c>GET /sobjects/{object}/deleted</c>).</summary>
public sealed class DeletedRecords
{
    /// <summary>The deleted records, with when each was deleted.</summary>
    [JsonPropertyName("deletedRecords")]
    public IReadOnlyList<DeletedRecord> Records { get; set; } = [];

    /// <summary>When the oldest deletion Salesforce still knows of happened: older entries were purged from the delete log
    /// (after 15 days, or earlier when the Recycle Bin was emptied). A window that starts before this may miss deletions:
    /// resynchronise the object instead (a <c>queryAll</c> of <c>Id, IsDeleted</c>, or a full copy).</summary>
    [JsonPropertyName("earliestDateAvailable")]
    [JsonConverter(typeof(Serialization.SalesforceDateTimeConverter))]
    public DateTimeOffset EarliestDateAvailable { get; set; }

    /// <summary>The end of what this answer covers, at most the window's end, in whole minutes: start the next window here.</summary>
    [JsonPropertyName("latestDateCovered")]
    [JsonConverter(typeof(Serialization.SalesforceDateTimeConverter))]
    public DateTimeOffset LatestDateCovered { get; set; }
}
