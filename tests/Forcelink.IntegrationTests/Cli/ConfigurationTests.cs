using Forcelink.Cli;

namespace Forcelink.IntegrationTests.Cli;

public sealed class ConfigurationTests
{
    [Fact]
    public async Task Login_NothingConfigured_ListsEveryProblemTogetherWithFixes()
    {
        using var session = new CliSession();

        var run = await session.RunAsync("login");

        Assert.Equal(ExitCodes.ConfigInvalid, run.ExitCode);
        Assert.Contains("3 problems", run.Error);
        Assert.Contains("FORCELINK_CONSUMER_KEY is not set", run.Error);
        Assert.Contains("FORCELINK_USERNAME is not set", run.Error);
        Assert.Contains("FORCELINK_PRIVATE_KEY_FILE", run.Error);
        Assert.Contains("forcelink keygen", run.Error);
    }

    [Theory]
    [InlineData("FORCELINK_PRIVATE_KEY_SECRET_ID", "forcelink/jwt-key", "aws secretsmanager get-secret-value --secret-id forcelink/jwt-key --query SecretString --output text > server.key")]
    [InlineData("FORCELINK_PRIVATE_KEY_PARAMETER", "/forcelink/jwt-key", "aws ssm get-parameter --name /forcelink/jwt-key --with-decryption --query Parameter.Value --output text > server.key")]
    public async Task Login_FunctionsAwsKeySetting_SaysHowToFetchTheKey(string variable, string value, string command)
    {
        using var session = new CliSession();
        session.Environment["FORCELINK_CONSUMER_KEY"] = "key";
        session.Environment["FORCELINK_USERNAME"] = "integration@example.com";
        session.Environment[variable] = value;

        var run = await session.RunAsync("login");

        Assert.Equal(ExitCodes.ConfigInvalid, run.ExitCode);
        Assert.Contains($"{variable} is valid for the function, which reads the key from AWS; the CLI does not read AWS", run.Error);
        Assert.Contains(command, run.Error);
    }

    [Fact]
    public async Task Login_SeveralWrongValues_ReportsThemAllAtOnce()
    {
        using var session = new CliSession();
        session.Environment["FORCELINK_LOGIN_URL"] = "https://example.lightning.force.com";
        session.Environment["FORCELINK_CONSUMER_KEY"] = "key";
        session.Environment["FORCELINK_USERNAME"] = "not-an-email";
        session.Environment["FORCELINK_PRIVATE_KEY"] = "x";
        session.Environment["FORCELINK_PRIVATE_KEY_FILE"] = "server.key";
        session.Environment["FORCELINK_API_VERSION"] = "v62";
        session.Environment["FORCELINK_POLICY"] = "{not json";

        var run = await session.RunAsync("login");

        Assert.Equal(ExitCodes.ConfigInvalid, run.ExitCode);
        Assert.Contains("5 problems", run.Error);
        Assert.Contains("FORCELINK_POLICY is not a valid policy", run.Error);
        Assert.Contains("Lightning URL", run.Error);
        Assert.Contains("not a Salesforce username", run.Error);
        Assert.Contains("The private key is configured 2 times (FORCELINK_PRIVATE_KEY, FORCELINK_PRIVATE_KEY_FILE): keep exactly one", run.Error);
        Assert.Contains("62.0", run.Error);
    }

    [Fact]
    public async Task Org_ProfileFromConfigFile_IsUsedAndItsKeysAreChecked()
    {
        using var session = new CliSession();
        await File.WriteAllTextAsync(session.PathOf("config.json"), """
            {
              // profiles, as documented in docs/cli.md
              "profiles": {
                "prod": { "loginUrl": "https://login.salesforce.com", "consumerKey": "k", "username": "u@example.com", "privateKeyFile": "missing.key" },
                "typo": { "loginURL": "https://login.salesforce.com", "username": 5 }
              }
            }
            """);
        session.Environment["FORCELINK_CONFIG"] = "config.json";

        var prod = await session.RunAsync("--org", "prod", "jwt", "mint");
        var typo = await session.RunAsync("--org", "typo", "login");
        var missing = await session.RunAsync("--org", "staging", "login");

        Assert.Equal(ExitCodes.ConfigInvalid, prod.ExitCode);
        Assert.Contains("missing.key", prod.Error);
        Assert.Equal(ExitCodes.ConfigInvalid, typo.ExitCode);
        Assert.Contains("2 problems", typo.Error);
        Assert.Contains("\"loginURL\" is not a profile setting", typo.Error);
        Assert.Contains("\"username\" must be a string", typo.Error);
        Assert.Equal(ExitCodes.ConfigInvalid, missing.ExitCode);
        Assert.Contains("no profile 'staging'", missing.Error);
    }

    [Fact]
    public async Task Org_EmulatorBeforeTheEmulatorEverRan_SaysToStartItFirst()
    {
        using var session = new CliSession();

        var run = await session.RunAsync("--org", "emulator", "jwt", "mint");

        Assert.Equal(ExitCodes.Unreachable, run.ExitCode);
        Assert.Contains("the emulator has not been started here yet", run.Error);
        Assert.Contains("Start it first with `forcelink emulator`", run.Error);
        Assert.Contains("forcelink/emulator/server.key", run.Error);
        Assert.DoesNotContain("(Parameter", run.Error);
    }

    [Fact]
    public async Task CertCheck_MissingKeyFile_SaysItDoesNotExist_WithoutTheParameterName()
    {
        using var session = new CliSession();

        var run = await session.RunAsync("cert", "check", "--key", "nowhere.key", "--cert", "nowhere.crt");

        Assert.Equal(ExitCodes.CertificateInvalid, run.ExitCode);
        Assert.Contains($"The private key file '{session.PathOf("nowhere.key")}' does not exist", run.Error);
        Assert.DoesNotContain("(Parameter", run.Error);
    }

    [Fact]
    public async Task PrivateKeyFileMissing_SaysItDoesNotExist_WithoutTheParameterName()
    {
        using var session = new CliSession();
        session.Environment["FORCELINK_CONSUMER_KEY"] = "3MVG9abc";
        session.Environment["FORCELINK_USERNAME"] = "integration@example.com";
        session.Environment["FORCELINK_PRIVATE_KEY_FILE"] = "missing/server.key";

        var run = await session.RunAsync("login");

        Assert.Equal(ExitCodes.ConfigInvalid, run.ExitCode);
        Assert.Equal($"error: The private key file '{session.PathOf("missing/server.key")}' does not exist: check the path, or create a key pair (forcelink keygen).", run.Error.Trim());
    }
}
