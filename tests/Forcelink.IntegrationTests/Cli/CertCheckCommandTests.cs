using Forcelink.Authentication;
using Forcelink.Cli;

namespace Forcelink.IntegrationTests.Cli;

public sealed class CertCheckCommandTests
{
    [Fact]
    public async Task CertCheck_MatchingPair_Succeeds()
    {
        using var session = new CliSession();
        await session.RunAsync("keygen");

        var run = await session.RunAsync("cert", "check", "--key", "server.key", "--cert", "server.crt");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("Match:       yes", run.Output);
        Assert.Contains("RSA 2048 bits", run.Output);
        Assert.Contains("days left", run.Output);
    }

    [Fact]
    public async Task CertCheck_CertificateOfAnotherKey_FailsWithUploadFix()
    {
        using var session = new CliSession();
        await session.RunAsync("keygen", "--out", "a");
        await session.RunAsync("keygen", "--out", "b");

        var run = await session.RunAsync("cert", "check", "--key", "a/server.key", "--cert", "b/server.crt");

        Assert.Equal(ExitCodes.CertificateInvalid, run.ExitCode);
        Assert.Contains("Match:       NO", run.Output);
        Assert.Contains("does not match the private key", run.Error);
        Assert.Contains("upload the certificate generated with this key", run.Error);
    }

    [Fact]
    public async Task CertCheck_ExpiredCertificate_FailsWithKeygenFix()
    {
        using var session = new CliSession();
        using var key = RsaSigningKey.Generate();
        using var certificate = key.CreateSelfSignedCertificate("CN=old", new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(365));
        await File.WriteAllTextAsync(session.PathOf("server.key"), key.ExportPkcs8Pem());
        await File.WriteAllTextAsync(session.PathOf("server.crt"), SalesforceCertificate.ExportPem(certificate));

        var run = await session.RunAsync("cert", "check", "--key", "server.key", "--cert", "server.crt");

        Assert.Equal(ExitCodes.CertificateInvalid, run.ExitCode);
        Assert.Contains("EXPIRED", run.Output);
        Assert.Contains("expired on 2020-12-31", run.Error);
        Assert.Contains("forcelink keygen", run.Error);
    }

    [Fact]
    public async Task CertCheck_KeyAndCertificateSwapped_SaysWhichFileIsWhich()
    {
        using var session = new CliSession();
        await session.RunAsync("keygen");

        var run = await session.RunAsync("cert", "check", "--key", "server.crt", "--cert", "server.key");

        Assert.Equal(ExitCodes.CertificateInvalid, run.ExitCode);
        Assert.Contains("This is a certificate", run.Error);
        Assert.DoesNotContain("MII", run.Output + run.Error);
    }
}
