using Forcelink.Configuration;
using Forcelink.Aws.Metrics;
using Microsoft.Extensions.Logging;

namespace Forcelink.Aws.Secrets;

/// <summary>
/// The function's key source, asked once at init and again when a login refusal suggests the key was rotated
/// (<see cref="KeyRotatingCredential"/>). Each read checks the certificate stored with the key, when there is one:
/// a certificate that does not hold the key's public half is a configuration error, and its days to expiry are logged
/// (a warning under the given number of days) and written as an EMF metric.
/// </summary>
internal sealed partial class SigningKeyProvider(
    PrivateKeyReader reader,
    SecretSource source,
    string? passphrase,
    int certificateWarningDays,
    EmbeddedMetrics metrics,
    TimeProvider timeProvider,
    ILogger<SigningKeyProvider> logger)
{
    private int _reads;

    public SecretSource Source => source;

    /// <summary>Whether a second read can give another key: inline text (<c>FORCELINK_PRIVATE_KEY</c>) changes only with a redeploy.</summary>
    public bool CanChange => source.Kind != SecretSourceKind.Text;

    /// <summary>How many times the key was read, the first included.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Reads the key (and certificate) and checks them.</summary>
    /// <param name="fresh">Read past the extension's cache: the read after a refusal, when the key may just have been rotated.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="FunctionConfigurationException">The key cannot be read, or the certificate does not match it.</exception>
    public async Task<SigningMaterial> ReadAsync(bool fresh, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        var material = await reader.ReadMaterialAsync(source, passphrase, fresh, cancellationToken);
        if (material.Certificate is not { } certificate)
        {
            LogNoCertificate(logger, source.VariableName);
            return material;
        }

        var check = material.Key.CheckCertificate(certificate, timeProvider.GetUtcNow());
        if (!check.Matches)
        {
            material.Dispose();
            throw new FunctionConfigurationException(
                $"{source.VariableName}: the certificate stored with the key ('{check.Subject}') does not hold the key's public half, so the app could not " +
                "verify what the function signs: store the server.crt generated with this key (forcelink cert check --key server.key --cert server.crt " +
                "compares them), or leave the certificate out.");
        }

        var days = (int)Math.Floor(check.ExpiresIn.TotalDays);
        metrics.Record(MetricNames.CertificateDaysToExpiry, days, MetricUnit.None);
        metrics.Flush();
        if (check.IsExpired)
        {
            LogCertificateExpired(logger, check.Subject, check.NotAfter, -days);
        }
        else if (days < certificateWarningDays)
        {
            LogCertificateExpiresSoon(logger, check.Subject, check.NotAfter, days);
        }
        else
        {
            LogCertificate(logger, check.Subject, check.NotAfter, days);
        }

        return material;
    }

    [LoggerMessage(EventId = 710, Level = LogLevel.Information, Message = "Signing certificate {Subject} matches the key and expires {NotAfter:yyyy-MM-dd} ({Days} days)")]
    private static partial void LogCertificate(ILogger logger, string subject, DateTimeOffset notAfter, int days);

    [LoggerMessage(EventId = 711, Level = LogLevel.Warning,
        Message = "Signing certificate {Subject} expires {NotAfter:yyyy-MM-dd}, in {Days} days: logins fail once it has expired. Rotate the key now (forcelink keygen, upload the new certificate to the app, update the secret; docs/authentication.md, Key rotation)")]
    private static partial void LogCertificateExpiresSoon(ILogger logger, string subject, DateTimeOffset notAfter, int days);

    [LoggerMessage(EventId = 712, Level = LogLevel.Error,
        Message = "Signing certificate {Subject} expired on {NotAfter:yyyy-MM-dd}, {Days} days ago: rotate the key (forcelink keygen, upload the new certificate to the app, update the secret; docs/authentication.md, Key rotation)")]
    private static partial void LogCertificateExpired(ILogger logger, string subject, DateTimeOffset notAfter, int days);

    [LoggerMessage(EventId = 713, Level = LogLevel.Information,
        Message = "No certificate is stored with the key in {Variable}: its expiry is not watched. Store server.crt beside the key to be warned before it expires")]
    private static partial void LogNoCertificate(ILogger logger, string variable);
}
