namespace Forcelink.Authentication;

/// <summary>Whether a certificate holds a key's public half, and whether it is valid now.</summary>
/// <param name="Matches">The certificate's public key is the public half of the private key.</param>
/// <param name="KeySize">The private key's size in bits.</param>
/// <param name="CertificateKeySize">The certificate's RSA key size, or <see langword="null"/> when it holds no RSA key.</param>
/// <param name="Subject">The certificate's subject.</param>
/// <param name="NotBefore">Start of validity (UTC).</param>
/// <param name="NotAfter">End of validity (UTC).</param>
/// <param name="CheckedAt">When the check was made.</param>
public sealed record CertificateCheckResult(
    bool Matches,
    int KeySize,
    int? CertificateKeySize,
    string Subject,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    DateTimeOffset CheckedAt)
{
    /// <summary>The certificate's validity ended before <see cref="CheckedAt"/>.</summary>
    public bool IsExpired => CheckedAt > NotAfter;

    /// <summary>The certificate's validity starts after <see cref="CheckedAt"/>.</summary>
    public bool IsNotYetValid => CheckedAt < NotBefore;

    /// <summary>Time left until <see cref="NotAfter"/>; negative once expired.</summary>
    public TimeSpan ExpiresIn => NotAfter - CheckedAt;

    /// <summary>The certificate matches and is valid now.</summary>
    public bool IsUsable => Matches && !IsExpired && !IsNotYetValid;

    /// <summary>Each problem found, with its fix; empty when <see cref="IsUsable"/>.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            var problems = new List<string>();
            if (CertificateKeySize is null)
            {
                problems.Add($"The certificate '{Subject}' holds no RSA key; Salesforce needs an RSA certificate for the JWT bearer flow.");
            }
            else if (!Matches)
            {
                problems.Add($"The certificate '{Subject}' does not match the private key: upload the certificate generated with this key to the connected app, or use the key that belongs to this certificate.");
            }

            if (IsExpired)
            {
                problems.Add($"The certificate expired on {NotAfter:yyyy-MM-dd}: generate a new pair (forcelink keygen) and upload the new certificate to the connected app.");
            }

            if (IsNotYetValid)
            {
                problems.Add($"The certificate is not valid before {NotBefore:yyyy-MM-dd HH:mm} UTC: check this machine's clock.");
            }

            return problems;
        }
    }
}
