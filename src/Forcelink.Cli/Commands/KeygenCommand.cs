using System.CommandLine;
using Forcelink.Authentication;

namespace Forcelink.Cli.Commands;

/// <summary><c>forcelink keygen</c>: a private key and its self-signed certificate, and what to do with them in Salesforce.</summary>
internal sealed class KeygenCommand : CliCommand
{
    private readonly Option<string> _out = new("--out", "-o") { Description = "Directory to write server.key and server.crt to.", DefaultValueFactory = _ => ".", HelpName = "DIR" };
    // Two years: a yearly certificate (the setup guide's -days 365) stops every login a year after setup, often
    // when nobody remembers how it was made; rotation stays a deliberate step, announced 30 days ahead.
    public const int DefaultDays = 730;

    private readonly Option<int> _days = new("--days") { Description = $"Days the certificate is valid (default {DefaultDays}, two years).", DefaultValueFactory = _ => DefaultDays, HelpName = "N" };
    private readonly Option<int> _bits = new("--bits") { Description = "RSA key size: 2048 or 4096.", DefaultValueFactory = _ => 2048 };
    private readonly Option<string> _subject = new("--subject") { Description = "Certificate subject.", DefaultValueFactory = _ => "CN=forcelink", HelpName = "CN=..." };
    private readonly Option<bool> _force = new("--force") { Description = "Overwrite existing server.key and server.crt." };

    public KeygenCommand(CliContext context)
        : base("keygen", "Generate server.key (RSA private key, PKCS#8 PEM, mode 0600) and server.crt (self-signed certificate to upload to the connected app).", context)
    {
        _bits.AcceptOnlyFromAmong("2048", "4096");
        _days.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 3650)
            {
                result.AddError("--days must be from 1 to 3650.");
            }
        });
        Options.Add(_out);
        Options.Add(_days);
        Options.Add(_bits);
        Options.Add(_subject);
        Options.Add(_force);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var directory = Context.ResolvePath(parseResult.GetValue(_out)!);
        var force = parseResult.GetValue(_force);
        var keyPath = Path.Combine(directory, "server.key");
        var certificatePath = Path.Combine(directory, "server.crt");
        var existing = new[] { keyPath, certificatePath }.Where(File.Exists).ToList();
        if (existing.Count > 0 && !force)
        {
            throw new CliException(ExitCodes.Failure,
                $"{string.Join(" and ", existing)} already exist{(existing.Count == 1 ? "s" : "")}; the certificate uploaded to Salesforce would no longer match. " +
                "Use another --out directory, or --force to replace them (then upload the new server.crt).");
        }

        string subject = parseResult.GetValue(_subject)!;
        try
        {
            _ = new System.Security.Cryptography.X509Certificates.X500DistinguishedName(subject);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new CliException(ExitCodes.Usage, $"--subject '{subject}' is not a distinguished name: write it as CN=forcelink or CN=forcelink,O=Example.");
        }

        Directory.CreateDirectory(directory);
        var written = await WritePairAsync(keyPath, certificatePath, parseResult.GetValue(_bits), subject, TimeSpan.FromDays(parseResult.GetValue(_days)), force, Context.TimeProvider, cancellationToken);
        await Output.WriteLineAsync($"Wrote {keyPath} (private key, {written.KeySize} bits, mode 0600: keep it secret, store it in AWS Secrets Manager or SSM for the function).");
        await Output.WriteLineAsync($"Wrote {certificatePath} (certificate {subject}, valid for {parseResult.GetValue(_days)} days, until {written.NotAfter:yyyy-MM-dd}).");
        await Output.WriteLineAsync(
            $"When it expires every login fails. The function logs a warning and the CertificateDaysToExpiry metric from 30 days before " +
            "(when the certificate is stored with the key), and 'forcelink doctor' warns too: rotate before then (docs/authentication.md, \"Key rotation\").");
        await Output.WriteLineAsync();
        await Output.WriteLineAsync(NextSteps(keyPath, certificatePath));
        return ExitCodes.Success;
    }

    public static async Task<(int KeySize, DateTimeOffset NotAfter)> WritePairAsync(
        string keyPath, string certificatePath, int bits, string subject, TimeSpan validity, bool overwrite, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        using var key = RsaSigningKey.Generate(bits);
        // Backdated a little so a server whose clock is slightly behind ours accepts it at once.
        var notBefore = timeProvider.GetUtcNow().AddMinutes(-5);
        using var certificate = key.CreateSelfSignedCertificate(subject, notBefore, validity);
        await PemFile.WriteAsync(keyPath, key.ExportPkcs8Pem() + "\n", overwrite, ownerOnly: true, cancellationToken);
        await PemFile.WriteAsync(certificatePath, SalesforceCertificate.ExportPem(certificate) + "\n", overwrite, ownerOnly: false, cancellationToken);
        return (key.KeySize, new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
    }

    private static string NextSteps(string keyPath, string certificatePath) => $"""
        Next steps (docs/authentication.md, "Setting up the app", has the details):
          1. The app. Since Spring '26 new orgs create External Client Apps: Setup > External Client App Manager >
             New External Client App > OAuth: Enable OAuth, any callback URL, "Enable JWT Bearer Flow", upload {certificatePath}.
             For a classic Connected App instead: Setup > External Client App Settings > "Allow creation of connected apps",
             then App Manager > New Connected App > Enable OAuth Settings > "Use digital signatures", upload {certificatePath}.
             OAuth scope: "Manage user data via APIs (api)" is enough for the JWT bearer flow.
          2. Copy the Consumer Key (Manage Consumer Details); the Consumer Secret is not used by this flow.
          3. Policies: Permitted Users = "Admin approved users are pre-authorized"; IP Relaxation = "Relax IP restrictions"
             (Lambda's outgoing addresses vary); Timeout Value = the session length, such as 15 minutes.
          4. The integration user: ideally API-only (the "Salesforce Integration" user license with the
             "Minimum Access - API Only Integrations" profile; unverified, check your org's licenses). Two separate grants:
             - pre-authorize the app for the user's profile or a permission set (the app's Manage Profiles /
               Manage Permission Sets), or the login fails with "user hasn't approved this consumer";
             - give the user "API Enabled" and read, create, edit and delete on Lead and Case (a permission set assigned
               to the user), or REST calls fail after a successful login.
          5. Configure Forcelink, e.g.:
               export FORCELINK_LOGIN_URL=https://login.salesforce.com   # test.salesforce.com or My Domain for sandboxes
               export FORCELINK_CONSUMER_KEY=<Consumer Key>
               export FORCELINK_USERNAME=<integration user's username>
               export FORCELINK_PRIVATE_KEY_FILE={keyPath}
               export FORCELINK_CERTIFICATE_FILE={certificatePath}
             For an External Client App, use the My Domain URL as login URL and FORCELINK_AUDIENCE.
             The function also needs FORCELINK_TOKEN_LIFETIME_MINUTES = the app's Timeout Value (15 above): longer, and it
             sends calls on sessions Salesforce already ended (a 401 and a new login each time); shorter, and it logs in
             more often than needed (3,600 logins per user per hour).
          6. forcelink doctor   # checks each step; a new app can take a few minutes to replicate
        """;
}
