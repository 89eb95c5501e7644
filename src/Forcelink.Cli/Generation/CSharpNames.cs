using System.Text;

namespace Forcelink.Cli.Generation;

/// <summary>
/// Turns Salesforce API names into C# identifiers: <c>Ext_Id__c</c> becomes <c>ExtId</c>, <c>Invoice__c</c> becomes
/// <c>Invoice</c>. Every name starts with a capital letter, which no C# keyword (all lower case) does, so none needs
/// <c>@</c>; the collisions that remain are settled by <see cref="Unique"/>.
/// </summary>
internal static class CSharpNames
{
    /// <summary>The C# name of an API name: the custom suffix (<c>__c</c>, <c>__s</c>, <c>__mdt</c>...) dropped, each
    /// underscore-separated part capitalized and joined (a namespace prefix stays, as a word: <c>acme__Rate__c</c> is <c>AcmeRate</c>).</summary>
    public static string From(string apiName)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiName);
        var name = WithoutCustomSuffix(apiName);
        var result = new StringBuilder(name.Length);
        foreach (var part in name.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            var letters = string.Concat(part.Where(char.IsAsciiLetterOrDigit));
            if (letters.Length > 0)
            {
                result.Append(char.ToUpperInvariant(letters[0])).Append(letters.AsSpan(1));
            }
        }

        if (result.Length == 0 || char.IsAsciiDigit(result[0]))
        {
            // Salesforce names start with a letter; this only guards the generated code against a name that does not.
            result.Insert(0, 'F');
        }

        return result.ToString();
    }

    /// <summary>Whether <paramref name="text"/> is a dotted C# namespace such as <c>Acme.Salesforce</c>.</summary>
    public static bool IsNamespace(string text) => text.Split('.').All(IsIdentifier);

    /// <summary>Whether <paramref name="text"/> is a plain C# identifier that is not a keyword.</summary>
    public static bool IsIdentifier(string text) =>
        text.Length > 0 && (char.IsLetter(text[0]) || text[0] == '_') && text.All(c => char.IsLetterOrDigit(c) || c == '_') && !Keywords.Contains(text);

    /// <summary>
    /// <paramref name="name"/> if no one has it yet, else <paramref name="name"/> plus <paramref name="suffix"/>, then a
    /// number: the first claimant keeps the plain name. Case is ignored, as file systems and VB callers ignore it.
    /// </summary>
    public static string Unique(string name, string suffix, ISet<string> taken)
    {
        var candidate = name;
        if (taken.Contains(candidate))
        {
            candidate = name + suffix;
            for (var n = 2; taken.Contains(candidate); n++)
            {
                candidate = name + suffix + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        taken.Add(candidate);
        return candidate;
    }

    private static string WithoutCustomSuffix(string apiName)
    {
        // Custom names end in a lower-case suffix after a double underscore (__c, __s, __pc, __mdt, __e);
        // standard ones such as Invoice__History keep theirs, capitalized.
        var at = apiName.LastIndexOf("__", StringComparison.Ordinal);
        return at > 0 && at + 2 < apiName.Length && apiName[(at + 2)..].All(char.IsAsciiLetterLower) ? apiName[..at] : apiName;
    }

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock", "long",
        "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected", "public",
        "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string", "struct", "switch",
        "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void",
        "volatile", "while",
    };
}
