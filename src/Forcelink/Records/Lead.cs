namespace Forcelink.Records;

/// <summary>A Lead with its standard fields. Custom fields (<c>Ext_Id__c</c>) are kept and reachable through the indexer.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(SObjectJsonConverter<Lead>))]
public sealed class Lead : SObject, ISObjectType
{
    /// <summary>Creates an empty Lead.</summary>
    public Lead()
        : base("Lead")
    {
    }

    static string ISObjectType.ObjectName => "Lead";

    /// <summary>The salutation, such as Mr. or Ms. (picklist).</summary>
    public string? Salutation
    {
        get => GetString("Salutation");
        set => Set("Salutation", value);
    }

    /// <summary>First name (up to 40 characters).</summary>
    public string? FirstName
    {
        get => GetString("FirstName");
        set => Set("FirstName", value);
    }

    /// <summary>Last name (up to 80 characters). Required on create.</summary>
    public string? LastName
    {
        get => GetString("LastName");
        set => Set("LastName", value);
    }

    /// <summary>Full name, computed from first and last name. Read-only.</summary>
    public string? Name => GetString("Name");

    /// <summary>Job title (up to 128 characters).</summary>
    public string? Title
    {
        get => GetString("Title");
        set => Set("Title", value);
    }

    /// <summary>Company (up to 255 characters). Required on create.</summary>
    public string? Company
    {
        get => GetString("Company");
        set => Set("Company", value);
    }

    /// <summary>Email address.</summary>
    public string? Email
    {
        get => GetString("Email");
        set => Set("Email", value);
    }

    /// <summary>Phone number.</summary>
    public string? Phone
    {
        get => GetString("Phone");
        set => Set("Phone", value);
    }

    /// <summary>Mobile phone number.</summary>
    public string? MobilePhone
    {
        get => GetString("MobilePhone");
        set => Set("MobilePhone", value);
    }

    /// <summary>Fax number.</summary>
    public string? Fax
    {
        get => GetString("Fax");
        set => Set("Fax", value);
    }

    /// <summary>Website URL.</summary>
    public string? Website
    {
        get => GetString("Website");
        set => Set("Website", value);
    }

    /// <summary>Street address.</summary>
    public string? Street
    {
        get => GetString("Street");
        set => Set("Street", value);
    }

    /// <summary>City.</summary>
    public string? City
    {
        get => GetString("City");
        set => Set("City", value);
    }

    /// <summary>State or province.</summary>
    public string? State
    {
        get => GetString("State");
        set => Set("State", value);
    }

    /// <summary>Postal code.</summary>
    public string? PostalCode
    {
        get => GetString("PostalCode");
        set => Set("PostalCode", value);
    }

    /// <summary>Country.</summary>
    public string? Country
    {
        get => GetString("Country");
        set => Set("Country", value);
    }

    /// <summary>Where the lead came from (picklist).</summary>
    public string? LeadSource
    {
        get => GetString("LeadSource");
        set => Set("LeadSource", value);
    }

    /// <summary>Industry (picklist).</summary>
    public string? Industry
    {
        get => GetString("Industry");
        set => Set("Industry", value);
    }

    /// <summary>Rating, such as Hot, Warm or Cold (picklist).</summary>
    public string? Rating
    {
        get => GetString("Rating");
        set => Set("Rating", value);
    }

    /// <summary>Annual revenue (currency).</summary>
    public decimal? AnnualRevenue
    {
        get => GetDecimal("AnnualRevenue");
        set => Set("AnnualRevenue", value);
    }

    /// <summary>Number of employees.</summary>
    public int? NumberOfEmployees
    {
        get => GetInt32("NumberOfEmployees");
        set => Set("NumberOfEmployees", value);
    }

    /// <summary>Description (long text).</summary>
    public string? Description
    {
        get => GetString("Description");
        set => Set("Description", value);
    }

    /// <summary>Lead status (picklist); Salesforce sets the default status on create when left empty.</summary>
    public string? Status
    {
        get => GetString("Status");
        set => Set("Status", value);
    }

    /// <summary>The owning user or queue; defaults to the creating user.</summary>
    public string? OwnerId
    {
        get => GetString("OwnerId");
        set => Set("OwnerId", value);
    }

    /// <summary>Whether the lead was converted. Read-only.</summary>
    public bool? IsConverted => GetBoolean("IsConverted");

    /// <summary>The account created on conversion. Read-only.</summary>
    public string? ConvertedAccountId => GetString("ConvertedAccountId");

    /// <summary>The contact created on conversion. Read-only.</summary>
    public string? ConvertedContactId => GetString("ConvertedContactId");

    /// <summary>The opportunity created on conversion. Read-only.</summary>
    public string? ConvertedOpportunityId => GetString("ConvertedOpportunityId");

    /// <summary>When the lead was converted. Read-only.</summary>
    public DateOnly? ConvertedDate => GetDate("ConvertedDate");

    /// <summary>Whether the owner has not viewed the lead yet.</summary>
    public bool? IsUnreadByOwner
    {
        get => GetBoolean("IsUnreadByOwner");
        set => Set("IsUnreadByOwner", value);
    }
}
