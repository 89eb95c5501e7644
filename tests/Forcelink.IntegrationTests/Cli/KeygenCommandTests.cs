using System.Diagnostics;
using Forcelink.Cli;

namespace Forcelink.IntegrationTests.Cli;

public sealed class KeygenCommandTests
{
    [Fact]
    public async Task Keygen_WritesKeyAndCertificate_OpensslSeesAMatchingPair()
    {
        using var session = new CliSession();

        var run = await session.RunAsync("keygen", "--out", "keys", "--days", "30", "--subject", "CN=forcelink-test");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var key = session.PathOf("keys/server.key");
        var certificate = session.PathOf("keys/server.crt");
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", await File.ReadAllTextAsync(key));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", await File.ReadAllTextAsync(certificate));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        }

        Assert.Contains("Use digital signatures", run.Output);
        Assert.Contains("Admin approved users are pre-authorized", run.Output);
        Assert.DoesNotContain("BEGIN PRIVATE KEY", run.Output + run.Error);

        var certificateModulus = await OpensslAsync("x509", "-noout", "-modulus", "-in", certificate);
        var keyModulus = await OpensslAsync("rsa", "-noout", "-modulus", "-in", key);
        Assert.StartsWith("Modulus=", certificateModulus);
        Assert.Equal(certificateModulus, keyModulus);
        Assert.Contains("CN=forcelink-test", (await OpensslAsync("x509", "-noout", "-subject", "-in", certificate)).Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keygen_Default_CertificateLastsTwoYearsAndTheMessageSaysSoAndWhoWarns()
    {
        var now = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        using var session = new CliSession { TimeProvider = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now) };

        var run = await session.RunAsync("keygen");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("valid for 730 days, until 2028-11-30", run.Output);
        Assert.Contains("logs a warning and the CertificateDaysToExpiry metric from 30 days before", run.Output);
        Assert.Contains("'forcelink doctor' warns too", run.Output);
    }

    [Fact]
    public async Task Keygen_NextSteps_CoverTheSetupMistakesTheGuideLeavesOut()
    {
        using var session = new CliSession();

        var run = await session.RunAsync("keygen");

        foreach (var step in new[]
        {
            "External Client App", "\"Allow creation of connected apps\"", "Relax IP restrictions", "Timeout Value",
            "FORCELINK_TOKEN_LIFETIME_MINUTES", "pre-authorize the app for the user's profile or a permission set",
            "\"API Enabled\"", "Lead and Case", "\"Salesforce Integration\" user license", "\"Minimum Access - API Only Integrations\"",
        })
        {
            Assert.Contains(step, run.Output);
        }
    }

    [Fact]
    public async Task Keygen_FilesExist_RefusesWithoutForce()
    {
        using var session = new CliSession();
        Assert.Equal(ExitCodes.Success, (await session.RunAsync("keygen")).ExitCode);
        var before = await File.ReadAllTextAsync(session.PathOf("server.key"));

        var refused = await session.RunAsync("keygen");
        var forced = await session.RunAsync("keygen", "--force", "--bits", "4096");

        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Contains("--force", refused.Error);
        Assert.Equal(ExitCodes.Success, forced.ExitCode);
        Assert.NotEqual(before, await File.ReadAllTextAsync(session.PathOf("server.key")));
        Assert.Contains("4096 bits", forced.Output);
    }

    [Fact]
    public async Task Keygen_UnsupportedBits_IsAUsageError()
    {
        using var session = new CliSession();

        var run = await session.RunAsync("keygen", "--bits", "1024");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.False(File.Exists(session.PathOf("server.key")));
    }

    private static async Task<string> OpensslAsync(params string[] args)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"openssl {string.Join(' ', args)} failed: {await process.StandardError.ReadToEndAsync()}");
        return output.Trim();
    }
}
