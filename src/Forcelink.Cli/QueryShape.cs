using System.Text.RegularExpressions;

namespace Forcelink.Cli;

/// <summary>What the CLI reads from SOQL it is given without parsing it: the columns a simple SELECT list names, and whether it counts.</summary>
internal static partial class QueryShape
{
    /// <summary>The field names of a simple SELECT list, so a header is known (and right) even when no record comes back;
    /// <see langword="null"/> for functions, aggregates and subqueries, whose columns only the records tell.</summary>
    public static List<string>? Columns(string soql)
    {
        var match = SelectPattern().Match(soql);
        if (!match.Success || match.Groups[1].Value.Contains('(', StringComparison.Ordinal))
        {
            return null;
        }

        return [.. match.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>
    /// <c>SELECT COUNT() FROM ...</c>: Salesforce answers with <c>totalSize</c> and no records. (<c>COUNT(Id)</c> is an
    /// aggregate and returns records with <c>expr0</c>, like any other.)
    /// </summary>
    public static bool IsCount(string soql) => CountPattern().IsMatch(soql);

    [GeneratedRegex(@"^\s*SELECT\s+(.+?)\s+FROM\s", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex SelectPattern();

    [GeneratedRegex(@"^\s*SELECT\s+COUNT\s*\(\s*\)\s+FROM\s", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex CountPattern();
}
