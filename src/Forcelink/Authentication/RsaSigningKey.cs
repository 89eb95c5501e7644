using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Forcelink.Authentication;

/// <summary>
/// The RSA private key that signs JWT assertions: the private half of the certificate uploaded to the connected app.
/// Reads PEM (PKCS#1 <c>RSA PRIVATE KEY</c>, PKCS#8 <c>PRIVATE KEY</c>, encrypted PKCS#8 <c>ENCRYPTED PRIVATE KEY</c>), the same
/// PEM with its line breaks written as <c>\n</c> (as environment variables often hold it), and base64 of either PEM or DER.
/// Refuses certificates, public keys, non-RSA keys and keys under 2048 bits with a message that says what to use instead.
/// <see cref="ToString"/> never shows key material.
/// </summary>
public sealed class RsaSigningKey : IDisposable
{
    /// <summary>The smallest key Forcelink accepts, in bits.</summary>
    public const int MinimumKeySize = 2048;

    private readonly RSA _rsa;

    private RsaSigningKey(RSA rsa)
    {
        if (rsa.KeySize < MinimumKeySize)
        {
            var size = rsa.KeySize;
            rsa.Dispose();
            throw new ArgumentException(
                $"The RSA key has {size} bits; Salesforce and Forcelink need at least {MinimumKeySize}. " +
                "Generate a new pair (forcelink keygen, or openssl req -x509 -nodes -newkey rsa:2048 -keyout server.key -out server.crt -days 730) " +
                "and upload the new certificate to the connected app.");
        }

        _rsa = rsa;
        PublicKeySha256 = Convert.ToHexStringLower(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>The key size in bits.</summary>
    public int KeySize => _rsa.KeySize;

    /// <summary>The SHA-256 of the public key (SubjectPublicKeyInfo), in lowercase hex: identifies the key without revealing it.</summary>
    public string PublicKeySha256 { get; }

    /// <summary>Generates a new key.</summary>
    /// <param name="keySize">2048 (the default) or more.</param>
    public static RsaSigningKey Generate(int keySize = MinimumKeySize) => new(RSA.Create(keySize));

    /// <summary>Takes ownership of an existing RSA key.</summary>
    public static RsaSigningKey FromRsa(RSA rsa)
    {
        ArgumentNullException.ThrowIfNull(rsa);
        return new RsaSigningKey(rsa);
    }

    /// <summary>Reads a key from text: PEM, PEM with literal <c>\n</c> line breaks, or base64 of PEM or DER.</summary>
    /// <param name="text">The key text.</param>
    /// <param name="passphrase">The passphrase of an encrypted key; ignored for unencrypted keys.</param>
    /// <exception cref="ArgumentException">The text is not a usable RSA private key; the message says why and what to use.</exception>
    public static RsaSigningKey Parse(string text, string? passphrase = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw new ArgumentException("The private key is empty: give the PEM text of server.key (it starts with -----BEGIN PRIVATE KEY-----).", nameof(text));
        }

        if (trimmed.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            return FromPemText(NormalizeLineBreaks(trimmed), passphrase);
        }

        if (LooksLikeJwt(trimmed))
        {
            throw new ArgumentException(
                "This is a JWT assertion, not a private key: it is what the key signs (header.claims.signature), and it stops working when its exp passes. " +
                "Give the PEM text of server.key (-----BEGIN PRIVATE KEY-----), the key generated with the certificate uploaded to the app; " +
                "'forcelink jwt decode' shows what the assertion holds.", nameof(text));
        }

        var der = TryDecodeBase64(trimmed) ?? throw new ArgumentException(
            "The private key is neither PEM nor base64: expected text starting with -----BEGIN PRIVATE KEY----- " +
            "(or -----BEGIN RSA PRIVATE KEY-----), or that PEM encoded as base64.", nameof(text));

        if (der.AsSpan().StartsWith("-----BEGIN"u8))
        {
            return FromPemText(NormalizeLineBreaks(Encoding.UTF8.GetString(der).Trim()), passphrase);
        }

        return FromDer(der, passphrase);
    }

    /// <summary>Reads a key file (for example <c>server.key</c>).</summary>
    /// <exception cref="ArgumentException">The file is missing, unreadable or not a usable RSA private key.</exception>
    public static async Task<RsaSigningKey> LoadAsync(string path, string? passphrase = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ArgumentException($"The private key file '{path}' does not exist: check the path, or create a key pair (forcelink keygen).", nameof(path), e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"Cannot read the private key file '{path}': {e.Message}", nameof(path), e);
        }

        try
        {
            return Parse(text, passphrase);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The private key file '{path}' is not usable: {e.Message}", nameof(path), e);
        }
    }

    /// <summary>Checks that a certificate holds this key's public half, and reports its validity dates.</summary>
    /// <param name="certificate">The certificate uploaded (or to be uploaded) to the connected app.</param>
    /// <param name="now">The current time, from the caller's <see cref="TimeProvider"/>.</param>
    public CertificateCheckResult CheckCertificate(X509Certificate2 certificate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var certificateKey = certificate.GetRSAPublicKey();
        var matches = false;
        int? certificateKeySize = null;
        if (certificateKey is not null)
        {
            certificateKeySize = certificateKey.KeySize;
            var ours = _rsa.ExportParameters(includePrivateParameters: false);
            var theirs = certificateKey.ExportParameters(includePrivateParameters: false);
            matches = ours.Modulus.AsSpan().SequenceEqual(theirs.Modulus) && ours.Exponent.AsSpan().SequenceEqual(theirs.Exponent);
        }

        return new CertificateCheckResult(
            matches,
            KeySize,
            certificateKeySize,
            certificate.Subject,
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime()),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime()),
            now);
    }

    // Key and certificate creation are setup jobs (forcelink keygen, demo), not something a function does.

    /// <summary>Exports the key as unencrypted PKCS#8 PEM (<c>-----BEGIN PRIVATE KEY-----</c>). The result is a secret.</summary>
    internal string ExportPkcs8Pem() => _rsa.ExportPkcs8PrivateKeyPem();

    /// <summary>Creates a self-signed certificate for this key, to upload to the connected app.</summary>
    /// <param name="subject">The distinguished name, such as <c>CN=forcelink</c>.</param>
    /// <param name="notBefore">Start of validity.</param>
    /// <param name="validity">How long the certificate is valid.</param>
    internal X509Certificate2 CreateSelfSignedCertificate(string subject, DateTimeOffset notBefore, TimeSpan validity)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var request = new CertificateRequest(subject, _rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(notBefore, notBefore + validity);
    }

    /// <summary>A description without key material: size and public key hash prefix.</summary>
    public override string ToString() => $"RSA {KeySize}-bit private key (public key SHA-256 {PublicKeySha256[..16]}…)";

    /// <inheritdoc/>
    public void Dispose() => _rsa.Dispose();

    internal bool TrySign(ReadOnlySpan<byte> data, Span<byte> signature, out int written) =>
        _rsa.TrySignData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out written);

    internal int SignatureSize => (KeySize + 7) / 8;

    private static RsaSigningKey FromPemText(string pem, string? passphrase)
    {
        var label = PemLabel(pem);
        switch (label)
        {
            case "CERTIFICATE":
            case "TRUSTED CERTIFICATE":
                throw new ArgumentException(
                    "This is a certificate (server.crt), the public half you upload to the connected app. " +
                    "Forcelink needs the private key (server.key, -----BEGIN PRIVATE KEY-----) that was generated with it.");
            case "PUBLIC KEY":
            case "RSA PUBLIC KEY":
                throw new ArgumentException(
                    "This is a public key. Forcelink needs the private key (server.key, -----BEGIN PRIVATE KEY-----) to sign assertions.");
            case "EC PRIVATE KEY":
                throw NotRsa("an EC (elliptic curve) key");
            case "OPENSSH PRIVATE KEY":
                throw new ArgumentException(
                    "This is an OpenSSH key. Generate an RSA key pair for Salesforce instead: " +
                    "openssl req -x509 -nodes -newkey rsa:2048 -keyout server.key -out server.crt -days 730 (or forcelink keygen).");
            case "RSA PRIVATE KEY" when pem.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal):
                throw new ArgumentException(
                    "This is a legacy OpenSSL-encrypted RSA key, which .NET cannot read. Convert it to encrypted PKCS#8: " +
                    "openssl pkcs8 -topk8 -v2 aes-256-cbc -in server.key -out server.p8.key");
            case "ENCRYPTED PRIVATE KEY":
                if (string.IsNullOrEmpty(passphrase))
                {
                    throw new ArgumentException(
                        "The private key is encrypted (-----BEGIN ENCRYPTED PRIVATE KEY-----) and no passphrase was given: " +
                        "set the passphrase (FORCELINK_PRIVATE_KEY_PASSPHRASE), or store the key unencrypted in a secret store.");
                }

                return Import(rsa => rsa.ImportFromEncryptedPem(pem, passphrase), pem, isEncrypted: true);
            case "RSA PRIVATE KEY":
            case "PRIVATE KEY":
                return Import(rsa => rsa.ImportFromPem(pem), pem, isEncrypted: false);
            case null:
                throw new ArgumentException("The private key PEM is malformed: no -----BEGIN ...----- / -----END ...----- block was found.");
            default:
                throw new ArgumentException($"The PEM block is '{label}', not a private key: give the private key (-----BEGIN PRIVATE KEY-----).");
        }
    }

    private static RsaSigningKey Import(Action<RSA> import, string pem, bool isEncrypted)
    {
        var rsa = RSA.Create();
        try
        {
            import(rsa);
            return new RsaSigningKey(rsa);
        }
        catch (CryptographicException e)
        {
            rsa.Dispose();
            if (isEncrypted)
            {
                throw new ArgumentException("The passphrase does not decrypt this private key: check FORCELINK_PRIVATE_KEY_PASSPHRASE.", e);
            }

            if (IsEcKey(pem))
            {
                throw NotRsa("an EC (elliptic curve) key");
            }

            throw new ArgumentException("The private key PEM could not be read (its base64 body is damaged or it is not an RSA key): export server.key again.", e);
        }
        catch (ArgumentException)
        {
            rsa.Dispose();
            throw;
        }
    }

    private static RsaSigningKey FromDer(byte[] der, string? passphrase)
    {
        var rsa = RSA.Create();
        try
        {
            try
            {
                rsa.ImportPkcs8PrivateKey(der, out _);
                return new RsaSigningKey(rsa);
            }
            catch (CryptographicException)
            {
            }

            try
            {
                rsa.ImportRSAPrivateKey(der, out _);
                return new RsaSigningKey(rsa);
            }
            catch (CryptographicException)
            {
            }

            if (!string.IsNullOrEmpty(passphrase))
            {
                try
                {
                    rsa.ImportEncryptedPkcs8PrivateKey(passphrase, der, out _);
                    return new RsaSigningKey(rsa);
                }
                catch (CryptographicException)
                {
                }
            }
        }
        catch (ArgumentException)
        {
            rsa.Dispose();
            throw;
        }

        rsa.Dispose();
        if (IsEcDer(der))
        {
            throw NotRsa("an EC (elliptic curve) key");
        }

        throw new ArgumentException(
            "The base64 text decodes to bytes that are not an RSA private key (PKCS#8 or PKCS#1 DER)" +
            (string.IsNullOrEmpty(passphrase) ? "" : ", nor an encrypted key this passphrase opens") +
            ": give the PEM text of server.key.");
    }

    private static ArgumentException NotRsa(string what) => new(
        $"This is {what}; Salesforce signs JWT bearer assertions with RS256 only, so it needs an RSA key of at least {MinimumKeySize} bits. " +
        "Generate one with forcelink keygen or openssl req -x509 -nodes -newkey rsa:2048 -keyout server.key -out server.crt -days 730.");

    private static bool IsEcKey(string pem)
    {
        using var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return true;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    private static bool IsEcDer(byte[] der)
    {
        using var ec = ECDsa.Create();
        try
        {
            ec.ImportPkcs8PrivateKey(der, out _);
            return true;
        }
        catch (CryptographicException)
        {
            try
            {
                ec.ImportECPrivateKey(der, out _);
                return true;
            }
            catch (CryptographicException)
            {
                return false;
            }
        }
    }

    private static string? PemLabel(string pem)
    {
        const string Begin = "-----BEGIN ";
        var start = pem.IndexOf(Begin, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += Begin.Length;
        var end = pem.IndexOf("-----", start, StringComparison.Ordinal);
        if (end < 0 || !pem.Contains("-----END ", StringComparison.Ordinal))
        {
            return null;
        }

        return pem[start..end];
    }

    // Environment variables and JSON secrets often carry PEM with its newlines escaped.
    private static string NormalizeLineBreaks(string pem) =>
        pem.Contains('\n', StringComparison.Ordinal)
            ? pem.Replace("\r\n", "\n", StringComparison.Ordinal)
            : pem.Replace("\\r\\n", "\n", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal);

    // A signed JWT is three base64url parts whose first decodes to a JSON header; no key encoding has dots.
    private static bool LooksLikeJwt(string text)
    {
        var parts = text.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            return false;
        }

        try
        {
            var header = System.Buffers.Text.Base64Url.DecodeFromChars(parts[0]);
            return header.AsSpan().TrimStart(" \t\r\n"u8).StartsWith("{"u8) && header.AsSpan().IndexOf("\"alg\""u8) >= 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[]? TryDecodeBase64(string text)
    {
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        var buffer = new byte[compact.Length];
        return Convert.TryFromBase64String(compact, buffer, out var written) && written > 0 ? buffer[..written] : null;
    }
}
