using System.Buffers;

namespace Forcelink;

/// <summary>Salesforce's rules for record ids and API names, in one place for the client, the operations and the CLI.</summary>
internal static class SalesforceNames
{
    private static readonly SearchValues<char> LettersAndDigits = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
    private static readonly SearchValues<char> NameCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

    /// <summary>A record id: 15 (case-sensitive) or 18 (case-safe) letters and digits, such as <c>00Q5e00000AbCdEEAV</c>.</summary>
    public static bool IsId(string? text) =>
        text is { Length: 15 or 18 } && !text.AsSpan().ContainsAnyExcept(LettersAndDigits);

    /// <summary>An object or field API name: a letter, then letters, digits and underscores, at most 80 characters
    /// (<c>Lead</c>, <c>Invoice__c</c>, <c>ns__Rate__c</c>).</summary>
    public static bool IsApiName(string? text) =>
        text is { Length: > 0 and <= 80 } && char.IsAsciiLetter(text[0]) && !text.AsSpan().ContainsAnyExcept(NameCharacters);
}
