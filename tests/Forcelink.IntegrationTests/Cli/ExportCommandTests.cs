using Forcelink.Cli;

namespace Forcelink.IntegrationTests.Cli;

/// <summary><c>forcelink export</c>: <c>--out -</c> is stdout, and a cancelled run leaves nothing that blocks the next one.</summary>
public sealed class ExportCommandTests
{
    [Fact]
    public async Task Export_OutDash_WritesTheCsvToStandardOutput()
    {
        await using var org = await CliOrg.StartAsync();
        await org.RunAsync("lead", "create", "--field", "LastName=O'Brien", "--field", "Company=Acme, Inc.");

        var run = await org.RunAsync("export", "SELECT LastName, Company FROM Lead", "--out", "-");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal("LastName,Company\r\nO'Brien,\"Acme, Inc.\"\r\n", run.Output);
        Assert.Contains("Exported 1 record.", run.Error);
        Assert.False(File.Exists(org.Session.PathOf("-")));
    }

    [Fact]
    public async Task Export_CancelledDuringTheQuery_LeavesNoFile_AndTheSameCommandRunsAgain()
    {
        await using var org = await CliOrg.StartAsync();
        await org.RunAsync("lead", "create", "--field", "LastName=Doe", "--field", "Company=Acme");
        using var cancellation = new CancellationTokenSource();
        using var transport = new CancelOnQuery(cancellation);
        org.Session.Transport = transport;

        var cancelled = await org.Session.RunAsync(new StringWriter(), cancellation.Token, "export", "SELECT LastName, Company FROM Lead", "--out", "leads.csv");
        org.Session.Transport = null;
        var again = await org.RunAsync("export", "SELECT LastName, Company FROM Lead", "--out", "leads.csv");

        Assert.True(cancelled.ExitCode == ExitCodes.Cancelled, cancelled.ToString());
        Assert.True(transport.Cancelled);
        Assert.True(again.ExitCode == ExitCodes.Success, again.ToString());
        Assert.Equal("LastName,Company\r\nDoe,Acme\r\n", await File.ReadAllTextAsync(org.Session.PathOf("leads.csv")));
        Assert.Equal(["leads.csv"], Directory.GetFiles(org.Session.Directory, "leads*").Select(Path.GetFileName));
    }

    [Fact]
    public async Task Export_ExistingFile_IsRefusedWithTheFix_AndForceReplacesIt()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), "old");

        var refused = await org.RunAsync("export", "SELECT LastName FROM Lead", "--out", "leads.csv");
        var forced = await org.RunAsync("export", "SELECT LastName FROM Lead", "--out", "leads.csv", "--force");

        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Contains("already exists: choose another --out, or add --force to replace it.", refused.Error);
        Assert.True(forced.ExitCode == ExitCodes.Success, forced.ToString());
        Assert.Equal("LastName\r\n", await File.ReadAllTextAsync(org.Session.PathOf("leads.csv")));
    }

    /// <summary>The real network, but Ctrl+C arrives as the query is sent: after the header, before any record.</summary>
    private sealed class CancelOnQuery(CancellationTokenSource cancellation) : DelegatingHandler(new SocketsHttpHandler())
    {
        public bool Cancelled { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/query", StringComparison.Ordinal))
            {
                Cancelled = true;
                await cancellation.CancelAsync();
                cancellationToken.ThrowIfCancellationRequested();
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
