using System.Text.Json.Serialization;

namespace Forcelink.Models;

/// <summary>The org's objects as the current user sees them (<c>GET /sobjects</c>, describe global): names, key prefixes and
/// what the user may do with each.</summary>
public sealed class GlobalDescription
{
    /// <summary>The org's character encoding, such as <c>UTF-8</c>.</summary>
    [JsonPropertyName("encoding")]
    public string Encoding { get; set; } = "";

    /// <summary>The most records a collection call takes (200).</summary>
    [JsonPropertyName("maxBatchSize")]
    public int MaxBatchSize { get; set; }

    /// <summary>The objects, in Salesforce's order (by name).</summary>
    [JsonPropertyName("sobjects")]
    public IReadOnlyList<SObjectSummary> Objects { get; set; } = [];

    /// <summary>The object with this API name (case-insensitive); <see langword="null"/> when the user cannot see it.</summary>
    public SObjectSummary? Find(string objectName)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectName);
        return Objects.FirstOrDefault(o => string.Equals(o.Name, objectName, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The object a record id belongs to, by its first three characters (<c>00Q</c> is Lead, <c>500</c> Case);
    /// <see langword="null"/> when no visible object has that key prefix.</summary>
    /// <param name="idOrKeyPrefix">A 15- or 18-character record id, or a 3-character key prefix.</param>
    public SObjectSummary? FindByKeyPrefix(string idOrKeyPrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(idOrKeyPrefix);
        if (idOrKeyPrefix.Length < 3)
        {
            throw new ArgumentException($"'{idOrKeyPrefix}' is neither a record id nor a key prefix: both start with three letters or digits, such as 00Q.", nameof(idOrKeyPrefix));
        }

        var prefix = idOrKeyPrefix[..3];
        return Objects.FirstOrDefault(o => string.Equals(o.KeyPrefix, prefix, StringComparison.Ordinal));
    }
}
