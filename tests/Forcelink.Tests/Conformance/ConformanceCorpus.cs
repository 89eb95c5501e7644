using System.Text.Json.Nodes;

namespace Forcelink.Tests.Conformance;

/// <summary>
/// The corpus of Salesforce responses other projects recorded from real orgs (restforce, the Salesforce CLI's
/// plugin-data, NetCoreForce), read at run time and never committed: <c>FORCELINK_CONFORMANCE_DIR</c> when set, else
/// <c>shared/conformance</c> beside the checkout (<c>&lt;repository root&gt;/../shared/conformance</c>). Its README says
/// what to trust: shapes, key names, types, codes and messages; not ids or counts.
/// </summary>
internal static class ConformanceCorpus
{
    public const string Variable = "FORCELINK_CONFORMANCE_DIR";

    private static readonly Lazy<(string? Directory, string Looked)> Located = new(Locate);

    /// <summary>The corpus folder, or <see langword="null"/> when it is absent.</summary>
    public static string? Directory => Located.Value.Directory;

    /// <summary>Why the conformance tests cannot run, for the skip message and the CI failure.</summary>
    public static string MissingReason =>
        $"The conformance corpus is missing (looked for {Located.Value.Looked}): put the recorded responses in ../shared/conformance beside the checkout, " +
        $"or point {Variable} at them. CI runs these tests and fails without them (.ci/run checks the folder first).";

    /// <summary>Whether a missing corpus fails the tests instead of skipping them.</summary>
    public static bool Required => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string PathOf(string relative)
    {
        var root = Directory ?? throw new InvalidOperationException(MissingReason);
        var path = Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar));
        return File.Exists(path) || System.IO.Directory.Exists(path) ? path : throw new FileNotFoundException($"The conformance corpus has no {relative} (in {root}).", path);
    }

    public static string ReadText(string relative) => File.ReadAllText(PathOf(relative));

    public static JsonNode ReadJson(string relative) =>
        JsonNode.Parse(ReadText(relative)) ?? throw new InvalidDataException($"{relative} holds JSON null.");

    /// <summary>A restforce fixture (<c>restforce/spec/fixtures/...</c>).</summary>
    public static JsonNode Restforce(string name) => ReadJson($"restforce/spec/fixtures/{name}.json");

    /// <summary>A NetCoreForce response (<c>netcoreforce/src/NetCoreForce.Client.Tests/responses/...</c>).</summary>
    public static JsonNode NetCoreForce(string name) => ReadJson($"netcoreforce/src/NetCoreForce.Client.Tests/responses/{name}.json");

    /// <summary>One of plugin-data's SOQL exemplars: <c>{query, queryResult, queryMoreResult?}</c>.</summary>
    public static JsonObject Exemplar(string name) =>
        ReadJson("plugin-data/test/test-files/soql-query-exemplars.json")[name] as JsonObject
        ?? throw new InvalidDataException($"soql-query-exemplars.json has no exemplar '{name}'.");

    private static (string? Directory, string Looked) Locate()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured)
        {
            var full = Path.GetFullPath(configured);
            return (System.IO.Directory.Exists(full) ? full : null, $"{full}, from {Variable}");
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Forcelink.slnx")))
            {
                var beside = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "conformance"));
                return (System.IO.Directory.Exists(beside) ? beside : null, beside);
            }
        }

        return (null, $"../shared/conformance beside Forcelink.slnx, which is not above {AppContext.BaseDirectory}");
    }
}

/// <summary>A test over the conformance corpus: skipped with the reason when the corpus is absent, except under CI
/// (<c>CI=true</c>), where the test runs and fails saying what is missing.</summary>
public sealed class ConformanceFactAttribute : FactAttribute
{
    public ConformanceFactAttribute()
    {
        if (ConformanceCorpus.Directory is null && !ConformanceCorpus.Required)
        {
            Skip = ConformanceCorpus.MissingReason;
        }
    }
}

/// <inheritdoc cref="ConformanceFactAttribute"/>
public sealed class ConformanceTheoryAttribute : TheoryAttribute
{
    public ConformanceTheoryAttribute()
    {
        if (ConformanceCorpus.Directory is null && !ConformanceCorpus.Required)
        {
            Skip = ConformanceCorpus.MissingReason;
        }
    }
}
