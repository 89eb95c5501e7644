using Forcelink.Cli;
using Forcelink.Emulator.Hosting;
using Forcelink.IntegrationTests.Fleet;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.IntegrationTests.Cli;

/// <summary><c>forcelink login</c> through a token endpoint that fails transiently; the CLI and the org share one fake clock.</summary>
public sealed class LoginCommandTests
{
    // Small, so that fake time stays far behind the 10-second limit of a login attempt still on the wire.
    private static readonly TimeSpan PumpStep = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task Login_OneServiceUnavailableAtTheTokenEndpoint_Succeeds()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var org = await CliOrg.StartAsync((options, _) =>
        {
            options.TimeProvider = time;
            options.Org.Faults.Add(new FaultRule { PathPrefix = "/services/oauth2/token", Kind = FaultKind.ServiceUnavailable, Count = 1 });
        });
        org.Session.TimeProvider = time;

        var run = await TimePump.RunAsync(org.Session.RunAsync("login"), time, PumpStep);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains($"Logged in as {CliOrg.Username}", run.Output);
        Assert.Equal(new[] { 503, 200 }, org.Host.Org.RequestLog.Where(r => r.Path == "/services/oauth2/token").Select(r => r.Status));
    }

    [Fact]
    public async Task Login_TokenEndpointUnavailableThroughEveryRetry_ExitsAsAFailureNotAsAuthentication()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var org = await CliOrg.StartAsync((options, _) =>
        {
            options.TimeProvider = time;
            options.Org.Faults.Add(new FaultRule { PathPrefix = "/services/oauth2/token", Kind = FaultKind.ServiceUnavailable });
        });
        org.Session.TimeProvider = time;

        var run = await TimePump.RunAsync(org.Session.RunAsync("login"), time, PumpStep);

        Assert.True(run.ExitCode == ExitCodes.Failure, run.ToString());
        Assert.Contains("answered 503 SERVER_UNAVAILABLE", run.Error);
        Assert.Contains("the login was tried 4 times", run.Error);
        Assert.Contains("not a setup error", run.Error);
    }
}
