namespace Forcelink.Operations;

/// <summary>What an operation does.</summary>
public enum OperationKind
{
    /// <summary>Create a record.</summary>
    Create,

    /// <summary>Read a record by id.</summary>
    Get,

    /// <summary>Find records by field values.</summary>
    Find,

    /// <summary>Update a record.</summary>
    Update,

    /// <summary>Create or update by external id.</summary>
    Upsert,

    /// <summary>Delete a record.</summary>
    Delete,

    /// <summary>Upload a file and link it to a record.</summary>
    Attach,
}
