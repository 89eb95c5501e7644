using System.Text.RegularExpressions;

namespace Forcelink.Tests.PublicApi;

/// <summary>docs/api.md lists every public type of the library with why it is public: the list and the assembly agree.</summary>
public sealed partial class ApiListTests
{
    [Fact]
    public void Exported_Types_AreThoseDocsApiMdLists()
    {
        var exported = typeof(SalesforceClient).Assembly.GetExportedTypes()
            .Where(t => !t.IsNested)
            .Select(t => $"{t.Namespace}.{Regex.Replace(t.Name, "`1$", "<T>")}")
            .Order(StringComparer.Ordinal)
            .ToList();

        var listed = Listed().Order(StringComparer.Ordinal).ToList();

        Assert.Equal(listed, exported);
    }

    [Fact]
    public void Exported_Types_AreNotNestedInOtherTypes()
    {
        var nested = typeof(SalesforceClient).Assembly.GetExportedTypes().Where(t => t.IsNested).Select(t => t.FullName);

        Assert.Empty(nested);
    }

    private static IEnumerable<string> Listed()
    {
        string? space = null;
        foreach (var line in File.ReadLines(Path.Combine(RepositoryRoot.Path, "docs", "api.md")))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                space = line[3..].Trim();
            }
            else if (space is not null && TypeRow().Match(line) is { Success: true } row)
            {
                yield return $"{space}.{row.Groups[1].Value}";
            }
        }
    }

    [GeneratedRegex(@"^\| `([A-Za-z]+(?:<T>)?)` \|")]
    private static partial Regex TypeRow();
}
