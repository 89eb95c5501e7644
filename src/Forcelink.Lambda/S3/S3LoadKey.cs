using Forcelink.Bulk;

namespace Forcelink.Lambda.S3;

/// <summary>
/// What a file's key says to do with it: <c>{prefix}{operation}/{Object}/{ExternalIdField}/{file}</c> for an upsert,
/// <c>{prefix}{operation}/{Object}/{file}</c> for insert, update, delete and hardDelete; folders may follow before the
/// file's name. The key decides, not the object's metadata: <c>aws s3 cp</c> into a folder is all it takes, the rule is
/// visible in every listing, and IAM and the event's filter can be narrowed to it (docs/deploy.md).
/// </summary>
internal static class S3LoadKey
{
    public const string Shape = "{operation}/{Object}/{ExternalIdField}/{file}.csv for an upsert, {operation}/{Object}/{file}.csv otherwise";

    private static readonly (string Name, BulkOperation Operation)[] Operations =
    [
        ("insert", BulkOperation.Insert),
        ("update", BulkOperation.Update),
        ("upsert", BulkOperation.Upsert),
        ("delete", BulkOperation.Delete),
        ("harddelete", BulkOperation.HardDelete),
    ];

    /// <summary>The ingest request the key names, or what is wrong with it.</summary>
    public static (BulkIngestRequest? Request, string? Problem) Parse(string key, string prefix)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(prefix);
        if (!key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return (null, $"the key is not under {prefix}: drop files at {prefix}{Shape}");
        }

        var segments = key[prefix.Length..].Split('/');
        if (segments.Length < 3 || segments[^1].Length == 0)
        {
            return (null, $"the key does not name an operation and an object: drop files at {prefix}{Shape}, such as {prefix}upsert/Lead/Ext_Id__c/leads.csv");
        }

        var operation = Operations.FirstOrDefault(o => o.Name.Equals(segments[0], StringComparison.OrdinalIgnoreCase));
        if (operation.Name is null)
        {
            return (null, $"'{segments[0]}' is not an operation: the key's first folder must be insert, update, upsert, delete or hardDelete");
        }

        if (operation.Operation == BulkOperation.Upsert && segments.Length < 4)
        {
            return (null, $"an upsert needs the external id field as the folder after the object: {prefix}upsert/{segments[1]}/Ext_Id__c/{segments[^1]}");
        }

        try
        {
            return (new BulkIngestRequest(segments[1], operation.Operation, operation.Operation == BulkOperation.Upsert ? segments[2] : null), null);
        }
        catch (ArgumentException e)
        {
            return (null, $"the key's folders do not name an object and field: {e.Message}");
        }
    }

    /// <summary>Where the results of <paramref name="key"/> go: its own folder under the results prefix.</summary>
    public static string ResultsFolder(string key, string resultsPrefix) => $"{resultsPrefix}{key}/";
}
