namespace Forcelink.Emulator.Records;

/// <summary>The describe <c>type</c> of a field, as the emulator stores and renders it.</summary>
internal enum FieldType
{
    Id,
    String,
    TextArea,
    Picklist,
    MultiPicklist,
    Email,
    Phone,
    Url,
    Boolean,
    Int,
    Double,
    Currency,
    Percent,
    Date,
    DateTime,
    Reference,

    /// <summary>A blob such as ContentVersion.VersionData: written as its bytes, read as the URL that serves them.</summary>
    Base64,
}
