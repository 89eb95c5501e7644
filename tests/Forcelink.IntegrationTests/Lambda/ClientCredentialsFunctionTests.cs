using System.Text;
using System.Text.Json.Nodes;
using Forcelink.Emulator.Hosting;
using Forcelink.IntegrationTests.Emulator;
using Forcelink.Lambda;
using Forcelink.Lambda.Configuration;
using Forcelink.Lambda.Observability;
using Forcelink.Lambda.Runtime;
using Forcelink.Operations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Forcelink.Aws.Metrics;
using Forcelink.Aws.Fleet;
using Forcelink.Aws.Secrets;
using Forcelink.Aws;

namespace Forcelink.IntegrationTests.Lambda;

/// <summary>
/// The function configured with FORCELINK_AUTH=client_credentials, composed as Program composes it (FunctionOptions,
/// FunctionCredential), creating a Lead in the emulator; the consumer secret read from each of its sources.
/// </summary>
public sealed class ClientCredentialsFunctionTests : IAsyncLifetime, IDisposable
{
    // Distinctive, so that a search of every message and log line for it cannot match anything else.
    private const string Secret = "Lm4-FUNCTION-SECRET-9d2b7a";
    private const string RunAs = "runas@example.com";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly HttpClient _http = RuntimeApiClient.CreateHttpClient();
    private readonly StringWriter _output = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("forcelink-cc-").FullName;
    private FakeParametersSecretsExtension _extension = null!;
    private EmulatorFixture _emulator = null!;

    public async Task InitializeAsync()
    {
        _extension = await FakeParametersSecretsExtension.StartAsync();
        _emulator = await EmulatorFixture.StartAsync(options =>
        {
            options.Org.Users.Add(new UserOptions { Username = RunAs, FirstName = "Run", LastName = "As" });
            options.Org.Apps[0].ConsumerSecret = Secret;
            options.Org.Apps[0].ClientCredentialsUser = RunAs;
        });
    }

    public async Task DisposeAsync()
    {
        await _extension.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    public void Dispose()
    {
        _http.Dispose();
        _output.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("FORCELINK_CLIENT_SECRET")]
    [InlineData("FORCELINK_CLIENT_SECRET_FILE")]
    [InlineData("FORCELINK_CLIENT_SECRET_SECRET_ID")]
    [InlineData("FORCELINK_CLIENT_SECRET_PARAMETER")]
    public async Task Function_ClientCredentialsFromEachSecretSource_CreatesALeadAsTheRunAsUser(string variable)
    {
        var value = variable switch
        {
            "FORCELINK_CLIENT_SECRET" => Secret,
            "FORCELINK_CLIENT_SECRET_FILE" => WriteFile(Secret + "\n"),
            "FORCELINK_CLIENT_SECRET_SECRET_ID" => "forcelink/client-secret",
            _ => "/forcelink/client-secret",
        };
        _extension.Secrets["forcelink/client-secret"] = $$"""{"clientSecret":"{{Secret}}"}""";
        _extension.Parameters["/forcelink/client-secret"] = Secret;
        var options = FunctionOptions.FromEnvironment(Environment(variable, value).GetValueOrDefault);

        var (function, client) = await ComposeAsync(options);
        using (client)
        {
            var created = await InvokeAsync(function, """{"operation":"create","object":"Lead","fields":{"LastName":"Headless","Company":"Acme"}}""");

            Assert.True(created["ok"]!.GetValue<bool>(), created.ToJsonString());
            Assert.Equal(201, created["statusCode"]!.GetValue<int>());
            Assert.Equal(1, _emulator.Host.LoginCount(RunAs));
            Assert.Equal(_emulator.Host.Org.FindUser(RunAs)!.Id, (await client.GetTokenAsync().WaitAsync(Timeout)).UserId);
        }

        Assert.Contains("client credentials flow (the app's Run As user)", _output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Function_WrongSecret_FailsTheInvocationWithTheFixAndNeverShowsTheSecret()
    {
        var wrong = Secret + "-rotated";
        var options = FunctionOptions.FromEnvironment(Environment("FORCELINK_CLIENT_SECRET", wrong).GetValueOrDefault);

        var (function, client) = await ComposeAsync(options);
        using (client)
        {
            var answer = await InvokeAsync(function, """{"operation":"create","object":"Lead","fields":{"LastName":"Headless","Company":"Acme"}}""");

            Assert.False(answer["ok"]!.GetValue<bool>());
            Assert.Contains("invalid_client", answer.ToJsonString(), StringComparison.Ordinal);
            Assert.DoesNotContain(wrong, answer.ToJsonString(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(wrong, _output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, _output.ToString(), StringComparison.Ordinal);
        Assert.Contains("invalid_client", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Function_EmptySecretFile_FailsInitNamingTheVariable()
    {
        var options = FunctionOptions.FromEnvironment(Environment("FORCELINK_CLIENT_SECRET_FILE", WriteFile("\n")).GetValueOrDefault);

        var error = await Assert.ThrowsAsync<FunctionConfigurationException>(() => ComposeAsync(options));

        Assert.StartsWith("FORCELINK_CLIENT_SECRET_FILE: the client secret read from file", error.Errors[0], StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Environment(string variable, string value) => new()
    {
        ["FORCELINK_AUTH"] = "client_credentials",
        ["FORCELINK_LOGIN_URL"] = _emulator.Host.BaseUrl.GetLeftPart(UriPartial.Authority),
        ["FORCELINK_CONSUMER_KEY"] = EmulatorFixture.ConsumerKey,
        ["FORCELINK_API_VERSION"] = EmulatorFixture.ApiVersion,
        ["AWS_SESSION_TOKEN"] = _extension.SessionToken,
        [variable] = value,
    };

    private string WriteFile(string text)
    {
        var path = Path.Combine(_directory, "client.secret");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>What Program's init does, with the emulator's clock and the fake extension.</summary>
    private async Task<(FunctionHandler Function, SalesforceClient Client)> ComposeAsync(FunctionOptions options)
    {
        var time = _emulator.Time;
        var writer = new LogLineWriter(TextWriter.Synchronized(_output), LogOptions.Default, time, new CurrentInvocation());
        var loggerFactory = new LambdaLoggerFactory(new LambdaLoggerProvider(writer));
        var (credential, key) = await FunctionCredential.CreateAsync(
            options,
            () => new ParametersSecretsClient(_http, _extension.BaseAddress, options.SessionToken, null, time, loggerFactory.CreateLogger<ParametersSecretsClient>()),
            new HttpClient(),
            time,
            loggerFactory,
            new EmbeddedMetrics(TextWriter.Synchronized(_output), time)).WaitAsync(Timeout);
        Assert.Null(key);
        options.Client.TimeProvider = time;
        options.Client.LoggerFactory = loggerFactory;
        options.Client.RetryDelay = TimeSpan.Zero;
        var client = new SalesforceClient(credential, options.Client);
        var operations = new IdempotentOperationHandler(
            new OperationHandler(client, options.Policy), null, "forcelink", IdempotentOperationHandler.DefaultExpiry, time, NullLogger.Instance);
        var metrics = new EmbeddedMetrics(TextWriter.Null, time);
        return (new FunctionHandler(operations, metrics, time, loggerFactory.CreateLogger<FunctionHandler>()), client);
    }

    private async Task<JsonNode> InvokeAsync(FunctionHandler function, string json)
    {
        var context = new InvocationContext("req-1", _emulator.Time.GetUtcNow().AddMinutes(1), null, null, _emulator.Time);
        var response = await function.HandleAsync(Encoding.UTF8.GetBytes(json), context).WaitAsync(Timeout);
        return JsonNode.Parse(response.Span)!;
    }
}
