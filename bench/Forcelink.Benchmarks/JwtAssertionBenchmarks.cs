using BenchmarkDotNet.Attributes;
using Forcelink.Authentication;

namespace Forcelink.Benchmarks;

/// <summary>Minting and signing one assertion: what each Salesforce login costs on our side.</summary>
[MemoryDiagnoser]
public class JwtAssertionBenchmarks
{
    private RsaSigningKey _key = null!;
    private JwtBearerCredential _credential = null!;
    private System.Security.Cryptography.RSA _rsa = null!;

    [Params(2048, 4096)]
    public int KeySize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rsa = System.Security.Cryptography.RSA.Create(KeySize);
        _key = RsaSigningKey.Parse(_rsa.ExportPkcs8PrivateKeyPem());
        _credential = new JwtBearerCredential(
            new JwtBearerCredentialOptions { ConsumerKey = "3MVG99OxTyEMCQ3gNp2PjkqeZKxnmAiG1xV4oHh9AKL_rSK", Username = "integration@example.com" },
            _key);
    }

    [Benchmark(Description = "Forcelink: mint and sign (RS256)")]
    public string Forcelink() => _credential.CreateAssertion();

    /// <summary>Baseline: the same claims through System.IdentityModel.Tokens.Jwt, the usual .NET choice.</summary>
    [Benchmark(Baseline = true, Description = "IdentityModel JsonWebTokenHandler")]
    public string IdentityModel()
    {
        var descriptor = new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = "3MVG99OxTyEMCQ3gNp2PjkqeZKxnmAiG1xV4oHh9AKL_rSK",
            Audience = "https://login.salesforce.com",
            Claims = new Dictionary<string, object> { ["sub"] = "integration@example.com" },
            Expires = DateTime.UnixEpoch.AddSeconds(2_000_000_000),
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(
                new Microsoft.IdentityModel.Tokens.RsaSecurityKey(_rsa), "RS256"),
        };
        return Handler.CreateToken(descriptor);
    }

    private static readonly Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    [GlobalCleanup]
    public void Cleanup()
    {
        _key.Dispose();
        _rsa.Dispose();
    }
}
