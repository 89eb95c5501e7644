using Forcelink.Cli.Commands;
using Forcelink.Lambda.Configuration;
using Forcelink.Aws;

namespace Forcelink.IntegrationTests.Cli;

/// <summary>
/// <c>forcelink doctor</c> and the function's start read the shared settings through one reader, so for every value in
/// this table they must agree: both accept it, or both refuse it naming the same setting.
/// </summary>
public sealed class SettingsAgreementTests
{
    // (setting, value, valid); null removes the setting. Each row changes one setting of a working configuration.
    public static readonly TheoryData<string, string?, bool> Rows = new()
    {
        { "FORCELINK_LOGIN_URL", null, true },
        { "FORCELINK_LOGIN_URL", "login.salesforce.com", false },
        { "FORCELINK_LOGIN_URL", "https://acme.lightning.force.com", false },
        { "FORCELINK_LOGIN_URL", "http://login.salesforce.com", false },
        { "FORCELINK_CONSUMER_KEY", null, false },
        { "FORCELINK_USERNAME", null, false },
        { "FORCELINK_USERNAME", "integration", false },
        { "FORCELINK_AUDIENCE", "https://login.salesforce.com", true },
        { "FORCELINK_API_VERSION", "62.0", true },
        { "FORCELINK_API_VERSION", "v62", false },
        { "FORCELINK_API_VERSION", "62", false },
        { "FORCELINK_API_VERSION", "19.0", false },
        { "FORCELINK_TOKEN_LIFETIME_MINUTES", "15", true },
        { "FORCELINK_TOKEN_LIFETIME_MINUTES", "abc", false },
        { "FORCELINK_TOKEN_LIFETIME_MINUTES", "0", false },
        { "FORCELINK_TOKEN_LIFETIME_MINUTES", "2000", false },
        { "FORCELINK_AUTH", "jwt", true },
        { "FORCELINK_AUTH", "saml", false },
        { "FORCELINK_PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----", false },
        { "FORCELINK_CLIENT_SECRET", "s3cret", false },
        { "FORCELINK_CLIENT_SECRET_IN_BODY", "true", false },
        { "FORCELINK_POLICY", """{"Lead":{"fields":["LastName","Company"]}}""", true },
        { "FORCELINK_POLICY", "{not json", false },
        { "FORCELINK_IDEMPOTENCY_FIELDS", "Lead.Forcelink_Key__c", true },
        { "FORCELINK_IDEMPOTENCY_FIELDS", "Account.Forcelink_Key__c", false },
        { "FORCELINK_IDEMPOTENCY_FIELDS", "Lead.A__c,Lead.B__c", false },
        { "FORCELINK_CERTIFICATE_WARNING_DAYS", "45", true },
        { "FORCELINK_CERTIFICATE_WARNING_DAYS", "-1", false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task DoctorAndFunction_AgreeOnEverySetting(string setting, string? value, bool valid)
    {
        await using var org = await CliOrg.StartAsync();
        if (value is null)
        {
            org.Session.Environment.Remove(setting);
        }
        else
        {
            org.Session.Environment[setting] = value;
        }

        var doctor = await org.RunAsync("doctor");
        var function = FunctionVerdict(org.Session.Environment);

        var doctorAccepts = doctor.Output.Contains($"[pass] {DoctorCommand.ConfigurationCheck}", StringComparison.Ordinal);
        Assert.True(doctorAccepts == valid, $"doctor {(doctorAccepts ? "accepted" : "refused")} {setting}={value}:\n{doctor}");
        Assert.True(function is null == valid, $"the function {(function is null ? "accepted" : "refused")} {setting}={value}: {function}");
        if (!valid)
        {
            Assert.Contains($"[FAIL] {DoctorCommand.ConfigurationCheck}", doctor.Output, StringComparison.Ordinal);
            Assert.Contains(setting, function, StringComparison.Ordinal);
            Assert.Contains(setting, doctor.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DoctorAndFunction_KeyInSecretsManager_ValidForBothAndTheCliSaysHowToFetchIt()
    {
        await using var org = await CliOrg.StartAsync();
        org.Session.Environment.Remove("FORCELINK_PRIVATE_KEY_FILE");
        org.Session.Environment["FORCELINK_PRIVATE_KEY_SECRET_ID"] = "forcelink/jwt-key";

        var doctor = await org.RunAsync("doctor");

        Assert.Null(FunctionVerdict(org.Session.Environment));
        Assert.Contains($"[pass] {DoctorCommand.ConfigurationCheck}", doctor.Output, StringComparison.Ordinal);
        Assert.Contains($"[FAIL] {DoctorCommand.KeyCheck}", doctor.Output, StringComparison.Ordinal);
        Assert.Contains("aws secretsmanager get-secret-value --secret-id forcelink/jwt-key", doctor.Output, StringComparison.Ordinal);
    }

    /// <summary>The function's start with the same settings (and the session token Lambda sets): null when it accepts them, else its message.</summary>
    private static string? FunctionVerdict(IReadOnlyDictionary<string, string> environment)
    {
        var variables = new Dictionary<string, string>(environment, StringComparer.Ordinal) { ["AWS_SESSION_TOKEN"] = "session-token" };
        try
        {
            FunctionOptions.FromEnvironment(variables.GetValueOrDefault);
            return null;
        }
        catch (FunctionConfigurationException e)
        {
            return e.Message;
        }
    }
}
