using Forcelink.Configuration;
using Forcelink.Lambda.Configuration;
using Forcelink.Tests.TestDoubles;
using Forcelink.Aws;

namespace Forcelink.Tests.Lambda;

public sealed class FunctionOptionsTests
{
    private static Dictionary<string, string?> ValidEnvironment() => new()
    {
        ["FORCELINK_LOGIN_URL"] = "https://login.salesforce.com",
        ["FORCELINK_CONSUMER_KEY"] = "3MVG9consumerkey",
        ["FORCELINK_USERNAME"] = "integration@example.com",
        ["FORCELINK_PRIVATE_KEY_SECRET_ID"] = "forcelink/jwt-key",
        ["AWS_SESSION_TOKEN"] = "session-token",
    };

    private static FunctionOptions Read(Dictionary<string, string?> environment) =>
        FunctionOptions.FromEnvironment(name => environment.GetValueOrDefault(name));

    private static IReadOnlyList<string> Errors(Dictionary<string, string?> environment) =>
        Assert.Throws<FunctionConfigurationException>(() => Read(environment)).Errors;

    [Fact]
    public void FromEnvironment_ValidSettings_BuildsLibraryOptions()
    {
        var environment = ValidEnvironment();
        environment["FORCELINK_AUDIENCE"] = "https://example.my.salesforce.com";
        environment["FORCELINK_API_VERSION"] = "62.0";
        environment["FORCELINK_TOKEN_LIFETIME_MINUTES"] = "15";
        environment["FORCELINK_PRIVATE_KEY_PASSPHRASE"] = " secret ";

        var options = Read(environment);

        Assert.Equal(new Uri("https://login.salesforce.com"), options.Credential!.LoginUrl);
        Assert.Equal("3MVG9consumerkey", options.Credential!.ConsumerKey);
        Assert.Equal("integration@example.com", options.Credential!.Username);
        Assert.Equal("https://example.my.salesforce.com", options.Credential!.Audience);
        Assert.Equal("62.0", options.Client.ApiVersion);
        Assert.Equal(TimeSpan.FromMinutes(15), options.Client.TokenLifetime);
        Assert.Equal(TimeSpan.FromMinutes(3), options.Client.TokenRefreshMargin);
        Assert.Equal(SecretSource.PrivateKey(SecretSourceKind.Secret, "forcelink/jwt-key"), options.PrivateKey);
        Assert.Equal(" secret ", options.PrivateKeyPassphrase);
        Assert.Equal(2773, options.ExtensionPort);
        Assert.Equal("session-token", options.SessionToken);
    }

    [Theory]
    [InlineData(null, 30)]
    [InlineData("45", 45)]
    [InlineData("0", 0)]
    public void FromEnvironment_CertificateWarningDays_DefaultsTo30(string? text, int expected)
    {
        var environment = ValidEnvironment();
        environment["FORCELINK_CERTIFICATE_WARNING_DAYS"] = text;

        Assert.Equal(expected, Read(environment).CertificateWarningDays);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("thirty")]
    [InlineData("4000")]
    public void FromEnvironment_CertificateWarningDaysInvalid_SaysTheRange(string text)
    {
        var environment = ValidEnvironment();
        environment["FORCELINK_CERTIFICATE_WARNING_DAYS"] = text;

        var error = Assert.Single(Errors(environment));
        Assert.StartsWith($"FORCELINK_CERTIFICATE_WARNING_DAYS '{text}' is not a number of days from 0 to 3650", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_OptionalSettingsUnset_UsesLibraryDefaults()
    {
        var options = Read(ValidEnvironment());

        Assert.Null(options.Credential!.Audience);
        Assert.Null(options.Client.ApiVersion);
        Assert.Equal(TimeSpan.FromHours(2), options.Client.TokenLifetime);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Client.TokenRefreshMargin);
        Assert.Null(options.PrivateKeyPassphrase);
    }

    [Fact]
    public void FromEnvironment_FleetTables_ReadWithFunctionName()
    {
        var environment = ValidEnvironment();
        environment["FORCELINK_TOKEN_TABLE"] = "forcelink-tokens";
        environment["FORCELINK_TOKEN_KMS_KEY_ID"] = "alias/forcelink-tokens";
        environment["FORCELINK_IDEMPOTENCY_TABLE"] = "arn:aws:dynamodb:eu-west-1:123456789012:table/forcelink-idempotency";
        environment["AWS_LAMBDA_FUNCTION_NAME"] = "forcelink-prod";

        var fleet = Read(environment).Fleet;

        Assert.Equal(new FleetOptions("forcelink-tokens", "alias/forcelink-tokens", "arn:aws:dynamodb:eu-west-1:123456789012:table/forcelink-idempotency", "forcelink-prod"), fleet);
    }

    [Fact]
    public void FromEnvironment_FleetUnset_InMemoryOnly()
    {
        Assert.Equal(new FleetOptions(null, null, null, "forcelink"), Read(ValidEnvironment()).Fleet);
    }

    [Fact]
    public void FromEnvironment_BadFleetSettings_ReportedWithTheOtherProblems()
    {
        var environment = ValidEnvironment();
        environment["FORCELINK_TOKEN_TABLE"] = "no spaces allowed";
        environment["FORCELINK_IDEMPOTENCY_TABLE"] = "x";
        environment["FORCELINK_TOKEN_KMS_KEY_ID"] = "not-a-key";
        environment["FORCELINK_LOGIN_URL"] = "login.salesforce.com";

        var errors = Errors(environment);

        Assert.Contains(errors, e => e.StartsWith("FORCELINK_TOKEN_TABLE 'no spaces allowed' is not a DynamoDB table name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("FORCELINK_IDEMPOTENCY_TABLE 'x'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("FORCELINK_TOKEN_KMS_KEY_ID 'not-a-key' is not a KMS key", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("FORCELINK_LOGIN_URL", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Forcelink_Key__c", "Case=Forcelink_Key__c;Lead=Forcelink_Key__c")]
    [InlineData("Lead.Forcelink_Key__c", "Lead=Forcelink_Key__c")]
    [InlineData(" Lead.Lead_Key__c , Case.Case_Key__c ", "Case=Case_Key__c;Lead=Lead_Key__c")]
    public void FromEnvironment_IdempotencyFields_PerObject(string value, string expected)
    {
        var environment = ValidEnvironment();
        environment["FORCELINK_IDEMPOTENCY_FIELDS"] = value;

        var fields = Read(environment).IdempotencyFields;

        Assert.Equal(expected, string.Join(";", fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}")));
    }

    [Theory]
    [InlineData("Account.Forcelink_Key__c", "names Account, which FORCELINK_POLICY does not allow")]
    [InlineData("Lead.Forcelink-Key", "'Lead.Forcelink-Key', which is not Object.Field")]
    [InlineData("Lead.A__c,Lead.B__c", "gives Lead two fields")]
    [InlineData("a.b.c", "'a.b.c', which is not Object.Field")]
    public void FromEnvironment_BadIdempotencyFields_Explained(string value, string expected)
    {
        var environment = ValidEnvironment();
        environment["FORCELINK_IDEMPOTENCY_FIELDS"] = value;

        Assert.Contains(Errors(environment), e => e.StartsWith("FORCELINK_IDEMPOTENCY_FIELDS", StringComparison.Ordinal) && e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void FromEnvironment_KmsKeyWithoutTokenTable_Refused()
    {
        var environment = ValidEnvironment();
        environment["FORCELINK_TOKEN_KMS_KEY_ID"] = "alias/forcelink-tokens";

        Assert.Contains(Errors(environment), e => e.StartsWith("FORCELINK_TOKEN_KMS_KEY_ID is set but FORCELINK_TOKEN_TABLE is not", StringComparison.Ordinal));
    }

    [Fact]
    public void FromEnvironment_NothingSet_ReportsEveryProblemTogether()
    {
        var exception = Assert.Throws<FunctionConfigurationException>(() => FunctionOptions.FromEnvironment(_ => null));

        Assert.Collection(
            exception.Errors,
            e => Assert.StartsWith("FORCELINK_CONSUMER_KEY is not set: copy the Consumer Key", e, StringComparison.Ordinal),
            e => Assert.StartsWith("FORCELINK_USERNAME is not set", e, StringComparison.Ordinal),
            e => Assert.StartsWith("The private key is not configured: set exactly one of FORCELINK_PRIVATE_KEY_SECRET_ID", e, StringComparison.Ordinal));
        Assert.StartsWith("The Forcelink function is misconfigured (3 problems): 1. FORCELINK_CONSUMER_KEY is not set", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_LoginUrlUnset_JwtUsesTheProductionLoginHost()
    {
        var environment = ValidEnvironment();
        environment.Remove("FORCELINK_LOGIN_URL");

        Assert.Equal(new Uri("https://login.salesforce.com"), Read(environment).LoginUrl);
    }

    [Theory]
    [InlineData("FORCELINK_CONSUMER_KEY", "FORCELINK_CONSUMER_KEY is not set")]
    [InlineData("FORCELINK_USERNAME", "FORCELINK_USERNAME is not set")]
    [InlineData("FORCELINK_PRIVATE_KEY_SECRET_ID", "The private key is not configured")]
    public void FromEnvironment_RequiredVariableMissing_NamesIt(string variable, string expected)
    {
        var environment = ValidEnvironment();
        environment[variable] = "  ";

        var error = Assert.Single(Errors(environment));

        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FORCELINK_LOGIN_URL", "login.salesforce.com", "FORCELINK_LOGIN_URL 'login.salesforce.com' is not an absolute URL")]
    [InlineData("FORCELINK_LOGIN_URL", "http://login.salesforce.com", "FORCELINK_LOGIN_URL 'http://login.salesforce.com/' must use https")]
    [InlineData("FORCELINK_LOGIN_URL", "https://acme.lightning.force.com", "FORCELINK_LOGIN_URL 'https://acme.lightning.force.com/' is a Lightning URL")]
    [InlineData("FORCELINK_USERNAME", "integration", "FORCELINK_USERNAME 'integration' is not a Salesforce username")]
    [InlineData("FORCELINK_API_VERSION", "v62", "FORCELINK_API_VERSION 'v62' is not a REST API version")]
    [InlineData("FORCELINK_TOKEN_LIFETIME_MINUTES", "fifteen", "FORCELINK_TOKEN_LIFETIME_MINUTES 'fifteen' is not a whole number of minutes")]
    [InlineData("FORCELINK_TOKEN_LIFETIME_MINUTES", "0", "FORCELINK_TOKEN_LIFETIME_MINUTES '0' is not a whole number of minutes")]
    [InlineData("FORCELINK_TOKEN_LIFETIME_MINUTES", "2000", "FORCELINK_TOKEN_LIFETIME_MINUTES '2000' is not a whole number of minutes from 1 to 1440")]
    [InlineData("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "70000", "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT '70000' is not a TCP port")]
    public void FromEnvironment_InvalidValue_ExplainsTheFix(string variable, string value, string expected)
    {
        var environment = ValidEnvironment();
        environment[variable] = value;

        var error = Assert.Single(Errors(environment));

        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_SeveralKeySources_OneErrorNamingThem()
    {
        var environment = ValidEnvironment();
        environment["FORCELINK_PRIVATE_KEY"] = "-----BEGIN PRIVATE KEY-----\nMIIEvQ...\n-----END PRIVATE KEY-----";
        environment["FORCELINK_PRIVATE_KEY_FILE"] = "/var/task/server.key";

        var error = Assert.Single(Errors(environment));

        Assert.Equal(
            "The private key is configured 3 times (FORCELINK_PRIVATE_KEY, FORCELINK_PRIVATE_KEY_FILE, FORCELINK_PRIVATE_KEY_SECRET_ID): " +
            "keep exactly one of them and remove the others.",
            error);
        Assert.DoesNotContain("BEGIN", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FORCELINK_PRIVATE_KEY", "Text")]
    [InlineData("FORCELINK_PRIVATE_KEY_FILE", "File")]
    [InlineData("FORCELINK_PRIVATE_KEY_SECRET_ID", "Secret")]
    [InlineData("FORCELINK_PRIVATE_KEY_PARAMETER", "Parameter")]
    public void FromEnvironment_EachKeySource_IsRecognised(string variable, string kind)
    {
        var environment = ValidEnvironment();
        environment.Remove("FORCELINK_PRIVATE_KEY_SECRET_ID");
        environment[variable] = "value";

        Assert.Equal(Enum.Parse<SecretSourceKind>(kind), Read(environment).PrivateKey!.Kind);
    }

    [Fact]
    public void FromEnvironment_SecretWithoutAnyAwsCredentials_AsksForThem()
    {
        var environment = ValidEnvironment();
        environment.Remove("AWS_SESSION_TOKEN");

        var error = Assert.Single(Errors(environment));

        Assert.StartsWith("Neither AWS_SESSION_TOKEN nor AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set, so FORCELINK_PRIVATE_KEY_SECRET_ID cannot be read", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_SecretWithRoleKeysAndRegionButNoSessionToken_ReadsThroughTheApi()
    {
        var environment = ValidEnvironment();
        environment.Remove("AWS_SESSION_TOKEN");
        environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        environment["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        environment["AWS_DEFAULT_REGION"] = "eu-west-1";

        var options = Read(environment);

        Assert.Null(options.SessionToken);
        Assert.Equal(new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null), options.AwsCredentials);
        Assert.Equal("eu-west-1", options.AwsRegion);
        Assert.DoesNotContain("wJalr", options.AwsCredentials!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_SecretWithRoleKeysButNoRegion_AsksForTheRegion()
    {
        var environment = ValidEnvironment();
        environment.Remove("AWS_SESSION_TOKEN");
        environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        environment["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

        var error = Assert.Single(Errors(environment));

        Assert.StartsWith("AWS_REGION is not set, and reading FORCELINK_PRIVATE_KEY_SECRET_ID from the AWS API needs the region", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_SeveralProblems_ListsThemAllWithoutSecrets()
    {
        var environment = ValidEnvironment();
        environment["FORCELINK_CONSUMER_KEY"] = null;
        environment["FORCELINK_API_VERSION"] = "latest";
        environment["FORCELINK_PRIVATE_KEY"] = TestKeys.PrimaryPkcs8Pem;

        var exception = Assert.Throws<FunctionConfigurationException>(() => Read(environment));

        Assert.Equal(3, exception.Errors.Count);
        Assert.DoesNotContain("PRIVATE KEY-----", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("session-token", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrivateKeySource_ToString_NeverShowsInlineKey()
    {
        var source = SecretSource.PrivateKey(SecretSourceKind.Text, TestKeys.PrimaryPkcs8Pem);

        Assert.Equal($"FORCELINK_PRIVATE_KEY (inline, {TestKeys.PrimaryPkcs8Pem.Length} characters)", source.ToString());
    }

    private static Dictionary<string, string?> ClientCredentialsEnvironment() => new()
    {
        ["FORCELINK_AUTH"] = "client_credentials",
        ["FORCELINK_LOGIN_URL"] = "https://example.my.salesforce.com",
        ["FORCELINK_CONSUMER_KEY"] = "3MVG9consumerkey",
        ["FORCELINK_CLIENT_SECRET_SECRET_ID"] = "forcelink/client-secret",
        ["AWS_SESSION_TOKEN"] = "session-token",
    };

    [Theory]
    [InlineData("FORCELINK_CLIENT_SECRET", "Text")]
    [InlineData("FORCELINK_CLIENT_SECRET_FILE", "File")]
    [InlineData("FORCELINK_CLIENT_SECRET_SECRET_ID", "Secret")]
    [InlineData("FORCELINK_CLIENT_SECRET_PARAMETER", "Parameter")]
    public void FromEnvironment_ClientCredentialsWithEachSecretSource_BuildsClientCredentialsOptions(string variable, string kind)
    {
        var environment = ClientCredentialsEnvironment();
        environment.Remove("FORCELINK_CLIENT_SECRET_SECRET_ID");
        environment[variable] = "value";

        var options = Read(environment);

        Assert.Equal(AuthFlow.ClientCredentials, options.Flow);
        Assert.Null(options.Credential);
        Assert.Null(options.PrivateKey);
        Assert.Equal(new Uri("https://example.my.salesforce.com"), options.ClientCredentials!.LoginUrl);
        Assert.Equal("3MVG9consumerkey", options.ClientCredentials.ConsumerKey);
        Assert.Null(options.ClientCredentials.ConsumerSecret);
        Assert.True(options.ClientCredentials.SendCredentialsInBody);
        Assert.Equal(SecretSource.ClientSecret(Enum.Parse<SecretSourceKind>(kind), "value"), options.ClientSecret);
        Assert.Equal(variable, options.ClientSecret!.VariableName);
    }

    [Theory]
    [InlineData(null, "Jwt")]
    [InlineData("jwt", "Jwt")]
    [InlineData("JWT", "Jwt")]
    [InlineData("client_credentials", "ClientCredentials")]
    public void FromEnvironment_Auth_ChoosesTheFlow(string? auth, string expected)
    {
        var flow = Enum.Parse<AuthFlow>(expected);
        var environment = flow == AuthFlow.Jwt ? ValidEnvironment() : ClientCredentialsEnvironment();
        environment["FORCELINK_AUTH"] = auth;

        Assert.Equal(flow, Read(environment).Flow);
    }

    [Fact]
    public void FromEnvironment_UnknownAuth_NamesTheFlows()
    {
        var environment = ValidEnvironment();
        environment["FORCELINK_AUTH"] = "password";

        var error = Assert.Single(Errors(environment));

        Assert.StartsWith("FORCELINK_AUTH 'password' is not a login flow: use jwt", error, StringComparison.Ordinal);
        Assert.Contains("client_credentials", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_ClientCredentialsWithAPrivateKeyAndNoSecret_SaysWhichVariablesBelongToWhichFlow()
    {
        var environment = ClientCredentialsEnvironment();
        environment.Remove("FORCELINK_CLIENT_SECRET_SECRET_ID");
        environment["FORCELINK_PRIVATE_KEY_FILE"] = "/var/task/server.key";
        environment["FORCELINK_USERNAME"] = "integration@example.com";

        var errors = Errors(environment);

        Assert.Collection(
            errors,
            e => Assert.StartsWith("The client secret is not configured: set exactly one of FORCELINK_CLIENT_SECRET_SECRET_ID", e, StringComparison.Ordinal),
            e => Assert.StartsWith("FORCELINK_USERNAME belongs to the JWT bearer flow (FORCELINK_AUTH=jwt): with FORCELINK_AUTH=client_credentials the token is for the app's Run As user", e, StringComparison.Ordinal),
            e => Assert.StartsWith("FORCELINK_PRIVATE_KEY_FILE belongs to the JWT bearer flow (FORCELINK_AUTH=jwt)", e, StringComparison.Ordinal));
    }

    [Fact]
    public void FromEnvironment_JwtWithAClientSecret_SaysItBelongsToClientCredentials()
    {
        var environment = ValidEnvironment();
        environment["FORCELINK_CLIENT_SECRET"] = "Sup3rSecretClientValue";

        var error = Assert.Single(Errors(environment));

        Assert.StartsWith("FORCELINK_CLIENT_SECRET belongs to the client credentials flow (FORCELINK_AUTH=client_credentials): with FORCELINK_AUTH=jwt (the default) remove it", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3rSecret", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://login.salesforce.com", "is the generic login host")]
    [InlineData("https://test.salesforce.com", "is the generic login host")]
    [InlineData("https://example.lightning.force.com", "is a Lightning URL")]
    [InlineData("https://example.com", "is not a My Domain host")]
    public void FromEnvironment_ClientCredentialsOnAGenericHost_RefusedWithTheMyDomainFix(string loginUrl, string expected)
    {
        var environment = ClientCredentialsEnvironment();
        environment["FORCELINK_LOGIN_URL"] = loginUrl;

        var error = Assert.Single(Errors(environment));

        Assert.StartsWith($"FORCELINK_LOGIN_URL '{loginUrl}", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("https://<mydomain>.my.salesforce.com (Setup > My Domain shows it)", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_ClientCredentialsNothingSet_ReportsEveryProblemTogether()
    {
        var errors = Errors(new Dictionary<string, string?> { ["FORCELINK_AUTH"] = "client_credentials", ["FORCELINK_CLIENT_SECRET_IN_BODY"] = "yes" });

        Assert.Collection(
            errors,
            e => Assert.StartsWith("FORCELINK_LOGIN_URL is not set: the client credentials flow works only on the org's My Domain", e, StringComparison.Ordinal),
            e => Assert.StartsWith("FORCELINK_CLIENT_SECRET_IN_BODY 'yes' is not true or false", e, StringComparison.Ordinal),
            e => Assert.StartsWith("FORCELINK_CONSUMER_KEY is not set", e, StringComparison.Ordinal),
            e => Assert.StartsWith("The client secret is not configured", e, StringComparison.Ordinal));
    }

    [Fact]
    public void FromEnvironment_ClientCredentialsSecretInBodyFalse_SendsHttpBasic()
    {
        var environment = ClientCredentialsEnvironment();
        environment["FORCELINK_CLIENT_SECRET_IN_BODY"] = "false";

        Assert.False(Read(environment).ClientCredentials!.SendCredentialsInBody);
    }

    [Fact]
    public void FromEnvironment_ClientSecretInAwsWithoutAnyAwsCredentials_NamesTheSecretVariable()
    {
        var environment = ClientCredentialsEnvironment();
        environment.Remove("AWS_SESSION_TOKEN");

        var error = Assert.Single(Errors(environment));

        Assert.StartsWith("Neither AWS_SESSION_TOKEN nor AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set, so FORCELINK_CLIENT_SECRET_SECRET_ID cannot be read", error, StringComparison.Ordinal);
        Assert.EndsWith("or use FORCELINK_CLIENT_SECRET_FILE.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientSecretSource_ToString_NeverShowsInlineSecret()
    {
        var source = SecretSource.ClientSecret(SecretSourceKind.Text, "Sup3rSecretClientValue");

        Assert.Equal("FORCELINK_CLIENT_SECRET (inline, 22 characters)", source.ToString());
    }

    [Fact]
    public void FromEnvironment_FailureQueueUnset_PoisonStaysInItsQueue()
    {
        Assert.Null(Read(ValidEnvironment()).FailureQueueUrl);
    }

    [Theory]
    [InlineData("https://sqs.eu-west-1.amazonaws.com/123456789012/forcelink-failures")]
    [InlineData("https://sqs.eu-west-1.amazonaws.com/123456789012/forcelink-failures.fifo")]
    [InlineData("http://127.0.0.1:9324/000000000000/failures")]
    public void FromEnvironment_FailureQueueUrl_Read(string url)
    {
        var environment = WithAwsCredentials(ValidEnvironment());
        environment["FORCELINK_FAILURE_QUEUE_URL"] = $" {url} ";

        Assert.Equal(new Uri(url), Read(environment).FailureQueueUrl);
    }

    [Theory]
    [InlineData("forcelink-failures")]
    [InlineData("arn:aws:sqs:eu-west-1:123456789012:forcelink-failures")]
    [InlineData("http://sqs.eu-west-1.amazonaws.com/123456789012/forcelink-failures")]
    [InlineData("https://sqs.eu-west-1.amazonaws.com/forcelink-failures")]
    [InlineData("https://sqs.eu-west-1.amazonaws.com/123456789012/forcelink failures")]
    [InlineData("https://sqs.eu-west-1.amazonaws.com/123456789012/forcelink-failures?x=1")]
    public void FromEnvironment_FailureQueueUrlNotAQueueUrl_ReportedWithTheOtherProblems(string url)
    {
        var environment = WithAwsCredentials(ValidEnvironment());
        environment["FORCELINK_FAILURE_QUEUE_URL"] = url;
        environment["FORCELINK_TOKEN_TABLE"] = "x";

        var errors = Errors(environment);

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith($"FORCELINK_FAILURE_QUEUE_URL '{url}' is not an SQS queue URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("FORCELINK_TOKEN_TABLE", StringComparison.Ordinal));
    }

    [Fact]
    public void FromEnvironment_FailureQueueWithoutAwsCredentialsOrRegion_AsksForThem()
    {
        var environment = ValidEnvironment();
        environment["FORCELINK_FAILURE_QUEUE_URL"] = "https://sqs.eu-west-1.amazonaws.com/123456789012/forcelink-failures";

        var errors = Errors(environment);

        Assert.Contains(errors, e => e.StartsWith("FORCELINK_FAILURE_QUEUE_URL is set, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("FORCELINK_FAILURE_QUEUE_URL is set, but AWS_REGION is not", StringComparison.Ordinal));
    }

    private static Dictionary<string, string?> WithAwsCredentials(Dictionary<string, string?> environment)
    {
        environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        environment["AWS_SECRET_ACCESS_KEY"] = "secret";
        environment["AWS_REGION"] = "eu-west-1";
        return environment;
    }
}
