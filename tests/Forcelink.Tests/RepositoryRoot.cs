namespace Forcelink.Tests;

/// <summary>The checkout the tests run from: the folder holding Forcelink.slnx, above the test binaries.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Forcelink.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Forcelink.slnx was not found above {AppContext.BaseDirectory}.");
    }
}
