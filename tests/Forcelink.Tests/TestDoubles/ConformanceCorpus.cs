namespace Forcelink.Tests.TestDoubles;

/// <summary>The recorded Salesforce responses in <c>../shared/conformance</c> beside the checkout (CI has it there; the
/// project commits none of it).</summary>
public static class ConformanceCorpus
{
    public static string Folder { get; } = Find();

    public static string PathOf(string relative) => Path.Combine(Folder, relative);

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Forcelink.slnx")))
        {
            directory = directory.Parent;
        }

        return Path.GetFullPath(Path.Combine(directory?.FullName ?? ".", "..", "shared", "conformance"));
    }
}

/// <summary>A test that reads the conformance corpus, and says clearly that it skipped when the folder is absent.</summary>
public sealed class ConformanceFactAttribute : FactAttribute
{
    public ConformanceFactAttribute()
    {
        if (!Directory.Exists(ConformanceCorpus.Folder))
        {
            Skip = $"The conformance corpus is not beside the checkout ({ConformanceCorpus.Folder}); this test reads recorded Salesforce responses from it.";
        }
    }
}
