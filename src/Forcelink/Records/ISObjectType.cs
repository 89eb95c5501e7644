namespace Forcelink.Records;

/// <summary>A typed sObject: names its Salesforce object, so generic calls need no object-name strings.</summary>
public interface ISObjectType
{
    /// <summary>The sObject's API name, such as <c>Lead</c>.</summary>
    static abstract string ObjectName { get; }
}
