using System.Globalization;
using System.Text.RegularExpressions;
using Forcelink.Authentication;
using Forcelink.Operations;

namespace Forcelink.Lambda.Configuration;

/// <summary>
/// The function's settings, read from environment variables once at init. Every problem is reported together, each with
/// the variable to change and how; the library's own checks run too, named by their variable.
/// </summary>
internal sealed partial class FunctionOptions
{
    public const int DefaultExtensionPort = 2773;
    public const int DefaultCertificateWarningDays = 30;

    // The library reports problems by property name; the function's users know the variables.
    private static readonly (string Property, string Variable)[] PropertyVariables =
    [
        ("ConsumerKey", EnvironmentVariables.ConsumerKey),
        ("Username", EnvironmentVariables.Username),
        ("LoginUrl", EnvironmentVariables.LoginUrl),
        ("Audience", EnvironmentVariables.Audience),
        ("ApiVersion", EnvironmentVariables.ApiVersion),
        ("TokenLifetime", EnvironmentVariables.TokenLifetimeMinutes),
        ("TokenRefreshMargin", EnvironmentVariables.TokenLifetimeMinutes),
    ];

    private FunctionOptions(
        AuthFlow flow,
        JwtBearerCredentialOptions? credential,
        ClientCredentialsCredentialOptions? clientCredentials,
        SalesforceClientOptions client,
        SecretSource? privateKey,
        SecretSource? clientSecret,
        string? passphrase,
        int extensionPort,
        string? sessionToken,
        AwsCredentials? awsCredentials,
        string? awsRegion,
        OperationPolicy policy,
        IReadOnlyDictionary<string, string> idempotencyFields,
        FleetOptions fleet,
        Uri? failureQueueUrl)
    {
        Flow = flow;
        FailureQueueUrl = failureQueueUrl;
        IdempotencyFields = idempotencyFields;
        Fleet = fleet;
        Policy = policy;
        Credential = credential;
        ClientCredentials = clientCredentials;
        Client = client;
        PrivateKey = privateKey;
        ClientSecret = clientSecret;
        PrivateKeyPassphrase = passphrase;
        ExtensionPort = extensionPort;
        SessionToken = sessionToken;
        AwsCredentials = awsCredentials;
        AwsRegion = awsRegion;
    }

    /// <summary>The login flow (<c>FORCELINK_AUTH</c>): the JWT bearer flow by default.</summary>
    public AuthFlow Flow { get; }

    /// <summary>The JWT bearer settings; <see langword="null"/> with the client credentials flow.</summary>
    public JwtBearerCredentialOptions? Credential { get; }

    /// <summary>The client credentials settings, without the secret (read at init from <see cref="ClientSecret"/>);
    /// <see langword="null"/> with the JWT bearer flow.</summary>
    public ClientCredentialsCredentialOptions? ClientCredentials { get; }

    /// <summary>The org's login URL (My Domain for the client credentials flow).</summary>
    public Uri LoginUrl => Credential?.LoginUrl ?? ClientCredentials!.LoginUrl!;

    /// <summary>The app's consumer key.</summary>
    public string ConsumerKey => Credential?.ConsumerKey ?? ClientCredentials!.ConsumerKey!;

    /// <summary>The DynamoDB tables shared by the function's containers; both absent means in-memory only.</summary>
    public FleetOptions Fleet { get; }

    /// <summary>What callers may do (<c>FORCELINK_POLICY</c>); by default Lead and Case with their standard fields.</summary>
    public OperationPolicy Policy { get; }

    /// <summary>Per object, the unique external id field keyed creates write to (<c>FORCELINK_IDEMPOTENCY_FIELDS</c>); see <see cref="OperationHandler.IdempotencyFields"/>.</summary>
    public IReadOnlyDictionary<string, string> IdempotencyFields { get; }

    /// <summary>
    /// Where poison SQS messages go with their error (<c>FORCELINK_FAILURE_QUEUE_URL</c>); <see langword="null"/> keeps
    /// them failed items, which the source queue's redrive policy moves to its dead-letter queue.
    /// </summary>
    public Uri? FailureQueueUrl { get; }

    /// <summary>The client settings from the environment; the composition root adds the clock, logging and transport.</summary>
    public SalesforceClientOptions Client { get; }

    /// <summary>Where the JWT signing key comes from; <see langword="null"/> with the client credentials flow.</summary>
    public SecretSource? PrivateKey { get; }

    /// <summary>Where the consumer secret comes from; <see langword="null"/> with the JWT bearer flow.</summary>
    public SecretSource? ClientSecret { get; }

    public string? PrivateKeyPassphrase { get; }

    /// <summary>Days before the stored certificate's expiry from which init logs a warning (<c>FORCELINK_CERTIFICATE_WARNING_DAYS</c>, default 30).</summary>
    public int CertificateWarningDays { get; private init; } = DefaultCertificateWarningDays;

    /// <summary>The port of the AWS Parameters and Secrets Lambda Extension (<c>PARAMETERS_SECRETS_EXTENSION_HTTP_PORT</c>, default 2773).</summary>
    public int ExtensionPort { get; }

    /// <summary><c>AWS_SESSION_TOKEN</c>, which the extension requires as <c>X-Aws-Parameters-Secrets-Token</c>.</summary>
    public string? SessionToken { get; }

    /// <summary>The execution role's credentials, for reading the key or secret from the AWS API when the extension is absent.</summary>
    public AwsCredentials? AwsCredentials { get; }

    /// <summary><c>AWS_REGION</c> (or <c>AWS_DEFAULT_REGION</c>): where the secret or parameter lives.</summary>
    public string? AwsRegion { get; }

    /// <summary>Reads and validates the settings.</summary>
    /// <exception cref="FunctionConfigurationException">Something is missing or invalid; lists every problem.</exception>
    public static FunctionOptions FromEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        string? Read(string name) => getVariable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var errors = new List<string>();
        var flow = ReadFlow(Read(EnvironmentVariables.Auth), errors);
        Uri? loginUrl = null;
        switch (Read(EnvironmentVariables.LoginUrl))
        {
            case null:
                errors.Add(flow == AuthFlow.ClientCredentials
                    ? $"{EnvironmentVariables.LoginUrl} is required: the client credentials flow works only on the org's My Domain; " +
                        "use your My Domain URL, https://<mydomain>.my.salesforce.com (Setup > My Domain shows it)."
                    : $"{EnvironmentVariables.LoginUrl} is required: https://login.salesforce.com for production and Developer Edition, " +
                        "https://test.salesforce.com for sandboxes, or your My Domain URL (https://<mydomain>.my.salesforce.com).");
                break;
            case var text when Uri.TryCreate(text, UriKind.Absolute, out var parsed):
                loginUrl = parsed;
                break;
            case var text:
                errors.Add($"{EnvironmentVariables.LoginUrl} '{text}' is not an absolute URL: write it with its scheme, such as https://login.salesforce.com.");
                break;
        }

        JwtBearerCredentialOptions? credential = null;
        ClientCredentialsCredentialOptions? clientCredentials = null;
        IReadOnlyList<string> credentialErrors;
        if (flow == AuthFlow.ClientCredentials)
        {
            clientCredentials = new ClientCredentialsCredentialOptions
            {
                LoginUrl = loginUrl,
                ConsumerKey = Read(EnvironmentVariables.ConsumerKey),
                SendCredentialsInBody = ReadBoolean(Read(EnvironmentVariables.ClientSecretInBody), EnvironmentVariables.ClientSecretInBody, errors),
            };

            // The secret is read at init, from wherever it lives; only the rest can be checked now.
            credentialErrors = [.. new ClientCredentialsCredentialOptions
                {
                    LoginUrl = loginUrl, ConsumerKey = clientCredentials.ConsumerKey, ConsumerSecret = "read-at-init",
                }.Validate()
                .Where(e => loginUrl is not null || !e.StartsWith("LoginUrl ", StringComparison.Ordinal))];
        }
        else
        {
            credential = new JwtBearerCredentialOptions
            {
                ConsumerKey = Read(EnvironmentVariables.ConsumerKey),
                Username = Read(EnvironmentVariables.Username),
                Audience = Read(EnvironmentVariables.Audience),
            };
            if (loginUrl is not null)
            {
                credential.LoginUrl = loginUrl;
            }

            credentialErrors = credential.Validate();
        }

        var client = new SalesforceClientOptions { ApiVersion = Read(EnvironmentVariables.ApiVersion) };
        if (Read(EnvironmentVariables.TokenLifetimeMinutes) is { } lifetimeText)
        {
            if (int.TryParse(lifetimeText, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes > 0)
            {
                client.TokenLifetime = TimeSpan.FromMinutes(minutes);

                // Renew ahead of time, but never so early that a short session is renewed on every call.
                var margin = client.TokenLifetime / 5;
                client.TokenRefreshMargin = margin < client.TokenRefreshMargin ? margin : client.TokenRefreshMargin;
            }
            else
            {
                errors.Add($"{EnvironmentVariables.TokenLifetimeMinutes} '{lifetimeText}' is not a whole number of minutes: set the session timeout " +
                    "of the connected app (Setup > App Manager > Manage > Edit Policies > Timeout Value), such as 15, or leave it unset for 120.");
            }
        }

        foreach (var error in credentialErrors.Concat(client.Validate()))
        {
            var variable = PropertyVariables.FirstOrDefault(p => error.StartsWith(p.Property + " ", StringComparison.Ordinal)).Variable;
            errors.Add(variable is null ? error : $"{variable}: {error}");
        }

        var policy = OperationPolicy.Default;
        if (Read(EnvironmentVariables.Policy) is { } policyText)
        {
            try
            {
                policy = OperationPolicy.Parse(policyText);
            }
            catch (ArgumentException e)
            {
                errors.Add($"{EnvironmentVariables.Policy}: {e.Message} Leave it unset to allow Lead and Case with their standard fields.");
            }
        }

        var idempotencyFields = ReadIdempotencyFields(Read(EnvironmentVariables.IdempotencyFields), policy, errors);
        var fleet = ReadFleet(Read, errors);
        SecretSource? privateKey = null;
        SecretSource? clientSecret = null;
        if (flow == AuthFlow.ClientCredentials)
        {
            clientSecret = ReadSecretSource(Read, SecretSource.ClientSecret, errors, "The client secret is not configured: set exactly one of " +
                $"{EnvironmentVariables.ClientSecretSecretId} (recommended: a Secrets Manager secret holding the app's Consumer Secret), " +
                $"{EnvironmentVariables.ClientSecretParameter} (an SSM SecureString parameter), " +
                $"{EnvironmentVariables.ClientSecretFile} (a path in the deployment package) or " +
                $"{EnvironmentVariables.ClientSecret} (the secret itself).");
            errors.AddRange(OtherFlowVariables(Read, JwtOnlyVariables, "the JWT bearer flow (FORCELINK_AUTH=jwt)",
                $"with {EnvironmentVariables.Auth}=client_credentials the token is for the app's Run As user and no key signs anything; remove it, or set {EnvironmentVariables.Auth}=jwt"));
        }
        else
        {
            privateKey = ReadSecretSource(Read, SecretSource.PrivateKey, errors, "The private key is not configured: set exactly one of " +
                $"{EnvironmentVariables.PrivateKeySecretId} (recommended: a Secrets Manager secret holding the PEM of server.key), " +
                $"{EnvironmentVariables.PrivateKeyParameter} (an SSM SecureString parameter), " +
                $"{EnvironmentVariables.PrivateKeyFile} (a path in the deployment package) or " +
                $"{EnvironmentVariables.PrivateKey} (the PEM text itself, or its base64).");
            errors.AddRange(OtherFlowVariables(Read, ClientCredentialsOnlyVariables, "the client credentials flow (FORCELINK_AUTH=client_credentials)",
                $"with {EnvironmentVariables.Auth}=jwt (the default) remove it, or set {EnvironmentVariables.Auth}=client_credentials"));
        }

        var certificateWarningDays = ReadCertificateWarningDays(Read(EnvironmentVariables.CertificateWarningDays), errors);
        var sessionToken = Read(EnvironmentVariables.SessionToken);
        var awsCredentials = AwsCredentials.FromEnvironment(Read);
        var awsRegion = Read(EnvironmentVariables.Region) ?? Read(EnvironmentVariables.DefaultRegion);
        var port = DefaultExtensionPort;
        if (new[] { privateKey, clientSecret }.FirstOrDefault(s => s?.Kind is SecretSourceKind.Secret or SecretSourceKind.Parameter) is { } awsSource)
        {
            if (sessionToken is null && awsCredentials is not null && awsRegion is null)
            {
                errors.Add($"{EnvironmentVariables.Region} is not set, and reading {awsSource.VariableName} from the AWS API needs the region it lives in: " +
                    "Lambda sets it; when running elsewhere, set it (such as eu-west-1).");
            }

            if (sessionToken is null && awsCredentials is null)
            {
                var fileVariable = awsSource == clientSecret ? EnvironmentVariables.ClientSecretFile : EnvironmentVariables.PrivateKeyFile;
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

        // A passphrase may legitimately start or end with spaces: only an empty one counts as unset.
        var passphrase = getVariable(EnvironmentVariables.PrivateKeyPassphrase) is { Length: > 0 } given ? given : null;
        return new FunctionOptions(flow, credential, clientCredentials, client, privateKey, clientSecret, passphrase, port, sessionToken, awsCredentials, awsRegion, policy, idempotencyFields, fleet, failureQueueUrl)
        {
            CertificateWarningDays = certificateWarningDays,
        };
    }

    private static int ReadCertificateWarningDays(string? text, List<string> errors)
    {
        if (text is null)
        {
            return DefaultCertificateWarningDays;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days <= 3650)
        {
            return days;
        }

        errors.Add($"{EnvironmentVariables.CertificateWarningDays} '{text}' is not a number of days from 0 to 3650: the warning starts this many days " +
            $"before the certificate stored with the key expires; leave it unset for {DefaultCertificateWarningDays}, 0 turns the warning off.");
        return DefaultCertificateWarningDays;
    }

    private static readonly string[] JwtOnlyVariables =
    [
        EnvironmentVariables.Username, EnvironmentVariables.Audience, EnvironmentVariables.PrivateKey, EnvironmentVariables.PrivateKeyFile,
        EnvironmentVariables.PrivateKeySecretId, EnvironmentVariables.PrivateKeyParameter, EnvironmentVariables.PrivateKeyPassphrase,
    ];

    private static readonly string[] ClientCredentialsOnlyVariables =
    [
        EnvironmentVariables.ClientSecret, EnvironmentVariables.ClientSecretFile, EnvironmentVariables.ClientSecretSecretId,
        EnvironmentVariables.ClientSecretParameter, EnvironmentVariables.ClientSecretInBody,
    ];

    private static AuthFlow ReadFlow(string? text, List<string> errors)
    {
        switch (text?.ToLowerInvariant())
        {
            case null or "jwt":
                return AuthFlow.Jwt;
            case "client_credentials":
                return AuthFlow.ClientCredentials;
            default:
                errors.Add($"{EnvironmentVariables.Auth} '{text}' is not a login flow: use jwt (the default: a private key signs an assertion for a user) " +
                    "or client_credentials (a consumer secret; the token is for the app's Run As user).");
                return AuthFlow.Jwt;
        }
    }

    private static bool ReadBoolean(string? text, string variable, List<string> errors)
    {
        if (text is null)
        {
            return true;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        errors.Add($"{variable} '{text}' is not true or false: leave it unset (or true) to send the consumer key and secret as form fields, false for HTTP Basic.");
        return true;
    }

    /// <summary>One problem per variable of the other flow that is set, so a half-switched configuration says what to remove.</summary>
    private static IEnumerable<string> OtherFlowVariables(Func<string, string?> read, string[] variables, string flow, string fix) =>
        variables.Where(v => read(v) is not null).Select(v => $"{v} belongs to {flow}: {fix}.");

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

    /// <summary><c>Lead.Forcelink_Key__c,Case.Forcelink_Key__c</c>, or one field name for every object the policy allows.</summary>
    private static Dictionary<string, string> ReadIdempotencyFields(string? text, OperationPolicy policy, List<string> errors)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (text is null)
        {
            return fields;
        }

        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('.');
            var (objects, field) = parts.Length switch
            {
                1 => (policy.Objects.ToList(), parts[0]),
                2 => ([parts[0]], parts[1]),
                _ => ([], ""),
            };
            if (!Soql.SoqlIdentifier.IsValid(field) || objects.Count == 0 || !objects.All(Soql.SoqlIdentifier.IsValid))
            {
                errors.Add($"{EnvironmentVariables.IdempotencyFields} has '{entry}', which is not Object.Field (such as Lead.Forcelink_Key__c) or a field name for every object.");
                continue;
            }

            foreach (var objectName in objects)
            {
                if (!policy.Objects.Contains(objectName, StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add($"{EnvironmentVariables.IdempotencyFields} names {objectName}, which {EnvironmentVariables.Policy} does not allow: remove it or allow the object.");
                    continue;
                }

                if (!fields.TryAdd(objectName, field))
                {
                    errors.Add($"{EnvironmentVariables.IdempotencyFields} gives {objectName} two fields: keep one.");
                }
            }
        }

        return fields;
    }

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

    private static SecretSource? ReadSecretSource(Func<string, string?> read, Func<SecretSourceKind, string, SecretSource> create, List<string> errors, string missing)
    {
        var present = Enum.GetValues<SecretSourceKind>()
            .Select(kind => (Source: create(kind, ""), Kind: kind))
            .Select(c => (c.Kind, c.Source.VariableName, Value: read(c.Source.VariableName)))
            .Where(c => c.Value is not null)
            .ToList();

        switch (present.Count)
        {
            case 1:
                return create(present[0].Kind, present[0].Value!);
            case 0:
                errors.Add(missing);
                return null;
            default:
                errors.Add($"The {(present[0].VariableName.Contains("CLIENT_SECRET", StringComparison.Ordinal) ? "client secret" : "private key")} is configured " +
                    $"{present.Count} times ({string.Join(", ", present.Select(p => p.VariableName))}): keep exactly one of them and remove the others.");
                return null;
        }
    }
}

/// <summary>How the function logs in to Salesforce (<c>FORCELINK_AUTH</c>).</summary>
internal enum AuthFlow
{
    /// <summary><c>jwt</c>: the OAuth 2.0 JWT bearer flow, a private key signing an assertion for a user.</summary>
    Jwt,

    /// <summary><c>client_credentials</c>: the OAuth 2.0 client credentials flow, a consumer secret; the token is for the app's Run As user.</summary>
    ClientCredentials,
}
