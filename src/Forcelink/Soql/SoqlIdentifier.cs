using System.Text.RegularExpressions;

namespace Forcelink.Soql;

/// <summary>
/// A field or object name placed into a query (for a name chosen at run time, such as a field list from configuration).
/// Only API names are accepted: letters, digits and underscores, with dotted relationship paths, so a name can never
/// carry query syntax.
/// </summary>
public sealed partial class SoqlIdentifier
{
    private SoqlIdentifier(string name) => Name = name;

    /// <summary>The validated name.</summary>
    public string Name { get; }

    /// <summary>Validates an API name such as <c>Email</c>, <c>Ext_Id__c</c>, <c>Owner.Name</c> or <c>ns__Invoice__c</c>.</summary>
    /// <exception cref="ArgumentException">The name is not an API name.</exception>
    public static SoqlIdentifier Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsValid(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a Salesforce API name: use letters, digits and underscores (starting with a letter), with '.' between relationship names, such as Owner.Name or Ext_Id__c.",
                nameof(name));
        }

        return new SoqlIdentifier(name);
    }

    /// <summary>Whether <paramref name="name"/> is an API name that <see cref="Parse"/> accepts.</summary>
    public static bool IsValid(string? name) => name is { Length: > 0 and <= 255 } && Pattern().IsMatch(name);

    /// <summary>Validates several names for a field list (<c>SELECT {fields} FROM ...</c>).</summary>
    public static SoqlIdentifierList List(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var parsed = names.Select(n => Parse(n).Name).ToArray();
        if (parsed.Length == 0)
        {
            throw new ArgumentException("A field list needs at least one field name.", nameof(names));
        }

        return new SoqlIdentifierList(parsed);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
