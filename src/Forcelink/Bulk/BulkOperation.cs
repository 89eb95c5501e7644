namespace Forcelink.Bulk;

/// <summary>What a Bulk API 2.0 ingest job does with each row.</summary>
public enum BulkOperation
{
    /// <summary>Creates a record per row (<c>insert</c>).</summary>
    Insert,

    /// <summary>Updates the record each row's <c>Id</c> names (<c>update</c>).</summary>
    Update,

    /// <summary>Creates or updates by an external id field (<c>upsert</c>).</summary>
    Upsert,

    /// <summary>Moves the records each row's <c>Id</c> names to the Recycle Bin (<c>delete</c>).</summary>
    Delete,

    /// <summary>Deletes records for good, bypassing the Recycle Bin (<c>hardDelete</c>; needs the Bulk API Hard Delete permission).</summary>
    HardDelete,
}
