using Forcelink.Emulator.Hosting;
using Forcelink.Emulator.Records;
using Forcelink.Emulator.Schema;

namespace Forcelink.Emulator.Org;

/// <summary>Who may do what: the org's users (each with its User record), connected apps, profiles and permission sets.</summary>
internal sealed class OrgDirectory
{
    private readonly OrgOptions _options;
    private readonly RecordStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, PermissionOptions> _profiles = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, PermissionOptions> _permissionSets = new(StringComparer.OrdinalIgnoreCase);

    public OrgDirectory(OrgOptions options, RecordStore store, TimeProvider timeProvider)
    {
        _options = options;
        _store = store;
        _timeProvider = timeProvider;
        foreach (var builtIn in BuiltInProfiles())
        {
            _profiles[builtIn.Name] = builtIn;
        }

        foreach (var profile in options.Profiles)
        {
            _profiles[profile.Name] = profile;
        }

        foreach (var set in options.PermissionSets)
        {
            _permissionSets[set.Name] = set;
        }

        Reload();
    }

    public List<OrgUser> Users { get; } = [];

    public OrgUser? FindUser(string username) =>
        Users.FirstOrDefault(u => string.Equals(u.Options.Username, username, StringComparison.OrdinalIgnoreCase));

    public AppOptions? FindApp(string consumerKey) =>
        _options.Apps.FirstOrDefault(a => string.Equals(a.ConsumerKey, consumerKey, StringComparison.Ordinal));

    public OrgUser AddUser(UserOptions user)
    {
        if (FindUser(user.Username) is { } existing)
        {
            Users.Remove(existing);
            _options.Users.RemoveAll(u => string.Equals(u.Username, user.Username, StringComparison.OrdinalIgnoreCase));
        }

        _options.Users.Add(user);
        EnsureUserRecord(user);
        var added = new OrgUser(FindUserId(user.Username)!, user);
        Users.Add(added);
        return added;
    }

    public void AddApp(AppOptions app)
    {
        _options.Apps.RemoveAll(a => string.Equals(a.ConsumerKey, app.ConsumerKey, StringComparison.Ordinal));
        _options.Apps.Add(app);
    }

    public void AddProfile(PermissionOptions profile) => _profiles[profile.Name] = profile;

    public void AddPermissionSet(PermissionOptions set) => _permissionSets[set.Name] = set;

    public static bool IsPreAuthorized(OrgUser user, AppOptions app) => app.Policy switch
    {
        AppPolicy.AdminApproved =>
            app.Profiles.Contains(user.Options.Profile, StringComparer.OrdinalIgnoreCase)
            || user.Options.PermissionSets.Intersect(app.PermissionSets, StringComparer.OrdinalIgnoreCase).Any(),
        _ => user.Options.ApprovedApps.Contains(app.ConsumerKey, StringComparer.Ordinal),
    };

    public ObjectPermissions PermissionsFor(OrgUser user, string objectName)
    {
        if (objectName == "Organization")
        {
            // Every user may read the company information; nobody creates, edits or deletes it through the API.
            return new ObjectPermissions { Read = true };
        }

        var result = new ObjectPermissions();
        var grants = user.Options.PermissionSets.Select(s => _permissionSets.GetValueOrDefault(s))
            .Prepend(_profiles.GetValueOrDefault(user.Options.Profile));
        foreach (var grant in grants)
        {
            if (grant is null)
            {
                continue;
            }

            if (grant.AllObjects)
            {
                return ObjectPermissions.Full;
            }

            if (grant.Objects.TryGetValue(objectName, out var permissions))
            {
                result = result.Union(permissions);
            }
        }

        return result;
    }

    /// <summary>Gives every configured user a User record (again, after the store was cleared) and lists them.</summary>
    public void Reload()
    {
        foreach (var user in _options.Users.ToList())
        {
            EnsureUserRecord(user);
        }

        var refreshed = _options.Users.Select(u => new OrgUser(FindUserId(u.Username)!, u)).ToList();
        Users.Clear();
        Users.AddRange(refreshed);
    }

    private string? FindUserId(string username)
    {
        var schema = _store.Find("User")!;
        return _store.Rows(schema.Name, includeDeleted: false)
            .FirstOrDefault(r => string.Equals(r.GetValueOrDefault("Username") as string, username, StringComparison.OrdinalIgnoreCase))
            ?.GetValueOrDefault("Id") as string;
    }

    private void EnsureUserRecord(UserOptions user)
    {
        if (FindUserId(user.Username) is not null)
        {
            return;
        }

        var schema = _store.Find("User")!;
        var id = _store.NewId(schema);
        var now = _timeProvider.GetUtcNow();
        var alias = (user.FirstName.Length > 0 ? user.FirstName[..1] : "") + user.LastName;
        _store.Put(schema, new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Id"] = id,
            ["IsDeleted"] = false,
            ["CreatedDate"] = now,
            ["CreatedById"] = id,
            ["LastModifiedDate"] = now,
            ["LastModifiedById"] = id,
            ["SystemModstamp"] = now,
            ["Username"] = user.Username,
            ["LastName"] = user.LastName,
            ["FirstName"] = user.FirstName,
            ["Name"] = $"{user.FirstName} {user.LastName}".Trim(),
            ["Alias"] = alias.Length > 8 ? alias[..8] : alias,
            ["Email"] = user.Email ?? user.Username,
            ["IsActive"] = true,
        });
    }

    private static IEnumerable<PermissionOptions> BuiltInProfiles()
    {
        yield return new PermissionOptions { Name = "System Administrator", AllObjects = true };
        var standard = new PermissionOptions { Name = "Standard User" };
        foreach (var name in new[] { "Account", "Contact", "Lead", "Case", "Opportunity", "OpportunityLineItem", ContentObjects.Document, ContentObjects.Version, ContentObjects.Link })
        {
            standard.Objects[name] = new ObjectPermissions { Read = true, Create = true, Edit = true, Delete = true };
        }

        foreach (var name in new[] { "User", "Product2", "Pricebook2", "PricebookEntry" })
        {
            standard.Objects[name] = new ObjectPermissions { Read = true };
        }

        yield return standard;
        var readOnly = new PermissionOptions { Name = "Read Only" };
        foreach (var name in new[] { "Account", "Contact", "Lead", "Case", "User", "Opportunity", "OpportunityLineItem", "Product2", "Pricebook2", "PricebookEntry" })
        {
            readOnly.Objects[name] = new ObjectPermissions { Read = true };
        }

        yield return readOnly;
    }
}
