namespace Forcelink.IntegrationTests;

/// <summary>Finds files of this repository from the test's output folder.</summary>
internal static class RepositoryPaths
{
    public static string Root => Forcelink.Tests.RepositoryRoot.Path;
}
