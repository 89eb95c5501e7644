namespace Forcelink.IntegrationTests.Aot;

/// <summary>Publishes a small program that uses the library with Native AOT: any trim or AOT warning fails the build.</summary>
public sealed class AotPublishTests
{
    [Fact]
    public async Task Publish_SmallProgramUsingLibrary_HasNoTrimOrAotWarningsAndRuns()
    {
        var output = Path.Combine(Path.GetTempPath(), $"forcelink-aot-{Guid.NewGuid():N}");
        try
        {
            var (exitCode, log) = await ProcessRunner.RunAsync(
                "dotnet",
                ["publish", "tests/Forcelink.AotSmoke/Forcelink.AotSmoke.csproj", "-c", "Release", "-r", "linux-x64", "-o", Path.Combine(output, "app"), "--artifacts-path", Path.Combine(output, "artifacts"), "-p:TreatWarningsAsErrors=true"],
                TimeSpan.FromMinutes(10));

            Assert.True(exitCode == 0, log);
            Assert.DoesNotContain("warning IL", log, StringComparison.Ordinal);
            Assert.DoesNotContain("error IL", log, StringComparison.Ordinal);

            var (runExit, runOutput) = await ProcessRunner.RunAsync(Path.Combine(output, "app", "Forcelink.AotSmoke"), [], TimeSpan.FromMinutes(1));
            Assert.True(runExit == 0, runOutput);
            Assert.Contains("\"Custom__c\":1", runOutput, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
