using Forcelink.Emulator.Records;

namespace Forcelink.Emulator.Schema;

/// <summary>The standard objects every emulated org has, trimmed to the commonly used fields of the field reference.</summary>
internal static class StandardObjects
{
    public static IReadOnlyList<ObjectSchema> Create() =>
    [
        new("Account", "Account", "Accounts", "001", false, Account()),
        new("Contact", "Contact", "Contacts", "003", false, Contact()),
        new("Lead", "Lead", "Leads", "00Q", false, Lead()),
        new("Case", "Case", "Cases", "500", false, Case()),
        new("User", "User", "Users", "005", false, User()),
        new("Organization", "Organization", "Organizations", "00D", false, Organization()),
        new("Opportunity", "Opportunity", "Opportunities", "006", false, Opportunity()),
        new("Product2", "Product", "Products", "01t", false, Product2()),
        new("Pricebook2", "Price Book", "Price Books", "01s", false, Pricebook2()),
        new("PricebookEntry", "Price Book Entry", "Price Book Entries", "01u", false, PricebookEntry()),
        new("OpportunityLineItem", "Opportunity Product", "Opportunity Product", "00k", false, OpportunityLineItem()),
    ];

    /// <summary>Opportunity stages with whether each is closed and won, as a new org ships them.</summary>
    internal static readonly IReadOnlyList<(string Stage, bool Closed, bool Won)> OpportunityStages =
    [
        ("Prospecting", false, false), ("Qualification", false, false), ("Needs Analysis", false, false), ("Value Proposition", false, false),
        ("Id. Decision Makers", false, false), ("Perception Analysis", false, false), ("Proposal/Price Quote", false, false),
        ("Negotiation/Review", false, false), ("Closed Won", true, true), ("Closed Lost", true, false),
    ];

    /// <summary>
    /// Editions Salesforce reports in Organization.OrganizationType; the emulator reports one of them so clients that
    /// branch on the edition (the Salesforce CLI stores it as orgEdition) see a real value.
    /// </summary>
    internal const string Edition = "Enterprise Edition";

    internal static FieldDefinition Text(string name, string label, int length, bool required = false) =>
        new() { Name = name, Label = label, Type = FieldType.String, Length = length, Nillable = !required, Required = required };

    internal static FieldDefinition Typed(string name, string label, FieldType type, int length = 0) =>
        new() { Name = name, Label = label, Type = type, Length = length };

    internal static FieldDefinition Pick(string name, string label, bool restricted, string? defaultValue, params string[] values) =>
        new()
        {
            Name = name,
            Label = label,
            Type = FieldType.Picklist,
            Length = 255,
            RestrictedPicklist = restricted,
            DefaultedOnCreate = defaultValue is not null,
            DefaultValue = defaultValue,
            PicklistValues = [.. values.Select(v => new PicklistEntry(v, v == defaultValue))],
        };

    internal static FieldDefinition Lookup(string name, string label, string relationshipName, params string[] referenceTo) =>
        new() { Name = name, Label = label, Type = FieldType.Reference, Length = 18, RelationshipName = relationshipName, ReferenceTo = referenceTo };

    internal static FieldDefinition ReadOnly(FieldDefinition field) => field with { Createable = false, Updateable = false };

    /// <summary>System fields in the order describe lists them; OwnerId only on owned objects.</summary>
    internal static List<FieldDefinition> SystemFields(bool owned)
    {
        var fields = new List<FieldDefinition>
        {
            new() { Name = "Id", Label = "Record ID", Type = FieldType.Id, Length = 18, Nillable = false, Createable = false, Updateable = false, DefaultedOnCreate = true },
            new() { Name = "IsDeleted", Label = "Deleted", Type = FieldType.Boolean, Nillable = false, Createable = false, Updateable = false, DefaultedOnCreate = true },
        };
        if (owned)
        {
            fields.Add(Lookup("OwnerId", "Owner ID", "Owner", "User") with { Nillable = false, DefaultedOnCreate = true });
        }

        fields.Add(ReadOnly(Typed("CreatedDate", "Created Date", FieldType.DateTime)) with { Nillable = false, DefaultedOnCreate = true });
        fields.Add(ReadOnly(Lookup("CreatedById", "Created By ID", "CreatedBy", "User")) with { Nillable = false, DefaultedOnCreate = true });
        fields.Add(ReadOnly(Typed("LastModifiedDate", "Last Modified Date", FieldType.DateTime)) with { Nillable = false, DefaultedOnCreate = true });
        fields.Add(ReadOnly(Lookup("LastModifiedById", "Last Modified By ID", "LastModifiedBy", "User")) with { Nillable = false, DefaultedOnCreate = true });
        fields.Add(ReadOnly(Typed("SystemModstamp", "System Modstamp", FieldType.DateTime)) with { Nillable = false, DefaultedOnCreate = true });
        return fields;
    }

    private static List<FieldDefinition> Account()
    {
        var f = SystemFields(owned: true);
        f.AddRange(
        [
            Text("Name", "Account Name", 255, required: true),
            Pick("Type", "Account Type", false, null, "Prospect", "Customer - Direct", "Customer - Channel", "Partner", "Other"),
            Lookup("ParentId", "Parent Account ID", "Parent", "Account") with { ChildRelationshipName = "ChildAccounts" },
            Typed("BillingStreet", "Billing Street", FieldType.TextArea, 255),
            Text("BillingCity", "Billing City", 40),
            Text("BillingState", "Billing State/Province", 80),
            Text("BillingPostalCode", "Billing Zip/Postal Code", 20),
            Text("BillingCountry", "Billing Country", 80),
            Typed("Phone", "Account Phone", FieldType.Phone, 40),
            Typed("Website", "Website", FieldType.Url, 255),
            Pick("Industry", "Industry", false, null, "Agriculture", "Banking", "Technology", "Retail", "Other"),
            Typed("AnnualRevenue", "Annual Revenue", FieldType.Currency) with { Precision = 18 },
            Typed("NumberOfEmployees", "Employees", FieldType.Int) with { Precision = 8 },
            Typed("Description", "Account Description", FieldType.TextArea, 32000),
        ]);
        return f;
    }

    private static List<FieldDefinition> Contact()
    {
        var f = SystemFields(owned: true);
        f.AddRange(
        [
            Lookup("AccountId", "Account ID", "Account", "Account") with { ChildRelationshipName = "Contacts" },
            Text("LastName", "Last Name", 80, required: true),
            Text("FirstName", "First Name", 40),
            Pick("Salutation", "Salutation", false, null, "Mr.", "Ms.", "Mrs.", "Dr.", "Prof."),
            ReadOnly(Text("Name", "Full Name", 121)),
            Text("Title", "Title", 128),
            Typed("Email", "Email", FieldType.Email, 80),
            Typed("Phone", "Business Phone", FieldType.Phone, 40),
            Typed("MobilePhone", "Mobile Phone", FieldType.Phone, 40),
            Text("MailingCity", "Mailing City", 40),
            Text("MailingCountry", "Mailing Country", 80),
            Typed("Birthdate", "Birthdate", FieldType.Date),
            Typed("Description", "Contact Description", FieldType.TextArea, 32000),
        ]);
        return f;
    }

    private static List<FieldDefinition> Lead()
    {
        var f = SystemFields(owned: true);
        f.AddRange(
        [
            Text("LastName", "Last Name", 80, required: true),
            Text("FirstName", "First Name", 40),
            Pick("Salutation", "Salutation", false, null, "Mr.", "Ms.", "Mrs.", "Dr.", "Prof."),
            ReadOnly(Text("Name", "Full Name", 121)),
            Text("Title", "Title", 128),
            Text("Company", "Company", 255, required: true),
            Typed("Street", "Street", FieldType.TextArea, 255),
            Text("City", "City", 40),
            Text("State", "State/Province", 80),
            Text("PostalCode", "Zip/Postal Code", 20),
            Text("Country", "Country", 80),
            Typed("Phone", "Phone", FieldType.Phone, 40),
            Typed("MobilePhone", "Mobile Phone", FieldType.Phone, 40),
            Typed("Fax", "Fax", FieldType.Phone, 40),
            Typed("Email", "Email", FieldType.Email, 80),
            Typed("Website", "Website", FieldType.Url, 255),
            Typed("Description", "Description", FieldType.TextArea, 32000),
            Pick("LeadSource", "Lead Source", false, null, "Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"),
            Pick("Status", "Status", true, "Open - Not Contacted", "Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted") with { Nillable = false },
            Pick("Industry", "Industry", false, null, "Agriculture", "Banking", "Technology", "Retail", "Other"),
            Pick("Rating", "Rating", false, null, "Hot", "Warm", "Cold"),
            Typed("AnnualRevenue", "Annual Revenue", FieldType.Currency) with { Precision = 18 },
            Typed("NumberOfEmployees", "Employees", FieldType.Int) with { Precision = 8 },
            ReadOnly(Typed("IsConverted", "Converted", FieldType.Boolean)) with { Nillable = false, DefaultedOnCreate = true, DefaultValue = false },
            ReadOnly(Lookup("ConvertedAccountId", "Converted Account ID", "ConvertedAccount", "Account")),
            ReadOnly(Lookup("ConvertedContactId", "Converted Contact ID", "ConvertedContact", "Contact")),
            ReadOnly(Lookup("ConvertedOpportunityId", "Converted Opportunity ID", "ConvertedOpportunity", "Opportunity")),
            ReadOnly(Typed("ConvertedDate", "Converted Date", FieldType.Date)),
            Typed("IsUnreadByOwner", "Unread By Owner", FieldType.Boolean) with { Nillable = false, DefaultedOnCreate = true, DefaultValue = false },
        ]);
        return f;
    }

    private static List<FieldDefinition> Case()
    {
        var f = SystemFields(owned: true);
        f.AddRange(
        [
            ReadOnly(Text("CaseNumber", "Case Number", 30)) with { Nillable = false, DefaultedOnCreate = true },
            Lookup("ContactId", "Contact ID", "Contact", "Contact") with { ChildRelationshipName = "Cases" },
            Lookup("AccountId", "Account ID", "Account", "Account") with { ChildRelationshipName = "Cases" },
            Lookup("ParentId", "Parent Case ID", "Parent", "Case") with { ChildRelationshipName = "Cases" },
            Text("SuppliedName", "Name", 80),
            Typed("SuppliedEmail", "Email Address", FieldType.Email, 80),
            Text("SuppliedPhone", "Phone", 40),
            Text("SuppliedCompany", "Company", 80),
            Pick("Type", "Case Type", false, null, "Mechanical", "Electrical", "Electronic", "Structural", "Other"),
            Pick("Status", "Status", true, "New", "New", "Working", "Escalated", "Closed"),
            Pick("Reason", "Case Reason", false, null, "Installation", "Equipment Complexity", "Performance", "Breakdown", "Other"),
            Pick("Origin", "Case Origin", false, null, "Phone", "Email", "Web"),
            Text("Subject", "Subject", 255),
            Pick("Priority", "Priority", false, "Medium", "High", "Medium", "Low"),
            Typed("Description", "Description", FieldType.TextArea, 32000),
            ReadOnly(Typed("IsClosed", "Closed", FieldType.Boolean)) with { Nillable = false, DefaultedOnCreate = true, DefaultValue = false },
            ReadOnly(Typed("ClosedDate", "Closed Date", FieldType.DateTime)),
            Typed("IsEscalated", "Escalated", FieldType.Boolean) with { Nillable = false, DefaultedOnCreate = true, DefaultValue = false },
        ]);
        return f;
    }

    /// <summary>Users are deactivated, never deleted: the object has no IsDeleted (a real org's User record has none).</summary>
    private static List<FieldDefinition> User()
    {
        var f = SystemFields(owned: false).Where(s => s.Name != "IsDeleted").ToList();
        f.AddRange(
        [
            Text("Username", "Username", 80, required: true) with { Unique = true },
            Text("LastName", "Last Name", 80, required: true),
            Text("FirstName", "First Name", 40),
            ReadOnly(Text("Name", "Full Name", 121)),
            Text("Alias", "Alias", 8, required: true),
            Typed("Email", "Email", FieldType.Email, 128) with { Nillable = false, Required = true },
            Text("Title", "Title", 80),
            Typed("IsActive", "Active", FieldType.Boolean) with { Nillable = false, DefaultedOnCreate = true, DefaultValue = true },
        ]);
        return f;
    }

    private static List<FieldDefinition> Opportunity()
    {
        var f = SystemFields(owned: true);
        f.AddRange(
        [
            Lookup("AccountId", "Account ID", "Account", "Account") with { ChildRelationshipName = "Opportunities" },
            Text("Name", "Name", 120, required: true),
            Typed("Description", "Description", FieldType.TextArea, 32000),
            Pick("StageName", "Stage", true, null, [.. OpportunityStages.Select(s => s.Stage)]) with { Nillable = false, Required = true },
            Typed("Amount", "Amount", FieldType.Currency) with { Precision = 18, Scale = 2 },
            Typed("Probability", "Probability (%)", FieldType.Percent) with { Precision = 3 },
            Typed("CloseDate", "Close Date", FieldType.Date) with { Nillable = false, Required = true },
            Pick("Type", "Opportunity Type", false, null, "Existing Customer - Upgrade", "Existing Customer - Replacement", "Existing Customer - Downgrade", "New Customer"),
            Text("NextStep", "Next Step", 255),
            Pick("LeadSource", "Lead Source", false, null, "Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"),
            ReadOnly(Typed("IsClosed", "Closed", FieldType.Boolean)) with { Nillable = false, DefaultedOnCreate = true, DefaultValue = false },
            ReadOnly(Typed("IsWon", "Won", FieldType.Boolean)) with { Nillable = false, DefaultedOnCreate = true, DefaultValue = false },
            // Campaign is not emulated: the field exists for queries (GROUP BY CampaignId) and stays empty.
            Lookup("CampaignId", "Campaign ID", "Campaign", "Campaign"),
            Lookup("Pricebook2Id", "Price Book ID", "Pricebook2", "Pricebook2") with { ChildRelationshipName = "Opportunities" },
            ReadOnly(Typed("HasOpportunityLineItem", "Has Line Item", FieldType.Boolean)) with { Nillable = false, DefaultedOnCreate = true, DefaultValue = false },
        ]);
        return f;
    }

    private static List<FieldDefinition> Product2()
    {
        var f = SystemFields(owned: false);
        f.AddRange(
        [
            Text("Name", "Product Name", 255, required: true),
            Text("ProductCode", "Product Code", 255),
            Typed("Description", "Product Description", FieldType.TextArea, 4000),
            Typed("IsActive", "Active", FieldType.Boolean) with { Nillable = false, DefaultedOnCreate = true, DefaultValue = false },
            Pick("Family", "Product Family", false, null, "None", "Hardware", "Software", "Services"),
        ]);
        return f;
    }

    private static List<FieldDefinition> Pricebook2()
    {
        var f = SystemFields(owned: false);
        f.AddRange(
        [
            Text("Name", "Price Book Name", 255, required: true),
            Typed("IsActive", "Active", FieldType.Boolean) with { Nillable = false, DefaultedOnCreate = true, DefaultValue = false },
            Typed("Description", "Description", FieldType.TextArea, 255),
            ReadOnly(Typed("IsStandard", "Is Standard Price Book", FieldType.Boolean)) with { Nillable = false, DefaultedOnCreate = true, DefaultValue = false },
        ]);
        return f;
    }

    /// <summary>A product's price in a price book; <c>Name</c> and <c>ProductCode</c> are the product's, kept in step on save.</summary>
    private static List<FieldDefinition> PricebookEntry()
    {
        var f = SystemFields(owned: false);
        f.AddRange(
        [
            ReadOnly(Text("Name", "Product Name", 255)),
            Lookup("Pricebook2Id", "Price Book ID", "Pricebook2", "Pricebook2") with { Nillable = false, Required = true, Updateable = false, ChildRelationshipName = "PricebookEntries" },
            Lookup("Product2Id", "Product ID", "Product2", "Product2") with { Nillable = false, Required = true, Updateable = false, ChildRelationshipName = "PricebookEntries" },
            Typed("UnitPrice", "List Price", FieldType.Currency) with { Precision = 18, Scale = 2, Nillable = false, Required = true },
            Typed("IsActive", "Active", FieldType.Boolean) with { Nillable = false, DefaultedOnCreate = true, DefaultValue = false },
            Typed("UseStandardPrice", "Use Standard Price", FieldType.Boolean) with { Nillable = false, DefaultedOnCreate = true, DefaultValue = false },
            ReadOnly(Text("ProductCode", "Product Code", 255)),
        ]);
        return f;
    }

    /// <summary>An opportunity's product; <c>ListPrice</c>, <c>Product2Id</c> and <c>Name</c> come from the price book entry on save,
    /// <c>UnitPrice</c> defaults to the list price and <c>TotalPrice</c> is quantity times unit price.</summary>
    private static List<FieldDefinition> OpportunityLineItem()
    {
        var f = SystemFields(owned: false);
        f.AddRange(
        [
            Lookup("OpportunityId", "Opportunity ID", "Opportunity", "Opportunity") with { Nillable = false, Required = true, Updateable = false, ChildRelationshipName = "OpportunityLineItems" },
            Lookup("PricebookEntryId", "Price Book Entry ID", "PricebookEntry", "PricebookEntry") with { Nillable = false, Required = true, Updateable = false, ChildRelationshipName = "OpportunityLineItems" },
            ReadOnly(Lookup("Product2Id", "Product ID", "Product2", "Product2")),
            ReadOnly(Text("Name", "Opportunity Product Name", 376)),
            ReadOnly(Text("ProductCode", "Product Code", 255)),
            Typed("Quantity", "Quantity", FieldType.Double) with { Precision = 12, Scale = 2, Nillable = false, Required = true },
            Typed("UnitPrice", "Sales Price", FieldType.Currency) with { Precision = 18, Scale = 2 },
            ReadOnly(Typed("ListPrice", "List Price", FieldType.Currency)) with { Precision = 18, Scale = 2 },
            Typed("TotalPrice", "Total Price", FieldType.Currency) with { Precision = 18, Scale = 2 },
            Typed("ServiceDate", "Date", FieldType.Date),
            Text("Description", "Line Description", 255),
        ]);
        return f;
    }

    /// <summary>
    /// The org's own record (id = org id). The CLI's login queries it; every field is read-only here (Setup, not the
    /// API, changes company information) and the object has no IsDeleted, as in the field reference.
    /// </summary>
    private static List<FieldDefinition> Organization()
    {
        List<FieldDefinition> f =
        [
            new() { Name = "Id", Label = "Organization ID", Type = FieldType.Id, Length = 18, Nillable = false, Createable = false, Updateable = false, DefaultedOnCreate = true },
            ReadOnly(Text("Name", "Name", 80, required: true)),
            ReadOnly(Text("Division", "Division", 80)),
            ReadOnly(Text("City", "City", 40)),
            ReadOnly(Text("Country", "Country", 80)),
            ReadOnly(Typed("Phone", "Phone", FieldType.Phone, 40)),
            ReadOnly(Pick("OrganizationType", "Edition", false, null, "Team Edition", "Professional Edition", Edition, "Developer Edition", "Personal Edition", "Unlimited Edition", "Contact Manager Edition", "Base Edition")),
            ReadOnly(Text("InstanceName", "Instance Name", 5)),
            ReadOnly(Typed("IsSandbox", "Is Sandbox", FieldType.Boolean)) with { Nillable = false, DefaultValue = false },
            ReadOnly(Typed("TrialExpirationDate", "Trial Expiration Date", FieldType.DateTime)),
            ReadOnly(Text("NamespacePrefix", "Namespace Prefix", 15)),
            ReadOnly(Pick("LanguageLocaleKey", "Language", false, null, "en_US")),
            ReadOnly(Pick("DefaultLocaleSidKey", "Locale", false, null, "en_US")),
            ReadOnly(Pick("TimeZoneSidKey", "Time Zone", false, null, "GMT")),
            ReadOnly(Typed("IsReadOnly", "Is Read Only", FieldType.Boolean)) with { Nillable = false, DefaultValue = false },
        ];
        f.AddRange(SystemFields(owned: false).Where(s => s.Name is not ("Id" or "IsDeleted")));
        return f;
    }
}
