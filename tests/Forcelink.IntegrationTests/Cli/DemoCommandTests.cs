using Forcelink.Cli;

namespace Forcelink.IntegrationTests.Cli;

public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_NoConfiguration_RunsEveryStepAndSucceeds()
    {
        using var session = new CliSession();

        var run = await session.RunAsync("demo");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("Logged in with the JWT bearer flow", run.Output);
        Assert.Contains("\"operation\":\"create\",\"object\":\"Lead\"", run.Output);
        Assert.Contains("\"operation\":\"delete\",\"object\":\"Case\"", run.Output);
        Assert.Contains("\"statusCode\":201", run.Output);
        Assert.DoesNotContain("BEGIN PRIVATE KEY", run.Output);
        Assert.DoesNotContain("access_token", run.Output);
        Assert.Equal("", run.Error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(session.Home));
    }
}
