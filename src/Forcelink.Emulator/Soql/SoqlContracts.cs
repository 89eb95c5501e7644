using Forcelink.Emulator.Records;

namespace Forcelink.Emulator.Soql;

// The boundary between the REST layer (record store, endpoints) and the SOQL/SOSL engine.
// The engine reads through ISoqlCatalog and never touches storage directly.

/// <summary>What the SOQL and SOSL engines may read. Names are matched case-insensitively.</summary>
internal interface ISoqlCatalog
{
    /// <summary>The sObject's schema, or <see langword="null"/> when the org has no such object.</summary>
    SoqlObjectInfo? FindObject(string name);

    /// <summary>Every record of the object; soft-deleted ones (<c>IsDeleted = true</c>) only when asked.</summary>
    IEnumerable<SoqlRecord> Scan(string objectName, bool includeDeleted);

    /// <summary>The record with this 15- or 18-character id, of any object, or <see langword="null"/>.</summary>
    SoqlRecord? FindById(string id);

    /// <summary>
    /// The child relationships of an object, by which a query selects its children in a subquery
    /// (<c>SELECT Name, (SELECT LastName FROM Contacts) FROM Account</c>). The default has none.
    /// </summary>
    IReadOnlyList<SoqlChildRelationship> ChildRelationships(string objectName) => [];

    /// <summary>
    /// The objects a SOSL search without <c>RETURNING</c> looks through. The default lists the standard searchable
    /// objects; only those <see cref="FindObject"/> knows are searched.
    /// </summary>
    IEnumerable<string> SearchableObjects => ["Account", "Contact", "Lead", "Case", "Opportunity", "User"];
}

/// <summary>A stored record: field values keyed by field name (case-insensitive), 18-character <c>Id</c> included.</summary>
internal sealed record SoqlRecord(string ObjectName, IReadOnlyDictionary<string, object?> Fields);

internal sealed record SoqlObjectInfo(string Name, string Label, string KeyPrefix, bool Custom, IReadOnlyList<SoqlFieldInfo> Fields)
{
    public SoqlFieldInfo? FindField(string name) =>
        Fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// A field's schema. For reference fields, <c>RelationshipName</c> is the name used in parent paths (<c>OwnerId</c> → <c>Owner</c>),
/// <c>ReferenceTo</c> the object types it may point to, and <c>ChildRelationshipName</c> the name by which those objects
/// select the records holding the reference (<c>Contact.AccountId</c> → <c>Contacts</c>), when they can.
/// </summary>
internal sealed record SoqlFieldInfo(
    string Name,
    string Label,
    FieldType Type,
    bool Custom,
    bool Createable,
    bool Updateable,
    bool Filterable,
    bool Sortable,
    string? RelationshipName,
    IReadOnlyList<string> ReferenceTo,
    string? ChildRelationshipName = null);

/// <summary>A child relationship of a parent object: <c>Name</c> (<c>Contacts</c>) selects the records of
/// <c>ChildObject</c> (<c>Contact</c>) whose reference <c>Field</c> (<c>AccountId</c>) holds the parent's id.</summary>
internal sealed record SoqlChildRelationship(string Name, string ChildObject, string Field)
{
    /// <summary>The child relationships of every object, from the reference fields of all of them.</summary>
    public static Dictionary<string, List<SoqlChildRelationship>> Index(IEnumerable<SoqlObjectInfo> objects)
    {
        var index = new Dictionary<string, List<SoqlChildRelationship>>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in objects)
        {
            foreach (var field in child.Fields.Where(f => f.ChildRelationshipName is not null))
            {
                foreach (var parent in field.ReferenceTo)
                {
                    if (!index.TryGetValue(parent, out var list))
                    {
                        index[parent] = list = [];
                    }

                    list.Add(new SoqlChildRelationship(field.ChildRelationshipName!, child.Name, field.Name));
                }
            }
        }

        return index;
    }
}

/// <summary>A SOQL or SOSL error with Salesforce's <c>errorCode</c> (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE, MALFORMED_SEARCH, ...).</summary>
internal sealed class SoqlException(string errorCode, string message) : Exception(message)
{
    public string ErrorCode { get; } = errorCode;
}
