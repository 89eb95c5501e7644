using System.Threading.Channels;
using Forcelink.Authentication;
using Forcelink.Lambda.Configuration;
using Forcelink.Lambda.Observability;
using Forcelink.Lambda.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.IntegrationTests.Lambda;

/// <summary>Reading the signing key through a fake Parameters and Secrets extension on loopback.</summary>
public sealed class PrivateKeySecretsTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly Lazy<string> Pem = new(() =>
    {
        using var key = RsaSigningKey.Generate();
        return key.ExportPkcs8Pem();
    });

    private readonly HttpClient _http = RuntimeApiClient.CreateHttpClient();
    private readonly StringWriter _output = new();
    private FakeParametersSecretsExtension _extension = null!;

    public async Task InitializeAsync() => _extension = await FakeParametersSecretsExtension.StartAsync();

    public async Task DisposeAsync() => await _extension.DisposeAsync();

    public void Dispose()
    {
        _http.Dispose();
        _output.Dispose();
    }

    private PrivateKeyReader CreateSut(TimeProvider? timeProvider = null, string? sessionToken = null)
    {
        var time = timeProvider ?? TimeProvider.System;
        var writer = new LogLineWriter(TextWriter.Synchronized(_output), LogOptions.Default, time, new CurrentInvocation());
        var loggerFactory = new LambdaLoggerFactory(new LambdaLoggerProvider(writer));
        return new PrivateKeyReader(() => new ParametersSecretsClient(
            _http, _extension.BaseAddress, sessionToken ?? _extension.SessionToken, null, time, loggerFactory.CreateLogger<ParametersSecretsClient>()));
    }

    private static string PublicKeyHash(string pem)
    {
        using var key = RsaSigningKey.Parse(pem);
        return key.PublicKeySha256;
    }

    private static readonly AwsCredentials Role = new("ASIAEXAMPLE", "role-secret-access-key", "role-session-token");

    private PrivateKeyReader CreateLayerlessSut(FakeAwsJsonApi aws, AwsCredentials credentials)
    {
        var environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = aws.BaseAddress.ToString() };
        var direct = new AwsJsonClient(_http, credentials, aws.Region, name => environment.GetValueOrDefault(name), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AwsJsonClient>.Instance);
        return new PrivateKeyReader(() => new ParametersSecretsClient(
            _http, ParametersSecretsClient.DefaultAddress(FakeAwsJsonApi.ClosedPort()), credentials.SessionToken, direct, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ParametersSecretsClient>.Instance));
    }

    [Fact]
    public async Task ReadAsync_NoExtensionLayer_ReadsSecretAndParameterFromTheSignedApi()
    {
        await using var aws = await FakeAwsJsonApi.StartAsync(Role);
        aws.Secrets["forcelink/jwt-key"] = Pem.Value;
        aws.Parameters["/forcelink/jwt-key"] = Pem.Value;

        using var fromSecret = await CreateLayerlessSut(aws, Role).ReadAsync(SecretSource.PrivateKey(SecretSourceKind.Secret, "forcelink/jwt-key"), null).WaitAsync(Timeout);
        using var fromParameter = await CreateLayerlessSut(aws, Role).ReadAsync(SecretSource.PrivateKey(SecretSourceKind.Parameter, "/forcelink/jwt-key"), null).WaitAsync(Timeout);

        Assert.Equal(PublicKeyHash(Pem.Value), fromSecret.PublicKeySha256);
        Assert.Equal(PublicKeyHash(Pem.Value), fromParameter.PublicKeySha256);
        Assert.Equal(2, aws.Requests);
    }

    [Fact]
    public async Task ReadAsync_NoExtensionLayerWrongSecretKey_RejectedSignatureExplained()
    {
        await using var aws = await FakeAwsJsonApi.StartAsync(Role);
        aws.Secrets["forcelink/jwt-key"] = Pem.Value;

        var error = await Assert.ThrowsAsync<FunctionConfigurationException>(() =>
            CreateLayerlessSut(aws, Role with { SecretAccessKey = "not-the-role-secret" })
                .ReadAsync(SecretSource.PrivateKey(SecretSourceKind.Secret, "forcelink/jwt-key"), null).WaitAsync(Timeout));

        Assert.Contains("did not accept the function's credentials", error.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidSignatureException", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-role-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_SecretHoldingPem_ReturnsKey()
    {
        _extension.Secrets["forcelink/jwt-key"] = Pem.Value;

        using var key = await CreateSut().ReadAsync(SecretSource.PrivateKey(SecretSourceKind.Secret, "forcelink/jwt-key"), null).WaitAsync(Timeout);

        Assert.Equal(PublicKeyHash(Pem.Value), key.PublicKeySha256);
    }

    [Fact]
    public async Task ReadAsync_SecretHoldingJsonWithPrivateKey_ReturnsKey()
    {
        _extension.Secrets["forcelink/jwt"] = $"{{\"privateKey\":{System.Text.Json.JsonEncodedText.Encode(Pem.Value).Value.Insert(0, "\"")}\",\"consumerKey\":\"3MVG9\"}}";

        using var key = await CreateSut().ReadAsync(SecretSource.PrivateKey(SecretSourceKind.Secret, "forcelink/jwt"), null).WaitAsync(Timeout);

        Assert.Equal(PublicKeyHash(Pem.Value), key.PublicKeySha256);
    }

    [Fact]
    public async Task ReadAsync_SecureStringParameter_ReturnsKey()
    {
        _extension.Parameters["/forcelink/jwt-key"] = Pem.Value.Replace("\n", "\\n", StringComparison.Ordinal);

        using var key = await CreateSut().ReadAsync(SecretSource.PrivateKey(SecretSourceKind.Parameter, "/forcelink/jwt-key"), null).WaitAsync(Timeout);

        Assert.Equal(PublicKeyHash(Pem.Value), key.PublicKeySha256);
    }

    [Fact]
    public async Task ReadAsync_ExtensionStarting_RetriesThroughTheClock()
    {
        _extension.Secrets["forcelink/jwt-key"] = Pem.Value;
        _extension.BeUnavailable(2);
        var time = new TimerSignallingTimeProvider();

        var read = CreateSut(time).ReadAsync(SecretSource.PrivateKey(SecretSourceKind.Secret, "forcelink/jwt-key"), null);
        var firstDelay = await time.Timers.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        time.Advance(firstDelay);
        var secondDelay = await time.Timers.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        time.Advance(secondDelay);

        using var key = await read.WaitAsync(Timeout);
        Assert.Equal((TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100)), (firstDelay, secondDelay));
        Assert.Equal(3, _extension.Requests);
        Assert.Equal(2, _output.ToString().Split('\n').Count(l => l.Contains("did not answer for the Secrets Manager secret 'forcelink/jwt-key' (HTTP 503", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ReadAsync_WrongToken_ExplainsIam()
    {
        _extension.Secrets["forcelink/jwt-key"] = Pem.Value;

        var exception = await Assert.ThrowsAsync<FunctionConfigurationException>(
            () => CreateSut(sessionToken: "stale").ReadAsync(SecretSource.PrivateKey(SecretSourceKind.Secret, "forcelink/jwt-key"), null).WaitAsync(Timeout));

        Assert.Equal(
            "The Forcelink function is misconfigured: Reading the Secrets Manager secret 'forcelink/jwt-key' was refused (HTTP 401): give the function's role " +
            "secretsmanager:GetSecretValue (or ssm:GetParameter) on it, plus kms:Decrypt when it is encrypted with a customer-managed key.",
            exception.Message);
    }

    [Fact]
    public async Task ReadAsync_UnknownSecret_SaysNotFound()
    {
        var exception = await Assert.ThrowsAsync<FunctionConfigurationException>(
            () => CreateSut().ReadAsync(SecretSource.PrivateKey(SecretSourceKind.Secret, "nope"), null).WaitAsync(Timeout));

        Assert.Contains("The Secrets Manager secret 'nope' was not found (HTTP 400): check the name or ARN", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_SecretJsonWithoutPrivateKey_ExplainsShapeWithoutQuotingIt()
    {
        _extension.Secrets["forcelink/jwt"] = "{\"key\":\"hunter2\"}";

        var exception = await Assert.ThrowsAsync<FunctionConfigurationException>(
            () => CreateSut().ReadAsync(SecretSource.PrivateKey(SecretSourceKind.Secret, "forcelink/jwt"), null).WaitAsync(Timeout));

        Assert.Contains("FORCELINK_PRIVATE_KEY_SECRET_ID: 'forcelink/jwt' holds JSON without a string field 'privateKey'", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_SecretNotAKey_DoesNotQuoteIt()
    {
        _extension.Secrets["forcelink/jwt"] = "hunter2-not-a-key";

        var exception = await Assert.ThrowsAsync<FunctionConfigurationException>(
            () => CreateSut().ReadAsync(SecretSource.PrivateKey(SecretSourceKind.Secret, "forcelink/jwt"), null).WaitAsync(Timeout));

        Assert.StartsWith("The Forcelink function is misconfigured: FORCELINK_PRIVATE_KEY_SECRET_ID: the value is not a usable private key.", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", exception.Message, StringComparison.Ordinal);
    }

    /// <summary>Tells the test when code starts waiting on the clock, and for how long, so it can move time on exactly then.</summary>
    private sealed class TimerSignallingTimeProvider : FakeTimeProvider
    {
        public Channel<TimeSpan> Timers { get; } = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Timers.Writer.TryWrite(dueTime);
            return timer;
        }
    }
}
