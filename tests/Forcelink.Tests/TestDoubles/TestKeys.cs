using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Forcelink.Authentication;

namespace Forcelink.Tests.TestDoubles;

/// <summary>Keys generated once per test run: RSA generation is the slow part of these tests.</summary>
public static class TestKeys
{
    private static readonly Lazy<RSA> Rsa2048 = new(() => RSA.Create(2048));
    private static readonly Lazy<RSA> OtherRsa2048 = new(() => RSA.Create(2048));

    public static RSA Primary => Rsa2048.Value;

    public static RSA Other => OtherRsa2048.Value;

    public static string PrimaryPkcs8Pem => Primary.ExportPkcs8PrivateKeyPem();

    public static RsaSigningKey PrimarySigningKey() => RsaSigningKey.Parse(PrimaryPkcs8Pem);

    public static X509Certificate2 SelfSigned(RSA rsa, DateTimeOffset notBefore, TimeSpan validity)
    {
        var request = new CertificateRequest("CN=forcelink-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(notBefore, notBefore + validity);
    }
}
