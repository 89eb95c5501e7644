namespace Forcelink.Records;

/// <summary>A Case with its standard fields. Custom fields are kept and reachable through the indexer.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Salesforce names this object Case.")]
[System.Text.Json.Serialization.JsonConverter(typeof(SObjectJsonConverter<Case>))]
public sealed class Case : SObject, ISObjectType
{
    /// <summary>Creates an empty Case.</summary>
    public Case()
        : base("Case")
    {
    }

    static string ISObjectType.ObjectName => "Case";

    /// <summary>The case number, set on insert. Read-only.</summary>
    public string? CaseNumber => GetString("CaseNumber");

    /// <summary>Subject (up to 255 characters).</summary>
    public string? Subject
    {
        get => GetString("Subject");
        set => Set("Subject", value);
    }

    /// <summary>Description (long text).</summary>
    public string? Description
    {
        get => GetString("Description");
        set => Set("Description", value);
    }

    /// <summary>Status (picklist); Salesforce sets the default status on create when left empty.</summary>
    public string? Status
    {
        get => GetString("Status");
        set => Set("Status", value);
    }

    /// <summary>Priority, such as High, Medium or Low (picklist); defaulted on create.</summary>
    public string? Priority
    {
        get => GetString("Priority");
        set => Set("Priority", value);
    }

    /// <summary>How the case arrived, such as Email, Phone or Web (picklist).</summary>
    public string? Origin
    {
        get => GetString("Origin");
        set => Set("Origin", value);
    }

    /// <summary>Case type (picklist).</summary>
    public string? Type
    {
        get => GetString("Type");
        set => Set("Type", value);
    }

    /// <summary>Case reason (picklist).</summary>
    public string? Reason
    {
        get => GetString("Reason");
        set => Set("Reason", value);
    }

    /// <summary>The related account.</summary>
    public string? AccountId
    {
        get => GetString("AccountId");
        set => Set("AccountId", value);
    }

    /// <summary>The related contact.</summary>
    public string? ContactId
    {
        get => GetString("ContactId");
        set => Set("ContactId", value);
    }

    /// <summary>The owning user or queue; defaults to the creating user.</summary>
    public string? OwnerId
    {
        get => GetString("OwnerId");
        set => Set("OwnerId", value);
    }

    /// <summary>The parent case.</summary>
    public string? ParentId
    {
        get => GetString("ParentId");
        set => Set("ParentId", value);
    }

    /// <summary>Whether the case is escalated.</summary>
    public bool? IsEscalated
    {
        get => GetBoolean("IsEscalated");
        set => Set("IsEscalated", value);
    }

    /// <summary>Whether the status is a closed status. Read-only.</summary>
    public bool? IsClosed => GetBoolean("IsClosed");

    /// <summary>When the case was closed. Read-only.</summary>
    public DateTimeOffset? ClosedDate => GetDateTime("ClosedDate");

    /// <summary>Web-to-case: the submitter's name.</summary>
    public string? SuppliedName
    {
        get => GetString("SuppliedName");
        set => Set("SuppliedName", value);
    }

    /// <summary>Web-to-case: the submitter's email.</summary>
    public string? SuppliedEmail
    {
        get => GetString("SuppliedEmail");
        set => Set("SuppliedEmail", value);
    }

    /// <summary>Web-to-case: the submitter's phone.</summary>
    public string? SuppliedPhone
    {
        get => GetString("SuppliedPhone");
        set => Set("SuppliedPhone", value);
    }

    /// <summary>Web-to-case: the submitter's company.</summary>
    public string? SuppliedCompany
    {
        get => GetString("SuppliedCompany");
        set => Set("SuppliedCompany", value);
    }
}
