namespace Forcelink.Soql;

/// <summary>Which fields a SOSL search looks in.</summary>
public enum SoslScope
{
    /// <summary>All searchable fields (<c>IN ALL FIELDS</c>).</summary>
    All,

    /// <summary>Name fields (<c>IN NAME FIELDS</c>).</summary>
    Name,

    /// <summary>Email fields (<c>IN EMAIL FIELDS</c>).</summary>
    Email,

    /// <summary>Phone fields (<c>IN PHONE FIELDS</c>).</summary>
    Phone,
}
