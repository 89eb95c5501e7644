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

    [Fact]
    public async Task Login_ClientCredentialsFromEnvironment_LogsInAsTheRunAsUser()
    {
        await using var org = await CliOrg.StartClientCredentialsAsync();

        var run = await org.Session.RunAsync("login");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("Logged in with the client credentials flow as the app's Run As user via", run.Output);
        Assert.Contains($"User id:      {org.Host.Org.FindUser(CliOrg.RunAsUser)!.Id}", run.Output);
        Assert.Equal(1, org.Host.LoginCount(CliOrg.RunAsUser));
        Assert.DoesNotContain(CliOrg.ClientSecret, run.Output + run.Error);
    }

    [Fact]
    public async Task Login_ClientCredentialsInlineSecretInBodyAsJson_ReportsTheFlow()
    {
        await using var org = await CliOrg.StartClientCredentialsAsync();
        org.Session.Environment.Remove("FORCELINK_CLIENT_SECRET_FILE");
        org.Session.Environment["FORCELINK_CLIENT_SECRET"] = CliOrg.ClientSecret;
        org.Session.Environment["FORCELINK_CLIENT_SECRET_IN_BODY"] = "false";

        var run = await org.Session.RunAsync("login", "--json");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var json = System.Text.Json.Nodes.JsonNode.Parse(run.Output)!;
        Assert.Equal("client_credentials", json["auth"]!.GetValue<string>());
        Assert.Null(json["username"]);
        Assert.Equal(org.Host.Org.FindUser(CliOrg.RunAsUser)!.Id, json["userId"]!.GetValue<string>());
        Assert.DoesNotContain(CliOrg.ClientSecret, run.Output + run.Error);
    }

    [Fact]
    public async Task Login_ClientCredentialsWrongSecret_ExplainsAndNeverShowsIt()
    {
        await using var org = await CliOrg.StartClientCredentialsAsync(options => options.Org.Apps[0].ConsumerSecret = "the-rotated-one");

        var run = await org.Session.RunAsync("login");

        Assert.NotEqual(ExitCodes.Success, run.ExitCode);
        Assert.Contains("invalid_client", run.Error);
        Assert.Contains("Consumer Secret", run.Error);
        Assert.DoesNotContain(CliOrg.ClientSecret, run.Output + run.Error);
        Assert.DoesNotContain("the-rotated-one", run.Output + run.Error);
    }

    [Fact]
    public async Task Login_ConnectionRefused_SaysTheLoginUrlCannotBeReached_AndExitsUnreachable()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var session = new CliSession { TimeProvider = time };
        var port = ClosedPort();
        await File.WriteAllTextAsync(session.PathOf("server.key"), NewKeyPem());
        session.Environment["FORCELINK_LOGIN_URL"] = $"http://127.0.0.1:{port}";
        session.Environment["FORCELINK_CONSUMER_KEY"] = "3MVG9abc";
        session.Environment["FORCELINK_USERNAME"] = "integration@example.com";
        session.Environment["FORCELINK_PRIVATE_KEY_FILE"] = session.PathOf("server.key");

        var run = await TimePump.RunAsync(session.RunAsync("login"), time, PumpStep);

        Assert.True(run.ExitCode == ExitCodes.Unreachable, run.ToString());
        Assert.Contains($"could not reach http://127.0.0.1:{port} (connection refused at 127.0.0.1:{port})", run.Error);
        Assert.Contains("Check the login URL (FORCELINK_LOGIN_URL)", run.Error);
        Assert.Contains("start it with `forcelink emulator`", run.Error);
        Assert.DoesNotContain("VPC", run.Error);
    }

    [Fact]
    public async Task Login_OrgEmulatorThatIsNotRunning_SaysToStartIt()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var session = new CliSession { TimeProvider = time };
        var port = ClosedPort();
        var state = Path.Combine(session.Directory, "emulator-state");
        Directory.CreateDirectory(state);
        await File.WriteAllTextAsync(Path.Combine(state, "server.key"), NewKeyPem());
        await File.WriteAllTextAsync(Path.Combine(state, "url"), $"http://127.0.0.1:{port}");
        session.Environment["FORCELINK_EMULATOR_HOME"] = state;

        var run = await TimePump.RunAsync(session.RunAsync("--org", "emulator", "login"), time, PumpStep);

        Assert.True(run.ExitCode == ExitCodes.Unreachable, run.ToString());
        Assert.Contains($"could not reach the emulator at http://127.0.0.1:{port} (connection refused at 127.0.0.1:{port}); nothing was sent.", run.Error);
        Assert.Contains("start it with `forcelink emulator`", run.Error);
    }

    private static int ClosedPort() => Lambda.FakeAwsJsonApi.ClosedPort();

    private static string NewKeyPem()
    {
        using var key = Forcelink.Authentication.RsaSigningKey.Generate();
        return key.ExportPkcs8Pem();
    }
}
