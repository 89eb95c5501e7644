using System.Text.RegularExpressions;

namespace Forcelink;

/// <summary>Salesforce's rules for record ids and API names, in one place for the client, the operations and the CLI.</summary>
internal static partial class SalesforceNames
{
    /// <summary>A record id: 15 (case-sensitive) or 18 (case-safe) letters and digits, such as <c>00Q5e00000AbCdEEAV</c>.</summary>
    public static bool IsId(string? text) => text is not null && IdPattern().IsMatch(text);

    /// <summary>An object or field API name: a letter, then letters, digits and underscores, at most 80 characters
    /// (<c>Lead</c>, <c>Invoice__c</c>, <c>ns__Rate__c</c>).</summary>
    public static bool IsApiName(string? text) => text is not null && ApiNamePattern().IsMatch(text);

    [GeneratedRegex("^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,79}$", RegexOptions.CultureInvariant)]
    private static partial Regex ApiNamePattern();
}
