using System.CommandLine;
using Forcelink.Cli;

namespace Forcelink.IntegrationTests.Cli;

public sealed class HelpTests
{
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        var root = CliApp.BuildRootCommand(new CliContext { Output = TextWriter.Null, Error = TextWriter.Null, Environment = new Dictionary<string, string>(), WorkingDirectory = ".", HomeDirectory = "." });
        foreach (var path in Paths(root, ""))
        {
            data.Add(path);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_EveryCommand_PrintsUsageAndSucceeds(string command)
    {
        using var session = new CliSession();

        var run = await session.RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("Usage:", run.Output);
        Assert.Contains("Description:", run.Output);
        Assert.DoesNotContain("TODO", run.Output);
    }

    [Fact]
    public async Task UnknownOption_IsAUsageErrorOnStderr()
    {
        using var session = new CliSession();

        var run = await session.RunAsync("lead", "get", "--idd", "x");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--idd", run.Error);
        Assert.Contains("forcelink lead get --help", run.Error);
        Assert.Equal("", run.Output);
    }

    private static IEnumerable<string> Paths(Command command, string prefix)
    {
        yield return prefix.Trim();
        foreach (var child in command.Subcommands)
        {
            foreach (var path in Paths(child, $"{prefix} {child.Name}"))
            {
                yield return path;
            }
        }
    }
}
