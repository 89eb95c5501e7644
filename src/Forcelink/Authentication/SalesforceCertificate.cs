using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Forcelink.Authentication;

/// <summary>Reads the X.509 certificate that is uploaded to a connected app (PEM or DER, from text or a file).</summary>
public static class SalesforceCertificate
{
    /// <summary>Reads a certificate from PEM text (<c>-----BEGIN CERTIFICATE-----</c>) or base64 DER.</summary>
    /// <exception cref="ArgumentException">The text is not a certificate; the message says what it is instead.</exception>
    public static X509Certificate2 Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim().Replace("\\n", "\n", StringComparison.Ordinal);
        if (trimmed.Contains("PRIVATE KEY-----", StringComparison.Ordinal) && !trimmed.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal))
        {
            throw new ArgumentException("This is a private key, not a certificate: give server.crt (-----BEGIN CERTIFICATE-----), the file uploaded to the connected app.", nameof(text));
        }

        try
        {
            if (trimmed.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                return X509Certificate2.CreateFromPem(trimmed);
            }

            return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(trimmed));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            throw new ArgumentException("The text is not an X.509 certificate: expected PEM starting with -----BEGIN CERTIFICATE----- (server.crt).", nameof(text), e);
        }
    }

    /// <summary>Reads a certificate file (PEM or DER), for example <c>server.crt</c>.</summary>
    /// <exception cref="ArgumentException">The file is missing, unreadable or not a certificate.</exception>
    public static async Task<X509Certificate2> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ArgumentException($"The certificate file '{path}' does not exist: check the path (it is server.crt, the file uploaded to the connected app).", nameof(path), e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"Cannot read the certificate file '{path}': {e.Message}", nameof(path), e);
        }

        if (bytes.AsSpan().IndexOf("-----BEGIN"u8) >= 0)
        {
            try
            {
                return Parse(System.Text.Encoding.UTF8.GetString(bytes));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"The certificate file '{path}' is not usable: {e.Message}", nameof(path), e);
            }
        }

        try
        {
            return X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"The certificate file '{path}' is neither a PEM nor a DER certificate.", nameof(path), e);
        }
    }

    /// <summary>The certificate as PEM text, ready to upload.</summary>
    internal static string ExportPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.ExportCertificatePem();
    }
}
