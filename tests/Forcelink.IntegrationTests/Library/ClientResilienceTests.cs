using Forcelink.Tests.TestDoubles;
using System.Diagnostics;
using Forcelink.Emulator.Hosting;
using Forcelink.IntegrationTests.Emulator;
using Forcelink.IntegrationTests.Fleet;
using Forcelink.Records;
using Microsoft.Extensions.Logging;

namespace Forcelink.IntegrationTests.Library;

/// <summary>The client against faults, expired sessions and revoked tokens that the emulator injects.</summary>
public sealed class ClientResilienceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // Small, so that fake time stays far behind the 10-second limit of a login attempt still on the wire.
    private static readonly TimeSpan PumpStep = TimeSpan.FromMilliseconds(20);

    [Theory]
    [InlineData("ServiceUnavailable")]
    [InlineData("BadGateway")]
    [InlineData("GatewayTimeout")]
    [InlineData("DropConnection")]
    public async Task GetAsync_TransientFault_IsRetriedAndSucceeds(string fault)
    {
        var kind = Enum.Parse<FaultKind>(fault);
        await using var fixture = await ClientFixture.StartAsync();
        var id = await fixture.Client.CreateAsync(new Lead { LastName = "Doe", Company = "Acme" }).WaitAsync(Timeout);
        fixture.Emulator.Host.Org.AddFault(new FaultRule { PathPrefix = "/services/data/v62.0/sobjects/Lead/", Kind = kind, Count = 2 });

        var lead = await fixture.Client.GetAsync<Lead>(id).WaitAsync(Timeout);

        Assert.Equal("Doe", lead.LastName);
        Assert.Equal(2, fixture.Client.RetryCount);
    }

    [Fact]
    public async Task UpdateAsync_UnableToLockRow_IsRetried()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var id = await fixture.Client.CreateAsync(new Lead { LastName = "Doe", Company = "Acme" }).WaitAsync(Timeout);
        fixture.Emulator.Host.Org.AddFault(new FaultRule { PathPrefix = "/services/data/v62.0/sobjects/Lead/", Kind = FaultKind.UnableToLockRow, Count = 1 });

        await fixture.Client.UpdateAsync(new Lead { Id = id, Status = "Working - Contacted" }).WaitAsync(Timeout);

        Assert.Equal(1, fixture.Client.RetryCount);
        Assert.Equal("Working - Contacted", (await fixture.Client.GetAsync<Lead>(id, ["Status"]).WaitAsync(Timeout)).Status);
    }

    [Fact]
    public async Task CreateAsync_ServiceUnavailable_IsNotRetriedSoNoDuplicate()
    {
        await using var fixture = await ClientFixture.StartAsync();
        await fixture.Client.GetTokenAsync().WaitAsync(Timeout);
        fixture.Emulator.Host.Org.AddFault(new FaultRule { PathPrefix = "/services/data/v62.0/sobjects/Lead", Kind = FaultKind.ServiceUnavailable, Count = 1 });

        var error = await Assert.ThrowsAsync<SalesforceException>(() => fixture.Client.CreateAsync(new Lead { LastName = "Once", Company = "Acme" }).WaitAsync(Timeout));

        Assert.Equal(503, error.StatusCode);
        Assert.Equal("SERVER_UNAVAILABLE", error.ErrorCode);
        Assert.Equal(0, fixture.Client.RetryCount);
        Assert.Equal(0, await fixture.Client.CountAsync($"SELECT COUNT() FROM Lead WHERE LastName = {"Once"}").WaitAsync(Timeout));
    }

    [Fact]
    public async Task AnyCall_SessionExpiredAtSalesforce_LogsInAgainOnceAndSucceeds()
    {
        await using var fixture = await ClientFixture.StartAsync(
            options => options.Org.SessionTimeout = TimeSpan.FromMinutes(15),
            client => client.TokenLifetime = TimeSpan.FromHours(2));
        var id = await fixture.Client.CreateAsync(new Lead { LastName = "Doe", Company = "Acme" }).WaitAsync(Timeout);

        fixture.Emulator.Time.Advance(TimeSpan.FromMinutes(16));
        var lead = await fixture.Client.GetAsync<Lead>(id).WaitAsync(Timeout);

        Assert.Equal("Doe", lead.LastName);
        Assert.Equal(2, fixture.Client.LoginCount);
        Assert.Equal(2, fixture.Emulator.Host.LoginCount(EmulatorFixture.Username));
    }

    [Fact]
    public async Task AnyCall_TokenLifetimeEndsBeforeSession_RenewsAheadWithoutA401()
    {
        await using var fixture = await ClientFixture.StartAsync(
            options => options.Org.SessionTimeout = TimeSpan.FromMinutes(15),
            client => (client.TokenLifetime, client.TokenRefreshMargin) = (TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(2)));
        await fixture.Client.GetTokenAsync().WaitAsync(Timeout);

        fixture.Emulator.Time.Advance(TimeSpan.FromMinutes(14));
        await fixture.Client.GetLimitsAsync().WaitAsync(Timeout);

        Assert.Equal(2, fixture.Client.LoginCount);
        Assert.DoesNotContain(fixture.Emulator.Host.Org.RequestLog, r => r.Status == 401);
    }

    [Fact]
    public async Task AnyCall_TokenRevoked_LogsInAgainOnce()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var token = await fixture.Client.GetTokenAsync().WaitAsync(Timeout);
        Assert.True(fixture.Emulator.Host.Org.Revoke(token.Value));

        var limits = await fixture.Client.GetLimitsAsync().WaitAsync(Timeout);

        Assert.NotEmpty(limits);
        Assert.Equal(2, fixture.Client.LoginCount);
    }

    [Fact]
    public async Task Login_UserNotPreAuthorized_ExplainsThePolicy()
    {
        await using var fixture = await ClientFixture.StartAsync(options =>
            options.Org.Users.Add(new UserOptions { Username = "outsider@example.com", Profile = "Standard User" }));
        using var client = fixture.CreateClient(username: "outsider@example.com");

        var error = await Assert.ThrowsAsync<SalesforceException>(() => client.GetTokenAsync().WaitAsync(Timeout));

        Assert.True(error.IsLoginFailure);
        Assert.Equal("invalid_grant", error.ErrorCode);
        Assert.Contains("Admin approved users are pre-authorized", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_HtmlErrorPageOnEveryAttempt_IsExplainedAsTransient()
    {
        await using var fixture = await ClientFixture.StartAsync();
        fixture.Emulator.Host.Org.AddFault(new FaultRule { PathPrefix = "/services/oauth2/token", Kind = FaultKind.HtmlErrorPage, Count = 4 });

        var error = await Assert.ThrowsAsync<SalesforceException>(() => TimePump.RunAsync(fixture.Client.GetTokenAsync(), fixture.Emulator.Time, PumpStep));

        Assert.Equal("ERROR_HTTP_503", error.ErrorCode);
        Assert.False(error.IsLoginFailure);
        Assert.Contains("Data Not Available", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 4 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, TokenRequests(fixture).Count);
    }

    [Fact]
    public async Task Login_ServiceUnavailableThenDroppedConnection_LogsInOnceAndCreates()
    {
        await using var fixture = await ClientFixture.StartAsync();
        fixture.Emulator.Host.Org.AddFault(new FaultRule { PathPrefix = "/services/oauth2/token", Kind = FaultKind.ServiceUnavailable, Count = 1 });

        var create = fixture.Client.CreateAsync(new Lead { LastName = "Through", Company = "Outage" });
        // Both rules would hit the first request: the drop is armed once the 503 went out, while the client waits on fake time.
        await WaitUntilAsync(() => TokenRequests(fixture).Count == 1);
        fixture.Emulator.Host.Org.AddFault(new FaultRule { PathPrefix = "/services/oauth2/token", Kind = FaultKind.DropConnection, Count = 1 });
        var id = await TimePump.RunAsync(create, fixture.Emulator.Time, PumpStep);

        // The dropped request is logged with the status it never sent; that only the third one logged in tells them apart.
        Assert.Equal(3, TokenRequests(fixture).Count);
        Assert.Equal(503, TokenRequests(fixture)[0].Status);
        Assert.Equal(1, fixture.Emulator.Host.LoginCount(EmulatorFixture.Username));
        Assert.Equal(1, fixture.Client.LoginCount);
        Assert.Equal("Through", (await fixture.Client.GetAsync<Lead>(id).WaitAsync(Timeout)).LastName);
    }

    [Fact]
    public async Task Observability_SpansNamedByOperationAndObject_LogsWithoutSecrets()
    {
        var spans = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SalesforceClient.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (spans) { spans.Add(activity.DisplayName); } },
        };
        ActivitySource.AddActivityListener(listener);
        var logs = new RecordingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        await using var fixture = await ClientFixture.StartAsync(configureClient: options => options.LoggerFactory = loggerFactory);

        var id = await fixture.Client.CreateAsync(new Lead { LastName = "Traced", Company = "Acme" }).WaitAsync(Timeout);
        var token = await fixture.Client.GetTokenAsync().WaitAsync(Timeout);
        fixture.Emulator.Host.Org.Revoke(token.Value);
        await fixture.Client.GetAsync<Lead>(id).WaitAsync(Timeout);

        Assert.Contains("create Lead", spans);
        Assert.Contains("get Lead", spans);
        Assert.Contains(logs.Messages, m => m.Contains("logging in again", StringComparison.Ordinal));
        Assert.All(logs.Messages, m => Assert.DoesNotContain(token.Value, m, StringComparison.Ordinal));
        Assert.All(logs.Messages, m => Assert.DoesNotContain("eyJ", m, StringComparison.Ordinal));
    }

    private static List<Forcelink.Emulator.Org.RequestLogEntry> TokenRequests(ClientFixture fixture) =>
        [.. fixture.Emulator.Host.Org.RequestLog.Where(r => r.Path == "/services/oauth2/token")];

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var limit = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System, limit.Token);
        }
    }
}
