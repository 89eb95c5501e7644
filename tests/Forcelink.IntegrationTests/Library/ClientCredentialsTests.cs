using Forcelink.Tests.TestDoubles;
using System.Net.Http.Headers;
using System.Text;
using Forcelink.Authentication;
using Forcelink.Emulator.Hosting;
using Forcelink.IntegrationTests.Emulator;
using Forcelink.IntegrationTests.Fleet;
using Forcelink.Records;
using Microsoft.Extensions.Logging;

namespace Forcelink.IntegrationTests.Library;

/// <summary>The client credentials flow end to end: the library's credential against the emulator's grant, its errors and their explanations.</summary>
public sealed class ClientCredentialsTests
{
    // Distinctive, so that a search of every message and log line for it cannot match anything else.
    private const string Secret = "Zq7-CLIENT-SECRET-e5c1f0";
    private const string RunAs = "runas@example.com";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // Small, so that fake time stays far behind the 10-second limit of a login attempt still on the wire.
    private static readonly TimeSpan PumpStep = TimeSpan.FromMilliseconds(20);

    private static Task<EmulatorFixture> StartAsync(Action<EmulatorOptions>? configure = null) => EmulatorFixture.StartAsync(options =>
    {
        options.Org.Users.Add(new UserOptions { Username = RunAs, FirstName = "Run", LastName = "As" });
        options.Org.Apps[0].ConsumerSecret = Secret;
        options.Org.Apps[0].ClientCredentialsUser = RunAs;
        configure?.Invoke(options);
    });

    private static SalesforceClient CreateClient(
        EmulatorFixture emulator, bool inBody = false, string consumerKey = EmulatorFixture.ConsumerKey, string secret = Secret, ILoggerFactory? loggerFactory = null)
    {
        var credential = new ClientCredentialsCredential(
            new ClientCredentialsCredentialOptions { LoginUrl = emulator.Host.BaseUrl, ConsumerKey = consumerKey, ConsumerSecret = secret, SendCredentialsInBody = inBody },
            new HttpClient(),
            emulator.Time,
            loggerFactory?.CreateLogger<ClientCredentialsCredential>());
        return new SalesforceClient(credential, new SalesforceClientOptions
        {
            TimeProvider = emulator.Time, RetryDelay = TimeSpan.Zero, ApiVersion = EmulatorFixture.ApiVersion, LoggerFactory = loggerFactory,
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Login_BasicOrFormFields_CreatesALeadAsTheRunAsUserAndCachesTheToken(bool inBody)
    {
        await using var emulator = await StartAsync();
        using var client = CreateClient(emulator, inBody);

        var id = await client.CreateAsync(new Lead { LastName = "Credentials", Company = "Acme" }).WaitAsync(Timeout);
        var token = await client.GetTokenAsync().WaitAsync(Timeout);

        Assert.Equal("Credentials", (await client.GetAsync<Lead>(id).WaitAsync(Timeout)).LastName);
        Assert.Equal(emulator.Host.Org.FindUser(RunAs)!.Id, token.UserId);
        Assert.Equal(1, client.LoginCount);
        Assert.Equal(1, emulator.Host.LoginCount(RunAs));
        Assert.Equal(0, emulator.Host.LoginCount(EmulatorFixture.Username));
    }

    [Fact]
    public async Task AnyCall_TokenRevoked_LogsInAgainOnce()
    {
        await using var emulator = await StartAsync();
        using var client = CreateClient(emulator);
        var token = await client.GetTokenAsync().WaitAsync(Timeout);
        Assert.True(emulator.Host.Org.Revoke(token.Value));

        var limits = await client.GetLimitsAsync().WaitAsync(Timeout);

        Assert.NotEmpty(limits);
        Assert.Equal(2, client.LoginCount);
        Assert.Equal(2, emulator.Host.LoginCount(RunAs));
    }

    [Fact]
    public async Task Login_OneServiceUnavailable_IsRetriedAndSucceeds()
    {
        await using var emulator = await StartAsync();
        emulator.Host.Org.AddFault(new FaultRule { PathPrefix = "/services/oauth2/token", Kind = FaultKind.ServiceUnavailable, Count = 1 });
        using var client = CreateClient(emulator);

        var token = await TimePump.RunAsync(client.GetTokenAsync(), emulator.Time, PumpStep);

        Assert.NotNull(token.UserId);
        Assert.Equal(new[] { 503, 200 }, emulator.Host.Org.RequestLog.Where(r => r.Path == "/services/oauth2/token").Select(r => r.Status));
        Assert.Equal(1, emulator.Host.LoginCount(RunAs));
    }

    [Theory]
    [InlineData("https://login.salesforce.com", "is the generic login host")]
    [InlineData("https://test.salesforce.com", "is the generic login host")]
    [InlineData("https://acme.lightning.force.com", "is a Lightning URL")]
    [InlineData("https://salesforce.example.com", "is not a My Domain host")]
    public void Create_GenericDomain_RefusedAtValidationWithTheMyDomainFix(string loginUrl, string expected)
    {
        var options = new ClientCredentialsCredentialOptions { LoginUrl = new Uri(loginUrl), ConsumerKey = "3MVG9key", ConsumerSecret = Secret };

        var error = Assert.Throws<ArgumentException>(() => new ClientCredentialsCredential(options));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("use your My Domain URL, https://<mydomain>.my.salesforce.com (Setup > My Domain shows it)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://acme.my.salesforce.com")]
    [InlineData("https://acme--dev.sandbox.my.salesforce.com")]
    [InlineData("http://127.0.0.1:8123")]
    public void Validate_MyDomainOrEmulator_Accepted(string loginUrl) =>
        Assert.Empty(new ClientCredentialsCredentialOptions { LoginUrl = new Uri(loginUrl), ConsumerKey = "3MVG9key", ConsumerSecret = Secret }.Validate());

    [Fact]
    public void Validate_NothingSet_ReportsEveryProblemTogether()
    {
        var errors = new ClientCredentialsCredentialOptions { MaxLoginRetries = 11 }.Validate();

        Assert.Collection(
            errors,
            e => Assert.StartsWith("LoginUrl is required: the client credentials flow works only on the org's My Domain", e, StringComparison.Ordinal),
            e => Assert.StartsWith("ConsumerKey is required", e, StringComparison.Ordinal),
            e => Assert.StartsWith("ConsumerSecret is required", e, StringComparison.Ordinal),
            e => Assert.StartsWith("MaxLoginRetries 11 is out of range", e, StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string, string> Refusals => new()
    {
        { "generic login host", "invalid_grant", "request not supported on this domain", "Setup > My Domain" },
        { "no run-as user", "invalid_grant", "no client credentials user enabled", "Client Credentials Flow > Run As" },
        { "unknown consumer key", "invalid_client_id", "client identifier invalid", "Manage Consumer Details" },
        { "wrong secret", "invalid_client", "invalid client credentials", "copy the Consumer Secret again" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Login_EachRefusal_IsExplainedWithItsFixAndNeverShowsTheSecret(string broken, string errorCode, string description, string fix)
    {
        await using var emulator = await StartAsync(options =>
        {
            options.Org.GenericLoginHost = broken == "generic login host";
            options.Org.Apps[0].ClientCredentialsUser = broken == "no run-as user" ? null : RunAs;
        });
        var logs = new RecordingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using var client = CreateClient(
            emulator,
            consumerKey: broken == "unknown consumer key" ? "3MVG9someOtherApp" : EmulatorFixture.ConsumerKey,
            secret: broken == "wrong secret" ? Secret + "-old" : Secret,
            loggerFactory: loggerFactory);

        var error = await Assert.ThrowsAsync<SalesforceException>(() => client.GetTokenAsync().WaitAsync(Timeout));

        Assert.True(error.IsLoginFailure);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal(errorCode, error.ErrorCode);
        Assert.Equal(description, error.Description);
        Assert.StartsWith($"Salesforce refused the client credentials login ({errorCode}: {description}).", error.Message, StringComparison.Ordinal);
        Assert.Contains(fix, error.Message, StringComparison.Ordinal);
        AssertNoSecret([error.ToString(), .. logs.Messages]);
        Assert.Contains(logs.Messages, m => m.Contains($"refused: HTTP 400 {errorCode}", StringComparison.Ordinal));
    }

    [Fact]
    public void Explain_UnsupportedGrantType_SaysToEnableTheFlowOnTheMyDomain()
    {
        var facts = new TokenRequestFacts(TokenFlow.ClientCredentials, "", "3MVG9k…", "", new Uri("https://acme.my.salesforce.com"), new Uri("https://acme.my.salesforce.com/services/oauth2/token"));

        var message = TokenErrorExplanation.Explain("unsupported_grant_type", "grant type not supported", facts);

        Assert.StartsWith("Salesforce refused the client credentials login (unsupported_grant_type: grant type not supported).", message, StringComparison.Ordinal);
        Assert.Contains("Enable Client Credentials Flow", message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string?, string, string> WireRefusals => new()
    {
        { "grant_type=password", null, "unsupported_grant_type", "grant type not supported" },
        { "grant_type=client_credentials&client_id=3MVG9nope&client_secret=x", null, "invalid_client_id", "client identifier invalid" },
        { "grant_type=client_credentials", $"{EmulatorFixture.ConsumerKey}:wrong", "invalid_client", "invalid client credentials" },
        { "grant_type=client_credentials", "not-base64-!!", "invalid_client", "invalid client credentials" },
    };

    [Theory]
    [MemberData(nameof(WireRefusals))]
    public async Task Emulator_Refusal_HasTheJwtErrorsStatusAndBodyShape(string form, string? basic, string error, string description)
    {
        await using var emulator = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/services/oauth2/token")
        {
            Content = new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded"),
        };
        if (basic is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic.Contains(':', StringComparison.Ordinal) ? Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)) : basic);
        }

        using var response = await emulator.Http.SendAsync(request).WaitAsync(Timeout);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal($$"""{"error":"{{error}}","error_description":"{{description}}"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Emulator_GenericLoginHost_StillServesTheJwtFlow()
    {
        await using var emulator = await StartAsync(options => options.Org.GenericLoginHost = true);

        var token = await emulator.GetTokenAsync().WaitAsync(Timeout);

        Assert.StartsWith(emulator.Host.Org.OrgId15 + "!", token, StringComparison.Ordinal);
    }

    private static void AssertNoSecret(IEnumerable<string> texts)
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{EmulatorFixture.ConsumerKey}:{Secret}"));
        foreach (var text in texts)
        {
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret[..10], text, StringComparison.Ordinal);
            Assert.DoesNotContain(basic, text, StringComparison.Ordinal);
        }
    }
}
