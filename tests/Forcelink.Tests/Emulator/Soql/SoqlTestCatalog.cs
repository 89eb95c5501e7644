using System.Globalization;
using Forcelink.Emulator.Records;
using Forcelink.Emulator.Soql;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.Emulator.Soql;

/// <summary>An in-memory org with Lead, Case, Account, Contact and User, shaped like the real schemas.</summary>
internal sealed class SoqlTestCatalog : ISoqlCatalog
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, SoqlObjectInfo> _objects = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<SoqlRecord>> _records = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SoqlRecord> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    public SoqlTestCatalog()
    {
        Define("User", "005",
            Field("Id", FieldType.Id), Field("Name", FieldType.String), Field("Email", FieldType.Email),
            Field("IsActive", FieldType.Boolean), Field("IsDeleted", FieldType.Boolean));
        Define("Account", "001",
            Field("Id", FieldType.Id), Field("Name", FieldType.String), Field("Phone", FieldType.Phone),
            Field("Industry", FieldType.Picklist), Field("AnnualRevenue", FieldType.Currency), Field("NumberOfEmployees", FieldType.Int),
            Reference("OwnerId", "Owner", "User"), Field("CreatedDate", FieldType.DateTime), Field("IsDeleted", FieldType.Boolean),
            Field("Website", FieldType.Url), Field("Region__c", FieldType.String, custom: true),
            Reference("Parent__c", "Parent__r", "Account", custom: true) with { ChildRelationshipName = "Subsidiaries__r" });
        Define("Contact", "003",
            Field("Id", FieldType.Id), Field("FirstName", FieldType.String), Field("LastName", FieldType.String), Field("Name", FieldType.String),
            Field("Email", FieldType.Email), Field("Phone", FieldType.Phone), Reference("AccountId", "Account", "Account") with { ChildRelationshipName = "Contacts" },
            Reference("OwnerId", "Owner", "User"), Field("Birthdate", FieldType.Date), Field("IsDeleted", FieldType.Boolean));
        Define("Lead", "00Q",
            Field("Id", FieldType.Id), Field("FirstName", FieldType.String), Field("LastName", FieldType.String), Field("Name", FieldType.String),
            Field("Company", FieldType.String), Field("Email", FieldType.Email), Field("Phone", FieldType.Phone), Field("Status", FieldType.Picklist),
            Field("NumberOfEmployees", FieldType.Int), Field("AnnualRevenue", FieldType.Currency), Field("Score__c", FieldType.Double, custom: true),
            Field("IsConverted", FieldType.Boolean), Field("ConvertedDate", FieldType.Date), Field("CreatedDate", FieldType.DateTime),
            Field("Description", FieldType.TextArea), Field("Interests__c", FieldType.MultiPicklist, custom: true),
            // Polymorphic like the real OwnerId: the catalog has no Group, so paths resolve through User.
            Reference("OwnerId", "Owner", "Group", "User"), Field("IsDeleted", FieldType.Boolean));
        Define("Case", "500",
            Field("Id", FieldType.Id), Field("CaseNumber", FieldType.String), Field("Subject", FieldType.String), Field("Status", FieldType.Picklist),
            Field("Priority", FieldType.Picklist), Reference("ContactId", "Contact", "Contact") with { ChildRelationshipName = "Cases" },
            Reference("AccountId", "Account", "Account") with { ChildRelationshipName = "Cases" },
            Reference("OwnerId", "Owner", "User"), Field("CreatedDate", FieldType.DateTime), Field("IsDeleted", FieldType.Boolean));
    }

    public SoqlObjectInfo? FindObject(string name) => _objects.GetValueOrDefault(name);

    public IEnumerable<SoqlRecord> Scan(string objectName, bool includeDeleted) =>
        _records.GetValueOrDefault(objectName, []).Where(r => includeDeleted || r.Fields.GetValueOrDefault("IsDeleted") is not true);

    public SoqlRecord? FindById(string id) => id.Length >= 15 ? _byId.GetValueOrDefault(id[..15]) : null;

    public IReadOnlyList<SoqlChildRelationship> ChildRelationships(string objectName) =>
        SoqlChildRelationship.Index(_objects.Values).GetValueOrDefault(objectName) ?? [];

    /// <summary>Stores a record and returns its 18-character id.</summary>
    public string Add(string objectName, params (string Field, object? Value)[] values)
    {
        var info = _objects[objectName];
        var n = _counters.GetValueOrDefault(info.KeyPrefix) + 1;
        _counters[info.KeyPrefix] = n;
        var id = SoqlIds.To18(info.KeyPrefix + "Ab" + n.ToString("D10", CultureInfo.InvariantCulture));
        var fields = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["Id"] = id, ["IsDeleted"] = false };
        foreach (var (field, value) in values)
        {
            fields[field] = value;
        }

        var record = new SoqlRecord(info.Name, fields);
        if (!_records.TryGetValue(info.Name, out var list))
        {
            _records[info.Name] = list = [];
        }

        list.Add(record);
        _byId[id[..15]] = record;
        return id;
    }

    public static SoqlEngine Engine(SoqlTestCatalog catalog) => new(catalog, new FakeTimeProvider(Now));

    private void Define(string name, string prefix, params SoqlFieldInfo[] fields) =>
        _objects[name] = new SoqlObjectInfo(name, name, prefix, false, fields);

    private static SoqlFieldInfo Field(string name, FieldType type, bool custom = false) =>
        new(name, name, type, custom, Createable: type != FieldType.Id && name is not ("Name" or "IsDeleted" or "CreatedDate" or "CaseNumber"),
            Updateable: type != FieldType.Id && name is not ("Name" or "IsDeleted" or "CreatedDate" or "CaseNumber"),
            Filterable: true, Sortable: true, RelationshipName: null, ReferenceTo: []);

    private static SoqlFieldInfo Reference(string name, string relationship, params string[] referenceTo) =>
        Reference(name, relationship, referenceTo, custom: false);

    private static SoqlFieldInfo Reference(string name, string relationship, string referenceTo, bool custom) =>
        Reference(name, relationship, [referenceTo], custom);

    private static SoqlFieldInfo Reference(string name, string relationship, string[] referenceTo, bool custom) =>
        new(name, name, FieldType.Reference, custom, Createable: true, Updateable: true, Filterable: true, Sortable: true, relationship, referenceTo);
}

/// <summary>The standard data set most engine tests query.</summary>
internal sealed class SoqlFixture
{
    public SoqlFixture()
    {
        Ada = Catalog.Add("User", ("Name", "Ada Admin"), ("Email", "ada@example.com"), ("IsActive", true));
        Bob = Catalog.Add("User", ("Name", "Bob Builder"), ("Email", "bob@example.com"), ("IsActive", false));
        Acme = Catalog.Add("Account", ("Name", "Acme"), ("Phone", "(415) 555-1234"), ("Industry", "Manufacturing"), ("AnnualRevenue", 5000000m),
            ("NumberOfEmployees", 250m), ("OwnerId", Ada), ("CreatedDate", new DateTimeOffset(2024, 3, 1, 10, 0, 0, TimeSpan.Zero)),
            ("Website", "https://acme.example.com"), ("Region__c", "West"));
        Globex = Catalog.Add("Account", ("Name", "Globex"), ("Industry", "Energy"), ("AnnualRevenue", 1200000.5m), ("NumberOfEmployees", 40m),
            ("OwnerId", Bob), ("Parent__c", Acme), ("Region__c", "East"));
        Initech = Catalog.Add("Account", ("Name", "Initech"), ("OwnerId", Ada));
        Ann = Catalog.Add("Lead", ("FirstName", "Ann"), ("LastName", "O'Brien"), ("Name", "Ann O'Brien"), ("Company", "Acme"),
            ("Email", "ann@acme.com"), ("Phone", "+1 415 555 0100"), ("Status", "Open"), ("NumberOfEmployees", 10m), ("AnnualRevenue", 100m),
            ("Score__c", 1.5m), ("IsConverted", false), ("OwnerId", Ada), ("CreatedDate", new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero)),
            ("Description", "Met at the fair.\nWants a demo."));
        Ben = Catalog.Add("Lead", ("FirstName", "Ben"), ("LastName", "Smith"), ("Name", "Ben Smith"), ("Company", "Globex"),
            ("Email", "ben@globex.com"), ("Status", "Working"), ("NumberOfEmployees", 50m), ("AnnualRevenue", 2500m), ("IsConverted", true),
            ("ConvertedDate", new DateOnly(2026, 11, 20)), ("OwnerId", Bob), ("CreatedDate", new DateTimeOffset(2026, 11, 1, 9, 30, 0, TimeSpan.Zero)));
        Cy = Catalog.Add("Lead", ("FirstName", "Cy"), ("LastName", "Percent%Name"), ("Name", "Cy Percent%Name"), ("Company", "50%_Off"),
            ("Status", "Closed"), ("IsConverted", false), ("CreatedDate", new DateTimeOffset(2025, 1, 15, 0, 0, 0, TimeSpan.Zero)));
        Dee = Catalog.Add("Lead", ("FirstName", "Dee"), ("LastName", "Back\\slash"), ("Name", "Dee Back\\slash"), ("Company", "It's \"quoted\""),
            ("Status", "Open"), ("NumberOfEmployees", 5m), ("IsConverted", false), ("OwnerId", Ada));
        Deleted = Catalog.Add("Lead", ("FirstName", "Del"), ("LastName", "Eted"), ("Name", "Del Eted"), ("Company", "Gone Inc"),
            ("Status", "Open"), ("IsDeleted", true));
        Contact = Catalog.Add("Contact", ("FirstName", "Carl"), ("LastName", "Contact"), ("Name", "Carl Contact"), ("Email", "carl@acme.com"),
            ("AccountId", Acme), ("OwnerId", Ada), ("Birthdate", new DateOnly(1990, 5, 17)));
        Orphan = Catalog.Add("Contact", ("FirstName", "Olga"), ("LastName", "Orphan"), ("Name", "Olga Orphan"), ("OwnerId", Bob));
        Case = Catalog.Add("Case", ("CaseNumber", "00001001"), ("Subject", "Printer on fire"), ("Status", "New"), ("Priority", "High"),
            ("ContactId", Contact), ("AccountId", Acme), ("OwnerId", Ada));
        Engine = SoqlTestCatalog.Engine(Catalog);
    }

    public SoqlTestCatalog Catalog { get; } = new();

    public SoqlEngine Engine { get; }

    public string Ada { get; }

    public string Bob { get; }

    public string Acme { get; }

    public string Globex { get; }

    public string Initech { get; }

    public string Ann { get; }

    public string Ben { get; }

    public string Cy { get; }

    public string Dee { get; }

    public string Deleted { get; }

    public string Contact { get; }

    public string Orphan { get; }

    public string Case { get; }

    /// <summary>The value of <paramref name="field"/> in every row, in result order.</summary>
    public List<object?> Column(string soql, string field = "Name", bool includeDeleted = false)
    {
        var result = Engine.Query(soql, includeDeleted);
        return [.. Enumerable.Range(0, result.RowCount).Select(i => result.RecordAt(i).Fields.GetValueOrDefault(field))];
    }

    public SoqlException Error(string soql) => Assert.Throws<SoqlException>(() => Engine.Query(soql, false));

    public static string Json(Action<System.Text.Json.Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
