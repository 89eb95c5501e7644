using System.Globalization;
using System.Text.RegularExpressions;
using Forcelink.Authentication;
using Forcelink.Configuration;
using Forcelink.Operations;
using Forcelink.Aws;

namespace Forcelink.Lambda.Configuration;

/// <summary>
/// The function's settings, read from environment variables once at init. Every problem is reported together, each with
/// the variable to change and how; the library's own checks run too, named by their variable.
/// </summary>
internal sealed partial class FunctionOptions
{
    public const int DefaultExtensionPort = 2773;

    private FunctionOptions(ForcelinkSettings settings, int extensionPort, string? sessionToken, AwsCredentials? awsCredentials, string? awsRegion,
        FleetOptions fleet, Uri? failureQueueUrl)
    {
        Settings = settings;
        ExtensionPort = extensionPort;
        SessionToken = sessionToken;
        AwsCredentials = awsCredentials;
        AwsRegion = awsRegion;
        Fleet = fleet;
        FailureQueueUrl = failureQueueUrl;
    }

    /// <summary>The settings the function shares with the CLI, read by the library's one reader.</summary>
    public ForcelinkSettings Settings { get; }

    /// <summary>The login flow (<c>FORCELINK_AUTH</c>): the JWT bearer flow by default.</summary>
    public AuthFlow Flow => Settings.Flow;

    /// <summary>The JWT bearer settings; <see langword="null"/> with the client credentials flow.</summary>
    public JwtBearerCredentialOptions? Credential => Settings.Jwt;

    /// <summary>The client credentials settings, without the secret (read at init from <see cref="ClientSecret"/>).</summary>
    public ClientCredentialsCredentialOptions? ClientCredentials => Settings.ClientCredentials;

    /// <summary>The org's login URL (My Domain for the client credentials flow).</summary>
    public Uri LoginUrl => Settings.LoginUrl!;

    /// <summary>The app's consumer key.</summary>
    public string ConsumerKey => Settings.ConsumerKey!;

    /// <summary>The DynamoDB tables shared by the function's containers; both absent means in-memory only.</summary>
    public FleetOptions Fleet { get; }

    /// <summary>What callers may do (<c>FORCELINK_POLICY</c>); by default Lead and Case with their standard fields.</summary>
    public OperationPolicy Policy => Settings.Policy;

    /// <summary>Per object, the unique external id field keyed creates write to (<c>FORCELINK_IDEMPOTENCY_FIELDS</c>); see <see cref="OperationHandler.IdempotencyFields"/>.</summary>
    public IReadOnlyDictionary<string, string> IdempotencyFields => Settings.IdempotencyFields;

    /// <summary>
    /// Where poison SQS messages go with their error (<c>FORCELINK_FAILURE_QUEUE_URL</c>); <see langword="null"/> keeps
    /// them failed items, which the source queue's redrive policy moves to its dead-letter queue.
    /// </summary>
    public Uri? FailureQueueUrl { get; }

    /// <summary>The client settings from the environment; the composition root adds the clock, logging and transport.</summary>
    public SalesforceClientOptions Client => Settings.Client;

    /// <summary>Where the JWT signing key comes from; <see langword="null"/> with the client credentials flow.</summary>
    public SecretSource? PrivateKey => Settings.PrivateKey;

    /// <summary>Where the consumer secret comes from; <see langword="null"/> with the JWT bearer flow.</summary>
    public SecretSource? ClientSecret => Settings.ClientSecret;

    public string? PrivateKeyPassphrase => Settings.PrivateKeyPassphrase;

    /// <summary>Days before the stored certificate's expiry from which init logs a warning (<c>FORCELINK_CERTIFICATE_WARNING_DAYS</c>, default 30).</summary>
    public int CertificateWarningDays => Settings.CertificateWarningDays;

    /// <summary>The port of the AWS Parameters and Secrets Lambda Extension (<c>PARAMETERS_SECRETS_EXTENSION_HTTP_PORT</c>, default 2773).</summary>
    public int ExtensionPort { get; }

    /// <summary><c>AWS_SESSION_TOKEN</c>, which the extension requires as <c>X-Aws-Parameters-Secrets-Token</c>.</summary>
    public string? SessionToken { get; }

    /// <summary>The execution role's credentials, for reading the key or secret from the AWS API when the extension is absent.</summary>
    public AwsCredentials? AwsCredentials { get; }

    /// <summary><c>AWS_REGION</c> (or <c>AWS_DEFAULT_REGION</c>): where the secret or parameter lives.</summary>
    public string? AwsRegion { get; }

    /// <summary>Reads and validates the settings: the shared ones through the library's reader, then the function's AWS settings.</summary>
    /// <exception cref="FunctionConfigurationException">Something is missing or invalid; lists every problem.</exception>
    public static FunctionOptions FromEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        string? Read(string name) => getVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var settingErrors = new List<SettingError>();
        var settings = ForcelinkSettings.Read(getVariable, settingErrors);
        var errors = settingErrors.Select(e => e.ToString()).ToList();
        var fleet = ReadFleet(Read, errors);
        var sessionToken = Read(EnvironmentVariables.SessionToken);
        var awsCredentials = AwsCredentials.FromEnvironment(Read);
        var awsRegion = Read(EnvironmentVariables.Region) ?? Read(EnvironmentVariables.DefaultRegion);
        var port = DefaultExtensionPort;
        if (new[] { settings.PrivateKey, settings.ClientSecret }.FirstOrDefault(s => s?.Kind is SecretSourceKind.Secret or SecretSourceKind.Parameter) is { } awsSource)
        {
            if (sessionToken is null && awsCredentials is not null && awsRegion is null)
            {
                errors.Add($"{EnvironmentVariables.Region} is not set, and reading {awsSource.VariableName} from the AWS API needs the region it lives in: " +
                    "Lambda sets it; when running elsewhere, set it (such as eu-west-1).");
            }

            if (sessionToken is null && awsCredentials is null)
            {
                var fileVariable = awsSource == settings.ClientSecret ? SettingNames.ClientSecretFile : SettingNames.PrivateKeyFile;
                errors.Add($"Neither {EnvironmentVariables.SessionToken} nor {AwsCredentials.AccessKeyIdVariable} and {AwsCredentials.SecretAccessKeyVariable} are set, " +
                    $"so {awsSource.VariableName} cannot be read (through the Parameters and Secrets extension or the AWS API): Lambda sets them for the " +
                    $"execution role; when running elsewhere, set them or use {fileVariable}.");
            }

            if (Read(EnvironmentVariables.ExtensionPort) is { } portText
                && !(int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535))
            {
                errors.Add($"{EnvironmentVariables.ExtensionPort} '{portText}' is not a TCP port: leave it unset for the extension's default, {DefaultExtensionPort}.");
            }
        }

        var failureQueueUrl = ReadFailureQueueUrl(Read(EnvironmentVariables.FailureQueueUrl), awsCredentials, awsRegion, errors);
        if (errors.Count > 0)
        {
            throw new FunctionConfigurationException(errors);
        }

        return new FunctionOptions(settings, port, sessionToken, awsCredentials, awsRegion, fleet, failureQueueUrl);
    }

    /// <summary>A queue URL as SQS gives it (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME), and what sending to it needs.</summary>
    private static Uri? ReadFailureQueueUrl(string? text, AwsCredentials? awsCredentials, string? awsRegion, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        var variable = EnvironmentVariables.FailureQueueUrl;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
            || url.Query.Length > 0 || url.Fragment.Length > 0 || !QueuePathPattern().IsMatch(url.AbsolutePath))
        {
            // The session token travels in a header: never over plain HTTP off the machine.
            errors.Add($"{variable} '{text}' is not an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/forcelink-failures " +
                "(https://, then the account id and the queue name; http:// only for loopback): copy it from the queue's details, or leave it unset " +
                "to keep poison messages in their queue until its redrive policy moves them to its dead-letter queue.");
            return null;
        }

        if (awsCredentials is null)
        {
            errors.Add($"{variable} is set, but {AwsCredentials.AccessKeyIdVariable} and {AwsCredentials.SecretAccessKeyVariable} are not, so nothing can be sent to it: " +
                "Lambda sets them for the execution role; when running elsewhere, set them or unset the variable.");
        }

        if (awsRegion is null)
        {
            errors.Add($"{variable} is set, but {EnvironmentVariables.Region} is not: Lambda sets it; when running elsewhere, set it (such as eu-west-1).");
        }

        return url;
    }

    // /ACCOUNT/NAME: a 12-digit account id, then up to 80 letters, digits, '-' or '_' (a FIFO queue's name ends in .fifo).
    [GeneratedRegex(@"^/\d{12}/([A-Za-z0-9_\-]{1,80}|[A-Za-z0-9_\-]{1,75}\.fifo)$", RegexOptions.CultureInvariant)]
    private static partial Regex QueuePathPattern();

    private static FleetOptions ReadFleet(Func<string, string?> read, List<string> errors)
    {
        string? Table(string variable)
        {
            var name = read(variable);
            if (name is not null && !TableNamePattern().IsMatch(name))
            {
                errors.Add($"{variable} '{name}' is not a DynamoDB table name (3 to 255 letters, digits, '_', '-', '.') or table ARN: " +
                    "set it to the table the template creates, or leave it unset to keep tokens and idempotency in memory.");
                return null;
            }

            return name;
        }

        var tokenTable = Table(EnvironmentVariables.TokenTable);
        var idempotencyTable = Table(EnvironmentVariables.IdempotencyTable);
        var keyId = read(EnvironmentVariables.TokenKmsKeyId);
        if (keyId is not null && read(EnvironmentVariables.TokenTable) is null)
        {
            errors.Add($"{EnvironmentVariables.TokenKmsKeyId} is set but {EnvironmentVariables.TokenTable} is not: the key encrypts tokens stored in the token table; set both or neither.");
        }
        else if (keyId is not null && !KmsKeyPattern().IsMatch(keyId))
        {
            errors.Add($"{EnvironmentVariables.TokenKmsKeyId} '{keyId}' is not a KMS key id, key ARN, alias name (alias/...) or alias ARN.");
        }

        var functionName = read(EnvironmentVariables.FunctionName) ?? "forcelink";
        return new FleetOptions(tokenTable, keyId, idempotencyTable, functionName);
    }

    [GeneratedRegex(@"^([A-Za-z0-9_.\-]{3,255}|arn:aws[a-z\-]*:dynamodb:[a-z0-9\-]+:\d{12}:table/[A-Za-z0-9_.\-]{3,255})$", RegexOptions.CultureInvariant)]
    private static partial Regex TableNamePattern();

    [GeneratedRegex(@"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32}|alias/[A-Za-z0-9/_\-]{1,250}|arn:aws[a-z\-]*:kms:[a-z0-9\-]+:\d{12}:(key|alias)/[A-Za-z0-9/_\-]{1,250})$", RegexOptions.CultureInvariant)]
    private static partial Regex KmsKeyPattern();
}
