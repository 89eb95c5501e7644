using Forcelink.Configuration;
using Forcelink.Authentication;
using Forcelink.Lambda.Observability;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Forcelink.Aws.Metrics;
using Forcelink.Aws.Secrets;
using Forcelink.Aws;

namespace Forcelink.Tests.Lambda;

/// <summary>The certificate stored with the key: checked against it and watched for expiry at every read.</summary>
public sealed class SigningKeyProviderTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly StringWriter _output = new();
    private readonly FakeTimeProvider _time = new(Now);

    public void Dispose() => _output.Dispose();

    private SigningKeyProvider CreateSut(string keyText, int warningDays = 30)
    {
        var invocation = new CurrentInvocation();
        var writer = new LogLineWriter(_output, LogOptions.Default, _time, invocation);
        var loggerFactory = new LambdaLoggerFactory(new LambdaLoggerProvider(writer));
        var reader = new PrivateKeyReader(() => throw new InvalidOperationException("inline keys need no extension"));
        return new SigningKeyProvider(
            reader, SecretSource.PrivateKey(SecretSourceKind.Text, keyText), null, warningDays,
            new EmbeddedMetrics(_output, _time, () => invocation.RequestId), _time, loggerFactory.CreateLogger<SigningKeyProvider>());
    }

    private static string Bundle(System.Security.Cryptography.RSA certificateKey, TimeSpan validity)
    {
        using var certificate = TestKeys.SelfSigned(certificateKey, Now.AddDays(-300), validity);
        return TestKeys.PrimaryPkcs8Pem + "\n" + SalesforceCertificate.ExportPem(certificate);
    }

    private string[] Lines() => _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task ReadAsync_CertificateExpiringWithinTheWarning_LogsAWarningAndEmitsDaysToExpiry()
    {
        using var material = await CreateSut(Bundle(TestKeys.Primary, TimeSpan.FromDays(320))).ReadAsync(fresh: false);

        Assert.NotNull(material.Certificate);
        var metric = Assert.Single(Lines(), l => l.Contains("\"CloudWatchMetrics\"", StringComparison.Ordinal));
        Assert.Contains("{\"Name\":\"CertificateDaysToExpiry\",\"Unit\":\"None\"}", metric, StringComparison.Ordinal);
        Assert.Contains("\"CertificateDaysToExpiry\":20", metric, StringComparison.Ordinal);
        var warning = Assert.Single(Lines(), l => l.Contains("WARN", StringComparison.OrdinalIgnoreCase) && l.Contains("expires 2026-12-21, in 20 days", StringComparison.Ordinal));
        Assert.Contains("Key rotation", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_CertificateWithTimeLeft_LogsInformationOnly()
    {
        using var material = await CreateSut(Bundle(TestKeys.Primary, TimeSpan.FromDays(400))).ReadAsync(fresh: false);

        Assert.Contains(Lines(), l => l.Contains("\"CertificateDaysToExpiry\":100", StringComparison.Ordinal));
        Assert.Contains(Lines(), l => l.Contains("matches the key and expires 2027-03-11 (100 days)", StringComparison.Ordinal));
        Assert.DoesNotContain(Lines(), l => l.Contains("WARN", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ReadAsync_WarningDaysConfigured_WarnsFromThatManyDays()
    {
        using var material = await CreateSut(Bundle(TestKeys.Primary, TimeSpan.FromDays(400)), warningDays: 120).ReadAsync(fresh: false);

        Assert.Contains(Lines(), l => l.Contains("in 100 days", StringComparison.Ordinal) && l.Contains("WARN", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ReadAsync_CertificateOfAnotherKey_IsAConfigurationErrorThatQuotesNeither()
    {
        var bundle = Bundle(TestKeys.Other, TimeSpan.FromDays(400));

        var error = await Assert.ThrowsAsync<FunctionConfigurationException>(() => CreateSut(bundle).ReadAsync(fresh: false));

        Assert.Contains("FORCELINK_PRIVATE_KEY: the certificate stored with the key ('CN=forcelink-test') does not hold the key's public half", error.Message, StringComparison.Ordinal);
        Assert.Contains("forcelink cert check", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Lines(), l => l.Contains("CertificateDaysToExpiry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_NoCertificate_SaysExpiryIsNotWatchedAndEmitsNoMetric()
    {
        using var material = await CreateSut(TestKeys.PrimaryPkcs8Pem).ReadAsync(fresh: false);

        Assert.Null(material.Certificate);
        Assert.Contains(Lines(), l => l.Contains("No certificate is stored with the key in FORCELINK_PRIVATE_KEY", StringComparison.Ordinal));
        Assert.DoesNotContain(Lines(), l => l.Contains("CertificateDaysToExpiry", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("invalid_grant", "invalid assertion", true)]
    [InlineData("invalid_grant", "Failed: : Couldn't validate jwt token.", true)]
    [InlineData("invalid_grant", "audience is invalid", true)]
    [InlineData("invalid_grant", "Audience validation failed", true)]
    [InlineData("invalid_grant", "invalid signature", true)]
    [InlineData("invalid_grant", "user hasn't approved this consumer", false)]
    [InlineData("invalid_grant", "expired authorization code", false)]
    [InlineData("invalid_grant", "login rate exceeded", false)]
    [InlineData("invalid_grant", "authentication failure", false)]
    [InlineData("invalid_client_id", "client identifier invalid", false)]
    [InlineData("app_not_found", "External client app is not installed in this org", false)]
    public void CouldBeRotatedKey_OnlyRefusalsAChangedKeyExplains(string error, string description, bool expected)
    {
        var refusal = new SalesforceException("refused", 400, error, [new SalesforceError(error, description, [])]) { IsLoginFailure = true };

        Assert.Equal(expected, KeyRotatingCredential.CouldBeRotatedKey(refusal));
    }

    [Fact]
    public void CouldBeRotatedKey_TransientFailure_IsNot()
    {
        var unavailable = new SalesforceException("unavailable", 503, "invalid_grant", [new SalesforceError("invalid_grant", "invalid assertion", [])]);

        Assert.False(KeyRotatingCredential.CouldBeRotatedKey(unavailable));
    }
}
