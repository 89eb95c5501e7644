using Forcelink.Emulator.Org;
using Forcelink.Emulator.Soql;

namespace Forcelink.Emulator.Api;

/// <summary>The catalog as one user sees it: objects without Read permission do not exist (INVALID_TYPE in SOQL).</summary>
internal sealed class UserCatalog(EmulatedOrg org, OrgUser user) : ISoqlCatalog
{
    private ISoqlCatalog Inner => org.Store;

    public IEnumerable<string> SearchableObjects => org.Store.SearchableObjects.Where(CanRead);

    public SoqlObjectInfo? FindObject(string name) => Inner.FindObject(name) is { } info && CanRead(info.Name) ? info : null;

    public IEnumerable<SoqlRecord> Scan(string objectName, bool includeDeleted) =>
        CanRead(objectName) ? Inner.Scan(objectName, includeDeleted) : [];

    public SoqlRecord? FindById(string id) => Inner.FindById(id) is { } record && CanRead(record.ObjectName) ? record : null;

    public IReadOnlyList<SoqlChildRelationship> ChildRelationships(string objectName) =>
        CanRead(objectName) ? [.. Inner.ChildRelationships(objectName).Where(r => CanRead(r.ChildObject))] : [];

    private bool CanRead(string objectName) => org.Directory.PermissionsFor(user, objectName).Read;
}
