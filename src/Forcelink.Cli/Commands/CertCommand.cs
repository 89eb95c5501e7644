using System.CommandLine;
using Forcelink.Authentication;

namespace Forcelink.Cli.Commands;

/// <summary><c>forcelink cert</c>: checks of the key pair behind the connected app.</summary>
internal sealed class CertCommand : Command
{
    public CertCommand(CliContext context)
        : base("cert", "Check the private key and the certificate uploaded to the connected app.")
    {
        Subcommands.Add(new CertCheckCommand(context));
    }
}

/// <summary><c>forcelink cert check</c>: the pitfall "certificate mismatches", checked before Salesforce is asked.</summary>
internal sealed class CertCheckCommand : CliCommand
{
    // A certificate that expires within this window still works, but the function will stop logging in soon.
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(30);

    private readonly Option<string> _key = new("--key") { Description = "The private key file (server.key).", Required = true, HelpName = "FILE" };
    private readonly Option<string> _cert = new("--cert") { Description = "The certificate file (server.crt), as uploaded to the connected app.", Required = true, HelpName = "FILE" };

    public CertCheckCommand(CliContext context)
        : base("check", "Check that the certificate matches the private key, the key size and the certificate's expiry.", context)
    {
        Options.Add(_key);
        Options.Add(_cert);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var keyPath = Context.ResolvePath(parseResult.GetValue(_key)!);
        var certificatePath = Context.ResolvePath(parseResult.GetValue(_cert)!);
        var result = await CheckAsync(keyPath, null, certificatePath, Context.TimeProvider, cancellationToken: cancellationToken);
        await Output.WriteLineAsync($"Key:         {keyPath} (RSA {result.KeySize} bits)");
        await Output.WriteLineAsync($"Certificate: {certificatePath} ({result.Subject}, RSA {result.CertificateKeySize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})");
        await Output.WriteLineAsync($"Match:       {(result.Matches ? "yes, the certificate holds this key's public half" : "NO")}");
        await Output.WriteLineAsync($"Valid:       {result.NotBefore:yyyy-MM-dd HH:mm} to {result.NotAfter:yyyy-MM-dd HH:mm} UTC ({Describe(result)})");
        if (result.Problems.Count > 0)
        {
            foreach (var problem in result.Problems)
            {
                await Error.WriteLineAsync($"error: {problem}");
            }

            return ExitCodes.CertificateInvalid;
        }

        if (result.ExpiresIn < ExpiryWarning)
        {
            await Error.WriteLineAsync($"warning: the certificate expires in {result.ExpiresIn.Days} days: generate a new pair (forcelink keygen) and upload it to the connected app before then.");
        }

        await Output.WriteLineAsync("OK: this pair can sign assertions the connected app accepts.");
        return ExitCodes.Success;
    }

    /// <summary>Loads a key (from a file or PEM text) and a certificate file and compares them.</summary>
    public static async Task<CertificateCheckResult> CheckAsync(string? keyPath, string? keyText, string certificatePath, TimeProvider timeProvider, string? passphrase = null, CancellationToken cancellationToken = default)
    {
        RsaSigningKey key;
        System.Security.Cryptography.X509Certificates.X509Certificate2 certificate;
        try
        {
            key = keyPath is not null ? await RsaSigningKey.LoadAsync(keyPath, passphrase, cancellationToken) : RsaSigningKey.Parse(keyText!, passphrase);
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.CertificateInvalid, CliException.MessageOf(e));
        }

        using (key)
        {
            try
            {
                certificate = await SalesforceCertificate.LoadAsync(certificatePath, cancellationToken);
            }
            catch (ArgumentException e)
            {
                throw new CliException(ExitCodes.CertificateInvalid, CliException.MessageOf(e));
            }

            using (certificate)
            {
                return key.CheckCertificate(certificate, timeProvider.GetUtcNow());
            }
        }
    }

    private static string Describe(CertificateCheckResult result) => result switch
    {
        { IsExpired: true } => $"EXPIRED {(-result.ExpiresIn).Days} days ago",
        { IsNotYetValid: true } => "NOT YET VALID",
        _ => $"{result.ExpiresIn.Days} days left",
    };
}
