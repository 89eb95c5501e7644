using System.Text.Json;
using Forcelink.Emulator.Hosting;
using Forcelink.Emulator.Schema;

namespace Forcelink.Emulator.Org;

/// <summary>The records the org writes itself: its Organization row, the seed records, and inserts made as a System
/// Administrator for the host and the admin API.</summary>
internal sealed class OrgRecords(EmulatedOrg org)
{
    /// <summary>A System Administrator session for work done by the emulator itself (seeding, admin inserts).</summary>
    public Session SystemSession()
    {
        var admin = new OrgUser(org.Directory.Users.FirstOrDefault()?.Id ?? org.OrgId, new UserOptions { Username = "admin@emulator.invalid", Profile = "System Administrator" });
        return new Session("system", admin, new AppOptions(), org.TimeProvider.GetUtcNow());
    }

    /// <summary>
    /// Inserts records through the save rules as a System Administrator, all or nothing. Returns the new ids, or the
    /// first failure with its index. The caller holds <see cref="EmulatedOrg.Gate"/> (or the host is not serving yet).
    /// </summary>
    public (IReadOnlyList<string> Ids, string? Error) Insert(string objectName, IEnumerable<JsonElement> records)
    {
        var store = org.Store;
        if (store.Find(objectName) is not { } schema)
        {
            return ([], $"unknown object '{objectName}'");
        }

        var writer = new Api.RecordWriter(org);
        var session = SystemSession();
        var ids = new List<string>();
        store.Begin();
        foreach (var record in records)
        {
            var result = writer.Create(schema, record, session);
            if (!result.Success)
            {
                store.Rollback();
                return ([], $"record {ids.Count} of {schema.Name} rejected: {result.Errors[0].Code} {result.Errors[0].Message}");
            }

            ids.Add(result.Id!);
        }

        store.Commit();
        return (ids, null);
    }

    /// <summary>Inserts the configured records of every object that has none yet (a kept data file is not seeded twice).</summary>
    public void Seed()
    {
        foreach (var (objectName, records) in org.Options.Records)
        {
            if (org.Store.Find(objectName) is { } schema && org.Store.Count(schema.Name, includeDeleted: true) > 0)
            {
                continue;
            }

            if (Insert(objectName, records).Error is { } error)
            {
                throw new ArgumentException($"Seed records: {error}");
            }
        }
    }

    public void EnsureOrganizationRecord()
    {
        var store = org.Store;
        if (store.Get(org.OrgId) is not null)
        {
            return;
        }

        var options = org.Options;
        var schema = store.Find("Organization")!;
        var now = org.TimeProvider.GetUtcNow();
        var sandbox = options.Kind == OrgKind.Sandbox;
        var fields = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in schema.Fields)
        {
            fields[field.Name] = field.DefaultValue;
        }

        fields["Id"] = org.OrgId;
        // Not a field of Organization, but the store's soft-delete bookkeeping reads it on every row.
        fields["IsDeleted"] = false;
        fields["Name"] = options.Name;
        fields["OrganizationType"] = StandardObjects.Edition;
        fields["InstanceName"] = sandbox ? "EMU1S" : "EMU1";
        fields["IsSandbox"] = sandbox;
        fields["LanguageLocaleKey"] = "en_US";
        fields["DefaultLocaleSidKey"] = "en_US";
        fields["TimeZoneSidKey"] = "GMT";
        // Salesforce names the first admin as the org's creator; the first configured user stands for it.
        var creator = org.Directory.Users.FirstOrDefault()?.Id;
        fields["CreatedDate"] = now;
        fields["CreatedById"] = creator;
        fields["LastModifiedById"] = creator;
        fields["LastModifiedDate"] = now;
        fields["SystemModstamp"] = now;
        store.Put(schema, fields);
    }
}
