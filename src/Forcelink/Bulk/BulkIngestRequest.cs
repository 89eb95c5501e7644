using Forcelink.Records;

namespace Forcelink.Bulk;

/// <summary>What an ingest job does: the object, the operation, and the shape of its CSV.</summary>
public sealed class BulkIngestRequest
{
    /// <summary>Describes a job; the factories (<see cref="Insert(string)"/>, <see cref="Upsert(string, string)"/>, ...) read better.</summary>
    /// <param name="objectName">The sObject's API name, such as <c>Lead</c>.</param>
    /// <param name="operation">What to do with each row.</param>
    /// <param name="externalIdFieldName">The external id field; required for <see cref="BulkOperation.Upsert"/>, refused otherwise.</param>
    public BulkIngestRequest(string objectName, BulkOperation operation, string? externalIdFieldName = null)
    {
        ObjectName = SalesforceClient.CheckObjectName(objectName);
        Operation = operation;
        if (operation == BulkOperation.Upsert)
        {
            ExternalIdFieldName = SalesforceClient.CheckObjectName(externalIdFieldName ?? throw new ArgumentException("An upsert needs an external id field, such as Ext_Id__c or Id.", nameof(externalIdFieldName)));
        }
        else if (externalIdFieldName is not null)
        {
            throw new ArgumentException($"Only an upsert takes an external id field; a {operation} job matches rows by Id.", nameof(externalIdFieldName));
        }
    }

    /// <summary>The sObject's API name.</summary>
    public string ObjectName { get; }

    /// <summary>What the job does with each row.</summary>
    public BulkOperation Operation { get; }

    /// <summary>The external id field of an upsert; <see langword="null"/> for other operations.</summary>
    public string? ExternalIdFieldName { get; }

    /// <summary>The delimiter of the CSV sent, and of the CSV given as a stream.</summary>
    /// <value>The default is <see cref="BulkColumnDelimiter.Comma"/>.</value>
    public BulkColumnDelimiter ColumnDelimiter { get; set; } = BulkColumnDelimiter.Comma;

    /// <summary>The line ending of the CSV sent.</summary>
    /// <value>The default is <see cref="BulkLineEnding.LF"/>. A CSV stream may use either; rows are written again with this one.</value>
    public BulkLineEnding LineEnding { get; set; } = BulkLineEnding.LF;

    /// <summary>The assignment rule to run on Leads and Cases (API 49.0 and later).</summary>
    /// <value>The default (<see langword="null"/>) runs none.</value>
    public string? AssignmentRuleId { get; set; }

    /// <summary>The columns sent when the input is records. Each record's fields must be among them; a field a record lacks is sent empty
    /// (Salesforce leaves it as it is), a field set to <see langword="null"/> is sent as <c>#N/A</c> (Salesforce clears it).</summary>
    /// <value>The default (<see langword="null"/>) takes the first record's fields (<c>Id</c> alone for deletes).</value>
    public IReadOnlyList<string>? Columns { get; set; }

    /// <summary>Creates a record per row.</summary>
    public static BulkIngestRequest Insert(string objectName) => new(objectName, BulkOperation.Insert);

    /// <summary>Creates a record per row of a typed object.</summary>
    public static BulkIngestRequest Insert<T>()
        where T : ISObjectType => new(T.ObjectName, BulkOperation.Insert);

    /// <summary>Updates the record each row's Id names.</summary>
    public static BulkIngestRequest Update(string objectName) => new(objectName, BulkOperation.Update);

    /// <summary>Creates or updates by an external id field.</summary>
    public static BulkIngestRequest Upsert(string objectName, string externalIdFieldName) => new(objectName, BulkOperation.Upsert, externalIdFieldName);

    /// <summary>Moves the records each row's Id names to the Recycle Bin.</summary>
    public static BulkIngestRequest Delete(string objectName) => new(objectName, BulkOperation.Delete);

    /// <summary>Deletes the records each row's Id names for good.</summary>
    public static BulkIngestRequest HardDelete(string objectName) => new(objectName, BulkOperation.HardDelete);
}
