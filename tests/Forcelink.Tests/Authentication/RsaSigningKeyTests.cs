using System.Security.Cryptography;
using System.Text;
using Forcelink.Authentication;
using Forcelink.Tests.TestDoubles;

namespace Forcelink.Tests.Authentication;

public sealed class RsaSigningKeyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Parse_Pkcs8Pem_ReadsKey()
    {
        using var key = RsaSigningKey.Parse(TestKeys.Primary.ExportPkcs8PrivateKeyPem());
        Assert.Equal(2048, key.KeySize);
    }

    [Fact]
    public void Parse_Pkcs1Pem_ReadsKey()
    {
        var pem = TestKeys.Primary.ExportRSAPrivateKeyPem();
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", pem, StringComparison.Ordinal);
        using var key = RsaSigningKey.Parse(pem);
        Assert.Equal(SamePublicKey(), key.PublicKeySha256);
    }

    [Fact]
    public void Parse_EncryptedPkcs8WithPassphrase_ReadsKey()
    {
        var pem = EncryptedPem("s3cret!");
        using var key = RsaSigningKey.Parse(pem, "s3cret!");
        Assert.Equal(SamePublicKey(), key.PublicKeySha256);
    }

    [Fact]
    public void Parse_SignedJwt_SaysItIsAnAssertionNotAKey()
    {
        using var key = TestKeys.PrimarySigningKey();
        var assertion = JwtAssertion.Create(key, "3MVG9key", "integration@example.com", "https://login.salesforce.com", Now.AddMinutes(3));

        var error = Assert.Throws<ArgumentException>(() => RsaSigningKey.Parse(assertion));

        Assert.StartsWith("This is a JWT assertion, not a private key: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("neither PEM nor base64", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(assertion.Split('.')[2], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_FileHoldingAJwt_NamesTheFileAndSaysItIsAnAssertion()
    {
        using var key = TestKeys.PrimarySigningKey();
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, JwtAssertion.Create(key, "3MVG9key", "integration@example.com", "https://login.salesforce.com", Now.AddMinutes(3)) + "\n");

            var error = await Assert.ThrowsAsync<ArgumentException>(() => RsaSigningKey.LoadAsync(path));

            Assert.Contains($"The private key file '{path}' is not usable: This is a JWT assertion, not a private key", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parse_DottedTextThatIsNotAJwt_KeepsTheGeneralMessage()
    {
        var error = Assert.Throws<ArgumentException>(() => RsaSigningKey.Parse("not.a.key"));

        Assert.Contains("neither PEM nor base64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EncryptedPkcs8WithoutPassphrase_SaysPassphraseIsNeeded()
    {
        var error = Assert.Throws<ArgumentException>(() => RsaSigningKey.Parse(EncryptedPem("s3cret!")));
        Assert.Contains("encrypted", error.Message, StringComparison.Ordinal);
        Assert.Contains("FORCELINK_PRIVATE_KEY_PASSPHRASE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EncryptedPkcs8WithWrongPassphrase_SaysPassphraseIsWrong()
    {
        var error = Assert.Throws<ArgumentException>(() => RsaSigningKey.Parse(EncryptedPem("s3cret!"), "wrong"));
        Assert.Contains("passphrase does not decrypt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PemWithEscapedNewlines_ReadsKey()
    {
        var escaped = TestKeys.Primary.ExportPkcs8PrivateKeyPem().Replace("\n", "\\n", StringComparison.Ordinal);
        Assert.DoesNotContain('\n', escaped);
        using var key = RsaSigningKey.Parse(escaped);
        Assert.Equal(SamePublicKey(), key.PublicKeySha256);
    }

    [Fact]
    public void Parse_PemWithWindowsLineEndings_ReadsKey()
    {
        using var key = RsaSigningKey.Parse(TestKeys.Primary.ExportPkcs8PrivateKeyPem().Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(SamePublicKey(), key.PublicKeySha256);
    }

    [Fact]
    public void Parse_Base64OfPem_ReadsKey()
    {
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(TestKeys.Primary.ExportPkcs8PrivateKeyPem()));
        using var key = RsaSigningKey.Parse(base64);
        Assert.Equal(SamePublicKey(), key.PublicKeySha256);
    }

    [Fact]
    public void Parse_Base64OfPkcs8Der_ReadsKey()
    {
        using var key = RsaSigningKey.Parse(Convert.ToBase64String(TestKeys.Primary.ExportPkcs8PrivateKey()));
        Assert.Equal(SamePublicKey(), key.PublicKeySha256);
    }

    [Fact]
    public void Parse_Base64OfPkcs1Der_ReadsKey()
    {
        using var key = RsaSigningKey.Parse(Convert.ToBase64String(TestKeys.Primary.ExportRSAPrivateKey()));
        Assert.Equal(SamePublicKey(), key.PublicKeySha256);
    }

    [Fact]
    public void Parse_Certificate_SaysItIsTheCertificateNotTheKey()
    {
        using var certificate = TestKeys.SelfSigned(TestKeys.Primary, Now, TimeSpan.FromDays(30));
        var error = Assert.Throws<ArgumentException>(() => RsaSigningKey.Parse(certificate.ExportCertificatePem()));
        Assert.Contains("certificate", error.Message, StringComparison.Ordinal);
        Assert.Contains("server.key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PublicKey_SaysPrivateKeyIsNeeded()
    {
        var error = Assert.Throws<ArgumentException>(() => RsaSigningKey.Parse(TestKeys.Primary.ExportSubjectPublicKeyInfoPem()));
        Assert.Contains("public key", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Parse_EcKey_SaysRsaIsRequired(bool pkcs8)
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = pkcs8 ? ec.ExportPkcs8PrivateKeyPem() : ec.ExportECPrivateKeyPem();
        var error = Assert.Throws<ArgumentException>(() => RsaSigningKey.Parse(pem));
        Assert.Contains("EC (elliptic curve)", error.Message, StringComparison.Ordinal);
        Assert.Contains("RS256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EcKeyAsBase64Der_SaysRsaIsRequired()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var error = Assert.Throws<ArgumentException>(() => RsaSigningKey.Parse(Convert.ToBase64String(ec.ExportPkcs8PrivateKey())));
        Assert.Contains("EC (elliptic curve)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_1024BitKey_SaysAtLeast2048()
    {
        using var small = RSA.Create(1024);
        var error = Assert.Throws<ArgumentException>(() => RsaSigningKey.Parse(small.ExportPkcs8PrivateKeyPem()));
        Assert.Contains("1024 bits", error.Message, StringComparison.Ordinal);
        Assert.Contains("2048", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a key at all!")]
    [InlineData("")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nno end marker")]
    [InlineData("aGVsbG8gd29ybGQ=")]
    public void Parse_Garbage_SaysWhatWasExpected(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => RsaSigningKey.Parse(text));
        Assert.Matches("PEM|BEGIN PRIVATE KEY|private key", error.Message);
    }

    [Fact]
    public void Parse_OpenSshKey_SaysToGenerateRsaPair()
    {
        const string Pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";
        var error = Assert.Throws<ArgumentException>(() => RsaSigningKey.Parse(Pem));
        Assert.Contains("OpenSSH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MissingFile_NamesThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"forcelink-missing-{Guid.NewGuid():N}.key");
        var error = await Assert.ThrowsAsync<ArgumentException>(() => RsaSigningKey.LoadAsync(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_KeyFile_ReadsKey()
    {
        var path = Path.Combine(Path.GetTempPath(), $"forcelink-{Guid.NewGuid():N}.key");
        await File.WriteAllTextAsync(path, TestKeys.Primary.ExportRSAPrivateKeyPem());
        try
        {
            using var key = await RsaSigningKey.LoadAsync(path);
            Assert.Equal(SamePublicKey(), key.PublicKeySha256);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ToString_ShowsNoKeyMaterial()
    {
        using var key = TestKeys.PrimarySigningKey();
        var text = key.ToString();
        var pemBody = TestKeys.Primary.ExportPkcs8PrivateKeyPem().Split('\n')[1];
        Assert.DoesNotContain(pemBody[..16], text, StringComparison.Ordinal);
        Assert.StartsWith("RSA 2048-bit private key", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckCertificate_MatchingValidCertificate_IsUsable()
    {
        using var key = TestKeys.PrimarySigningKey();
        using var certificate = TestKeys.SelfSigned(TestKeys.Primary, Now.AddDays(-1), TimeSpan.FromDays(365));
        var result = key.CheckCertificate(certificate, Now);
        Assert.True(result.Matches);
        Assert.True(result.IsUsable);
        Assert.Empty(result.Problems);
        Assert.Equal(2048, result.CertificateKeySize);
        Assert.Equal(TimeSpan.FromDays(364), result.ExpiresIn);
    }

    [Fact]
    public void CheckCertificate_OtherKeysCertificate_DoesNotMatch()
    {
        using var key = TestKeys.PrimarySigningKey();
        using var certificate = TestKeys.SelfSigned(TestKeys.Other, Now.AddDays(-1), TimeSpan.FromDays(365));
        var result = key.CheckCertificate(certificate, Now);
        Assert.False(result.Matches);
        Assert.Contains(result.Problems, p => p.Contains("does not match", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckCertificate_ExpiredCertificate_ReportsExpiry()
    {
        using var key = TestKeys.PrimarySigningKey();
        using var certificate = TestKeys.SelfSigned(TestKeys.Primary, Now.AddDays(-400), TimeSpan.FromDays(365));
        var result = key.CheckCertificate(certificate, Now);
        Assert.True(result.Matches);
        Assert.True(result.IsExpired);
        Assert.False(result.IsUsable);
        Assert.Contains(result.Problems, p => p.Contains("expired", StringComparison.Ordinal));
    }

    [Fact]
    public void CreateSelfSignedCertificate_MatchesKeyAndRoundTripsThroughPem()
    {
        using var key = RsaSigningKey.Generate();
        using var certificate = key.CreateSelfSignedCertificate("CN=forcelink", Now, TimeSpan.FromDays(30));
        using var parsed = SalesforceCertificate.Parse(SalesforceCertificate.ExportPem(certificate));
        Assert.True(key.CheckCertificate(parsed, Now.AddDays(1)).IsUsable);
        using var reread = RsaSigningKey.Parse(key.ExportPkcs8Pem());
        Assert.Equal(key.PublicKeySha256, reread.PublicKeySha256);
    }

    [Fact]
    public void SalesforceCertificateParse_PrivateKey_SaysCertificateIsNeeded()
    {
        var error = Assert.Throws<ArgumentException>(() => SalesforceCertificate.Parse(TestKeys.PrimaryPkcs8Pem));
        Assert.Contains("private key, not a certificate", error.Message, StringComparison.Ordinal);
    }

    private static string SamePublicKey() =>
        Convert.ToHexStringLower(SHA256.HashData(TestKeys.Primary.ExportSubjectPublicKeyInfo()));

    private static string EncryptedPem(string passphrase) =>
        TestKeys.Primary.ExportEncryptedPkcs8PrivateKeyPem(
            passphrase,
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));
}
