using Forcelink.Configuration;
using System.Threading.Channels;
using Forcelink.Authentication;
using Forcelink.Lambda.Observability;
using Forcelink.Lambda.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Forcelink.Aws.Metrics;
using Forcelink.Aws.Secrets;
using Forcelink.Aws;

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

    private static (string Pem, string CertificatePem, string Hash) NewPair()
    {
        using var key = RsaSigningKey.Generate();
        using var certificate = key.CreateSelfSignedCertificate("CN=forcelink-rotation", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(730));
        return (key.ExportPkcs8Pem(), SalesforceCertificate.ExportPem(certificate), key.PublicKeySha256);
    }

    private static string SecretJson(string pem, string certificatePem) =>
        new System.Text.Json.Nodes.JsonObject { ["privateKey"] = pem, ["certificate"] = certificatePem }.ToJsonString();

    private async Task<(KeyRotatingCredential Credential, SigningKeyProvider Keys)> CreateRotatingAsync(Emulator.EmulatorFixture emulator, HttpClient tokenHttp)
    {
        var writer = new LogLineWriter(TextWriter.Synchronized(_output), LogOptions.Default, emulator.Time, new CurrentInvocation());
        var loggerFactory = new LambdaLoggerFactory(new LambdaLoggerProvider(writer));
        var keys = new SigningKeyProvider(
            CreateSut(emulator.Time), SecretSource.PrivateKey(SecretSourceKind.Secret, "forcelink/jwt"), null, 30,
            new EmbeddedMetrics(TextWriter.Synchronized(_output), emulator.Time), emulator.Time, loggerFactory.CreateLogger<SigningKeyProvider>());
        var options = new JwtBearerCredentialOptions { LoginUrl = emulator.Host.BaseUrl, ConsumerKey = Emulator.EmulatorFixture.ConsumerKey, Username = Emulator.EmulatorFixture.Username };
        var credential = new KeyRotatingCredential(
            key => new JwtBearerCredential(options, key, tokenHttp, emulator.Time),
            keys,
            await keys.ReadAsync(fresh: false).WaitAsync(Timeout),
            loggerFactory.CreateLogger<KeyRotatingCredential>());
        return (credential, keys);
    }

    [Fact]
    public async Task KeyRotated_InSecretAndApp_NextLoginSucceedsWithOneExtraRead()
    {
        var (oldPem, oldCertificate, _) = NewPair();
        var (newPem, newCertificate, newHash) = NewPair();
        await using var emulator = await Emulator.EmulatorFixture.StartAsync(o => o.Org.Apps[0].CertificatePem = oldCertificate);
        using var tokenHttp = new HttpClient();
        _extension.Secrets["forcelink/jwt"] = SecretJson(oldPem, oldCertificate);
        var (credential, keys) = await CreateRotatingAsync(emulator, tokenHttp);
        using var disposeCredential = credential;
        await credential.GetTokenAsync().AsTask().WaitAsync(Timeout);

        // The rotation: the app gets the new certificate, the secret the new pair; the function is not redeployed.
        emulator.Host.Org.FindApp(Emulator.EmulatorFixture.ConsumerKey)!.CertificatePem = newCertificate;
        _extension.Secrets["forcelink/jwt"] = SecretJson(newPem, newCertificate);
        var token = await credential.GetTokenAsync().AsTask().WaitAsync(Timeout);

        Assert.NotEmpty(token.Value);
        Assert.Equal(2, keys.Reads);
        Assert.Equal(2, _extension.Requests);
        Assert.Equal(newHash, credential.Key.PublicKeySha256);
        Assert.Equal(2, emulator.Host.LoginCount(Emulator.EmulatorFixture.Username));
        Assert.Contains("Login refused (invalid assertion): reading the key from FORCELINK_PRIVATE_KEY_SECRET_ID again", _output.ToString(), StringComparison.Ordinal);
        Assert.Contains("logging in with the new key", _output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", _output.ToString(), StringComparison.Ordinal);

        // The new key is kept: later logins read nothing.
        await credential.GetTokenAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(2, keys.Reads);
    }

    [Fact]
    public async Task AppCertificateChangedButSecretNot_EachRefusalReadsOnceAndTheRefusalStands()
    {
        var (pem, certificate, _) = NewPair();
        var (_, otherCertificate, _) = NewPair();
        await using var emulator = await Emulator.EmulatorFixture.StartAsync(o => o.Org.Apps[0].CertificatePem = certificate);
        using var tokenHttp = new HttpClient();
        _extension.Secrets["forcelink/jwt"] = SecretJson(pem, certificate);
        var (credential, keys) = await CreateRotatingAsync(emulator, tokenHttp);
        using var disposeCredential = credential;
        emulator.Host.Org.FindApp(Emulator.EmulatorFixture.ConsumerKey)!.CertificatePem = otherCertificate;

        var first = await Assert.ThrowsAsync<SalesforceException>(() => credential.GetTokenAsync().AsTask().WaitAsync(Timeout));
        var second = await Assert.ThrowsAsync<SalesforceException>(() => credential.GetTokenAsync().AsTask().WaitAsync(Timeout));

        Assert.Equal(("invalid_grant", "invalid assertion"), (first.ErrorCode, first.Description));
        Assert.Equal("invalid assertion", second.Description);
        Assert.Equal(3, keys.Reads);
        Assert.Equal(2, _output.ToString().Split('\n').Count(l => l.Contains("still holds the same key", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task UserNotApproved_DoesNotReadTheKeyAgain()
    {
        var (pem, certificate, _) = NewPair();
        await using var emulator = await Emulator.EmulatorFixture.StartAsync(o => o.Org.Apps[0].CertificatePem = certificate);
        emulator.Host.Org.FindApp(Emulator.EmulatorFixture.ConsumerKey)!.Profiles.Clear();
        using var tokenHttp = new HttpClient();
        _extension.Secrets["forcelink/jwt"] = SecretJson(pem, certificate);
        var (credential, keys) = await CreateRotatingAsync(emulator, tokenHttp);
        using var disposeCredential = credential;

        var refusal = await Assert.ThrowsAsync<SalesforceException>(() => credential.GetTokenAsync().AsTask().WaitAsync(Timeout));

        Assert.Equal("user hasn't approved this consumer", refusal.Description);
        Assert.Equal(1, keys.Reads);
        Assert.Equal(1, _extension.Requests);
    }

    [Fact]
    public async Task FreshRead_WithTheAwsApiAvailable_BypassesTheExtensionsCache()
    {
        await using var aws = await FakeAwsJsonApi.StartAsync(Role);
        var (stalePem, _, _) = NewPair();
        var (freshPem, _, freshHash) = NewPair();
        _extension.Secrets["forcelink/jwt"] = stalePem;
        aws.Secrets["forcelink/jwt"] = freshPem;
        var environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = aws.BaseAddress.ToString() };
        var direct = new AwsJsonClient(_http, Role, aws.Region, name => environment.GetValueOrDefault(name), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AwsJsonClient>.Instance);
        var reader = new PrivateKeyReader(() => new ParametersSecretsClient(
            _http, _extension.BaseAddress, _extension.SessionToken, direct, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ParametersSecretsClient>.Instance));
        var source = SecretSource.PrivateKey(SecretSourceKind.Secret, "forcelink/jwt");

        using var cached = await reader.ReadMaterialAsync(source, null, fresh: false).WaitAsync(Timeout);
        using var fresh = await reader.ReadMaterialAsync(source, null, fresh: true).WaitAsync(Timeout);

        Assert.Equal(PublicKeyHash(stalePem), cached.Key.PublicKeySha256);
        Assert.Equal(freshHash, fresh.Key.PublicKeySha256);
        Assert.Equal((1, 1), (_extension.Requests, aws.Requests));
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
