using System.Text.RegularExpressions;
using Forcelink.Soql;

namespace Forcelink.Tests.Soql;

/// <summary>Injection attempts bound as values: the query's structure (everything outside the literal) never changes,
/// and the literal decodes back to exactly the input.</summary>
public sealed partial class SoqlInjectionTests
{
    public static TheoryData<string> Attempts =>
    [
        "' OR Name != '",
        "x' OR Id != null OR Name = 'y",
        "\\' OR 1=1 --",
        "\\\\' OR Name LIKE '%",
        "%' OR Id != null OR Name LIKE '",
        "'; DELETE FROM Lead; --",
        "\u0027 OR \u0027a\u0027=\u0027a",
        "\\u0027 OR Name != \\u0027",
        "') OR (Name != '",
        "x\\",
        "x\\\\'",
        "\n' OR Name != '\n",
        "\" OR Name != \"",
        "' AND Id IN (SELECT Id FROM Contact) AND Name = '",
        "%_%",
        "{!Name}",
        ":bind",
    ];

    [Theory]
    [MemberData(nameof(Attempts))]
    public void StringValue_StructureNeverChanges(string attempt)
    {
        var text = new SoqlQuery($"SELECT Id FROM Lead WHERE Email = {attempt} AND Status = {"Open"}").Text;

        var match = Structure().Match(text);
        Assert.True(match.Success, text);
        Assert.Equal(attempt, Unescape(match.Groups["value"].Value));
    }

    [Theory]
    [MemberData(nameof(Attempts))]
    public void LikeValue_StructureNeverChanges(string attempt)
    {
        var text = new SoqlQuery($"SELECT Id FROM Lead WHERE Name LIKE {SoqlLike.Contains(attempt)}").Text;

        var match = LikeStructure().Match(text);
        Assert.True(match.Success, text);
        Assert.Equal("%" + attempt + "%", Unescape(match.Groups["value"].Value, keepLikeEscapes: false));
    }

    [Theory]
    [MemberData(nameof(Attempts))]
    public void ListValue_StructureNeverChanges(string attempt)
    {
        var text = new SoqlQuery($"SELECT Id FROM Lead WHERE Email IN {new[] { attempt, "b" }}").Text;
        Assert.Matches(ListStructure(), text);
    }

    // Exactly one string literal per hole: a quote always belongs to an escape sequence inside it.
    [GeneratedRegex(@"^SELECT Id FROM Lead WHERE Email = '(?<value>(?:[^'\\]|\\.)*)' AND Status = 'Open'$", RegexOptions.Singleline)]
    private static partial Regex Structure();

    [GeneratedRegex(@"^SELECT Id FROM Lead WHERE Name LIKE '(?<value>(?:[^'\\]|\\.)*)'$", RegexOptions.Singleline)]
    private static partial Regex LikeStructure();

    [GeneratedRegex(@"^SELECT Id FROM Lead WHERE Email IN \('(?:[^'\\]|\\.)*', 'b'\)$", RegexOptions.Singleline)]
    private static partial Regex ListStructure();

    private static string Unescape(string literal, bool keepLikeEscapes = true)
    {
        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < literal.Length; i++)
        {
            if (literal[i] != '\\')
            {
                builder.Append(literal[i]);
                continue;
            }

            var next = literal[++i];
            builder.Append(next switch
            {
                'n' => "\n",
                'r' => "\r",
                't' => "\t",
                'b' => "\b",
                'f' => "\f",
                'u' => ((char)Convert.ToInt32(literal.Substring(i + 1, 4), 16)).ToString(),
                '%' or '_' when keepLikeEscapes => "\\" + next,
                _ => next.ToString(),
            });
            if (next == 'u')
            {
                i += 4;
            }
        }

        return builder.ToString();
    }
}
