using System.Text.Json.Serialization;

namespace Forcelink.Models;

/// <summary>The records of one object created or changed in a window (<c>GET /sobjects/{object}/updated</c>).</summary>
public sealed class UpdatedRecords
{
    /// <summary>The ids of the records whose <c>SystemModstamp</c> falls in the window, in no particular order. Read the
    /// records themselves by id (for example with a query <c>WHERE Id IN</c> of up to a few hundred ids at a time).</summary>
    [JsonPropertyName("ids")]
    public IReadOnlyList<string> Ids { get; set; } = [];

    /// <summary>The end of what this answer covers, at most the window's end, in whole minutes. Start the next window here:
    /// changes still committing at the window's end are in the next one.</summary>
    [JsonPropertyName("latestDateCovered")]
    [JsonConverter(typeof(Serialization.SalesforceDateTimeConverter))]
    public DateTimeOffset LatestDateCovered { get; set; }
}
