using Forcelink.Authentication;
using Forcelink.Cli;
using Forcelink.Cli.Commands;
using Forcelink.Emulator.Hosting;

namespace Forcelink.IntegrationTests.Cli;

/// <summary>Each set-up breaks exactly one thing; doctor must fail that check, with that fix, and skip what depends on it.</summary>
public sealed class DoctorCommandTests
{
    [Fact]
    public async Task Doctor_HealthySetup_PassesEveryCheck()
    {
        await using var org = await CliOrg.StartAsync();

        var run = await org.RunAsync("doctor");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        foreach (var check in new[] { DoctorCommand.ConfigurationCheck, DoctorCommand.KeyCheck, DoctorCommand.CertificateCheck, DoctorCommand.ReachableCheck,
            DoctorCommand.TokenCheck, DoctorCommand.RestCheck, DoctorCommand.LeadCheck, DoctorCommand.CaseCheck, DoctorCommand.UsageCheck })
        {
            Assert.Contains($"[pass] {check}", run.Output);
        }

        Assert.DoesNotContain("[FAIL]", run.Output);
        Assert.Contains("All checks passed", run.Output);
    }

    [Fact]
    public async Task Doctor_UserNotPreAuthorized_FailsTokenExchangeWithPolicyFix()
    {
        await using var org = await CliOrg.StartAsync((options, _) => options.Org.Apps[0].Profiles.Clear());

        var run = await org.RunAsync("doctor");

        AssertFailedAt(run, DoctorCommand.TokenCheck, "hasn't approved this consumer");
        Assert.Contains("Admin approved users are pre-authorized", run.Output);
        Assert.Contains("Manage Profiles", run.Output);
    }

    [Fact]
    public async Task Doctor_AppHoldsAnotherCertificate_FailsTokenExchangeWithCertificateFix()
    {
        var (_, otherCertificate) = NewPair(TimeSpan.FromDays(365));
        await using var org = await CliOrg.StartAsync((options, _) => options.Org.Apps[0].CertificatePem = otherCertificate);
        org.Session.Environment.Remove("FORCELINK_CERTIFICATE_FILE");

        var run = await org.RunAsync("doctor");

        AssertFailedAt(run, DoctorCommand.TokenCheck, "invalid assertion");
        Assert.Contains("forcelink cert check", run.Output);
        Assert.Contains("[ n/a] certificate", run.Output);
    }

    [Fact]
    public async Task Doctor_LocalCertificateOfAnotherKey_FailsCertificateCheckBeforeAskingSalesforce()
    {
        await using var org = await CliOrg.StartAsync();
        var (_, otherCertificate) = NewPair(TimeSpan.FromDays(365));
        await File.WriteAllTextAsync(org.CertificateFile, otherCertificate);

        var run = await org.RunAsync("doctor");

        AssertFailedAt(run, DoctorCommand.CertificateCheck, "does not match the private key");
        Assert.Equal(0, org.Host.LoginCount(CliOrg.Username));
    }

    [Fact]
    public async Task Doctor_ExpiredCertificate_FailsCertificateCheckWithKeygenFix()
    {
        await using var org = await CliOrg.StartAsync(certificateNotAfter: new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero));

        var run = await org.RunAsync("doctor");

        AssertFailedAt(run, DoctorCommand.CertificateCheck, "expired on 2021-01-01");
        Assert.Contains("forcelink keygen", run.Output);
    }

    [Fact]
    public async Task Doctor_CertificateExpiringWithin30Days_WarnsWithRotationStepsAndStillPasses()
    {
        await using var org = await CliOrg.StartAsync(certificateNotAfter: TimeProvider.System.GetUtcNow().AddDays(10).AddHours(1));

        var run = await org.RunAsync("doctor");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("[warn] certificate: ", run.Output);
        Assert.Contains("matches the key but expires on", run.Output);
        Assert.Contains("in 10 days", run.Output);
        Assert.Contains("fix: Rotate the key before then: forcelink keygen", run.Output);
        Assert.Contains("\"Key rotation\"", run.Output);
        Assert.Contains("[pass] token exchange", run.Output);
    }

    [Fact]
    public async Task Doctor_CertificateExpiringIn31Days_PassesWithoutWarning()
    {
        await using var org = await CliOrg.StartAsync(certificateNotAfter: TimeProvider.System.GetUtcNow().AddDays(31));

        var run = await org.RunAsync("doctor");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("[pass] certificate", run.Output);
        Assert.DoesNotContain("[warn]", run.Output);
    }

    [Fact]
    public async Task Doctor_UnknownConsumerKey_FailsTokenExchangeWithConsumerKeyFix()
    {
        await using var org = await CliOrg.StartAsync();
        org.Session.Environment["FORCELINK_CONSUMER_KEY"] = "3MVG9someOtherApp";

        var run = await org.RunAsync("doctor");

        AssertFailedAt(run, DoctorCommand.TokenCheck, "invalid_client_id");
        Assert.Contains("Manage Consumer Details", run.Output);
    }

    [Fact]
    public async Task Doctor_NoPermissionOnCase_FailsCasePermissionsWithPermissionSetFix()
    {
        await using var org = await CliOrg.StartAsync((options, _) =>
        {
            options.Org.Profiles.Add(new PermissionOptions { Name = "Leads Only", Objects = { ["Lead"] = ObjectPermissions.Full } });
            options.Org.Users[0].Profile = "Leads Only";
            options.Org.Apps[0].Profiles = ["Leads Only"];
        });

        var run = await org.RunAsync("doctor");

        AssertFailedAt(run, DoctorCommand.CaseCheck, "Case");
        Assert.Contains("[pass] Lead permissions", run.Output);
        Assert.Contains("Object Settings > Case", run.Output);
    }

    [Fact]
    public async Task Doctor_ApiUsageNearTheLimit_FailsHeadroom()
    {
        await using var org = await CliOrg.StartAsync((options, _) => options.Org.DailyApiLimit = 1000);
        org.Host.Org.SetApiUsed(950);

        var run = await org.RunAsync("doctor");

        AssertFailedAt(run, DoctorCommand.UsageCheck, "of 1,000 daily requests");
        Assert.Contains("REQUEST_LIMIT_EXCEEDED", run.Output);
    }

    [Fact]
    public async Task Doctor_NothingConfigured_FailsConfigurationAndSkipsTheRest()
    {
        using var session = new CliSession();

        var run = await session.RunAsync("doctor", "--json");

        Assert.Equal(ExitCodes.DoctorFailed, run.ExitCode);
        var json = System.Text.Json.Nodes.JsonNode.Parse(run.Output)!;
        Assert.False(json["ok"]!.GetValue<bool>());
        Assert.Equal("failed", json["checks"]![0]!["status"]!.GetValue<string>());
        Assert.Contains("FORCELINK_CONSUMER_KEY", json["checks"]![0]!["fix"]!.GetValue<string>());
        Assert.All(json["checks"]!.AsArray().Skip(1), c => Assert.Equal("skipped", c!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Doctor_ClientCredentialsHealthy_PassesEveryCheckWithoutKeyOrCertificate()
    {
        await using var org = await CliOrg.StartClientCredentialsAsync();

        var run = await org.RunAsync("doctor");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        foreach (var check in new[] { DoctorCommand.ConfigurationCheck, DoctorCommand.SecretCheck, DoctorCommand.ReachableCheck, DoctorCommand.TokenCheck,
            DoctorCommand.RestCheck, DoctorCommand.LeadCheck, DoctorCommand.CaseCheck, DoctorCommand.UsageCheck })
        {
            Assert.Contains($"[pass] {check}", run.Output);
        }

        Assert.DoesNotContain("private key", run.Output);
        Assert.Contains("client credentials flow at", run.Output);
        Assert.Contains($"{CliOrg.ClientSecret.Length} characters", run.Output);
        AssertNoSecret(run);
    }

    public static TheoryData<string, string, string> ClientCredentialsRefusals => new()
    {
        { "generic login host", "request not supported on this domain", "Setup > My Domain" },
        { "no run-as user", "no client credentials user enabled", "Client Credentials Flow > Run As" },
        { "unknown consumer key", "invalid_client_id", "Manage Consumer Details" },
        { "wrong secret", "invalid_client", "copy the Consumer Secret again" },
    };

    [Theory]
    [MemberData(nameof(ClientCredentialsRefusals))]
    public async Task Doctor_ClientCredentialsBroken_FailsTokenExchangeWithTheSpecificFix(string broken, string expected, string fix)
    {
        await using var org = await CliOrg.StartClientCredentialsAsync(options =>
        {
            options.Org.GenericLoginHost = broken == "generic login host";
            options.Org.Apps[0].ClientCredentialsUser = broken == "no run-as user" ? null : CliOrg.RunAsUser;
            options.Org.Apps[0].ConsumerSecret = broken == "wrong secret" ? "another-secret-entirely" : CliOrg.ClientSecret;
        });
        if (broken == "unknown consumer key")
        {
            org.Session.Environment["FORCELINK_CONSUMER_KEY"] = "3MVG9someOtherApp";
        }

        var run = await org.RunAsync("doctor");

        AssertFailedAt(run, DoctorCommand.TokenCheck, expected);
        Assert.Contains(fix, run.Output);
        Assert.Contains("[pass] client secret", run.Output);
        AssertNoSecret(run);
    }

    [Fact]
    public async Task Doctor_ClientCredentialsAtLoginSalesforceCom_FailsConfigurationWithTheMyDomainFix()
    {
        await using var org = await CliOrg.StartClientCredentialsAsync();
        org.Session.Environment["FORCELINK_LOGIN_URL"] = "https://login.salesforce.com";

        var run = await org.RunAsync("doctor");

        AssertFailedAt(run, DoctorCommand.ConfigurationCheck, "FORCELINK_LOGIN_URL 'https://login.salesforce.com/' is the generic login host");
        Assert.Contains("https://<mydomain>.my.salesforce.com (Setup > My Domain shows it)", run.Output);
        Assert.Contains("[skip] client secret", run.Output);
        Assert.DoesNotContain("[skip] private key", run.Output);
        Assert.Equal(0, org.Host.LoginCount(CliOrg.RunAsUser));
    }

    [Fact]
    public async Task Doctor_ClientCredentialsWithAPrivateKeyAndNoSecret_SaysWhichVariablesBelongToWhichFlow()
    {
        await using var org = await CliOrg.StartClientCredentialsAsync();
        org.Session.Environment.Remove("FORCELINK_CLIENT_SECRET_FILE");
        org.Session.Environment["FORCELINK_PRIVATE_KEY_FILE"] = org.KeyFile;

        var run = await org.RunAsync("doctor");

        AssertFailedAt(run, DoctorCommand.ConfigurationCheck, "The client secret is not configured: set exactly one of FORCELINK_CLIENT_SECRET_SECRET_ID");
        Assert.Contains("FORCELINK_PRIVATE_KEY_FILE belongs to the JWT bearer flow (FORCELINK_AUTH=jwt)", run.Output);
        Assert.Contains("2 problems", run.Output);
    }

    [Fact]
    public async Task Doctor_JwtWithAClientSecretSet_SaysItBelongsToClientCredentials()
    {
        await using var org = await CliOrg.StartAsync();
        org.Session.Environment["FORCELINK_CLIENT_SECRET"] = CliOrg.ClientSecret;

        var run = await org.RunAsync("doctor");

        AssertFailedAt(run, DoctorCommand.ConfigurationCheck, "FORCELINK_CLIENT_SECRET belongs to the client credentials flow");
        AssertNoSecret(run);
    }

    private static void AssertNoSecret(CliRun run)
    {
        Assert.DoesNotContain(CliOrg.ClientSecret, run.Output + run.Error);
        Assert.DoesNotContain(CliOrg.ClientSecret[..10], run.Output + run.Error);
    }

    private static void AssertFailedAt(CliRun run, string check, string expected)
    {
        Assert.True(run.ExitCode == ExitCodes.DoctorFailed, run.ToString());
        var lines = run.Output.Split('\n');
        var failed = lines.Where(l => l.StartsWith("[FAIL]", StringComparison.Ordinal)).ToList();
        Assert.True(failed.Count == 1, run.ToString());
        Assert.StartsWith($"[FAIL] {check}", failed[0]);
        var index = Array.FindIndex(lines, l => l.StartsWith("[FAIL]", StringComparison.Ordinal));
        Assert.All(lines.Skip(index + 1).Where(l => l.StartsWith('[')), l => Assert.StartsWith("[skip]", l));
        Assert.Contains(expected, run.Output);
    }

    private static (RsaSigningKey Key, string CertificatePem) NewPair(TimeSpan validity)
    {
        var key = RsaSigningKey.Generate();
        using var certificate = key.CreateSelfSignedCertificate("CN=other", TimeProvider.System.GetUtcNow().AddDays(-1), validity);
        return (key, SalesforceCertificate.ExportPem(certificate));
    }
}
