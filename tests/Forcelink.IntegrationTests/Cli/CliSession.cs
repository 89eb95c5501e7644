using Forcelink.Cli;

namespace Forcelink.IntegrationTests.Cli;

/// <summary>
/// Runs the real command tree with captured output, its own environment variables and a temporary working and home
/// directory that are deleted afterwards. Every run has a timeout, so a hung command fails the test instead of the suite.
/// </summary>
internal sealed class CliSession : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    public CliSession()
    {
        Directory = Path.Combine(Path.GetTempPath(), "forcelink-cli-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Home = Path.Combine(Directory, "home");
        System.IO.Directory.CreateDirectory(Home);
    }

    public string Directory { get; }

    public string Home { get; }

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Replaces the network for Salesforce calls (CliContext.Transport); null for real sockets.</summary>
    public HttpMessageHandler? Transport { get; set; }

    /// <summary>What the command reads from stdin.</summary>
    public string Input { get; set; } = "";

    public string PathOf(string name) => Path.Combine(Directory, name);

    public Task<CliRun> RunAsync(params string[] args) => RunAsync(new StringWriter(), CancellationToken.None, args);

    public async Task<CliRun> RunAsync(StringWriter output, CancellationToken cancellationToken, params string[] args)
    {
        var error = new StringWriter();
        var context = new CliContext
        {
            Input = new StringReader(Input),
            Output = output,
            Error = error,
            Environment = new Dictionary<string, string>(Environment, StringComparer.Ordinal),
            WorkingDirectory = Directory,
            HomeDirectory = Home,
            TimeProvider = TimeProvider,
            Transport = Transport,
        };
        var exitCode = await CliApp.RunAsync(args, context, cancellationToken).WaitAsync(RunTimeout);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}
