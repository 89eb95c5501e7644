using System.Text.RegularExpressions;

namespace Forcelink.Tests.Docs;

/// <summary>Every file the docs link to and every docs page a message names is in the repository: a user of it has them.</summary>
public sealed partial class DocReferencesTests
{
    private static readonly string Root = RepositoryRoot.Path;

    public static TheoryData<string> MarkdownFiles() =>
        [.. Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories).Append(Path.Combine(Root, "README.md"))
            .Select(f => Path.GetRelativePath(Root, f))];

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Links_PointInsideTheRepository(string file)
    {
        var folder = Path.GetDirectoryName(Path.Combine(Root, file))!;
        var broken = MarkdownLink().Matches(File.ReadAllText(Path.Combine(Root, file)))
            .Select(m => m.Groups[1].Value)
            .Where(target => !target.StartsWith("http", StringComparison.Ordinal) && !target.StartsWith('#') && !target.StartsWith("mailto:", StringComparison.Ordinal))
            .Select(target => target.Split('#')[0])
            .Where(target => !File.Exists(Path.Combine(folder, target)) && !Directory.Exists(Path.Combine(folder, target))
                || !Path.GetFullPath(Path.Combine(folder, target)).StartsWith(Root, StringComparison.Ordinal))
            .ToList();

        Assert.Empty(broken);
    }

    [Fact]
    public void Sources_NameOnlyDocsPagesThatExist_AndNoGuideOutsideTheRepository()
    {
        var problems = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            foreach (Match page in DocsPage().Matches(text))
            {
                if (!File.Exists(Path.Combine(Root, page.Value)))
                {
                    problems.Add($"{Path.GetRelativePath(Root, file)} names {page.Value}, which does not exist");
                }
            }

            if (text.Contains("setup guide step", StringComparison.OrdinalIgnoreCase) || text.Contains("../shared", StringComparison.Ordinal))
            {
                problems.Add($"{Path.GetRelativePath(Root, file)} points to a guide users of the repository do not have");
            }
        }

        Assert.Empty(problems);
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"docs/[a-z0-9-]+\.md")]
    private static partial Regex DocsPage();
}
