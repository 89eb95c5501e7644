using System.Globalization;
using Forcelink.Authentication;
using Forcelink.Operations;
using Forcelink.Soql;

namespace Forcelink.Configuration;

/// <summary>
/// The settings the function and the CLI share, read and validated by one reader so that <c>forcelink doctor</c> and the
/// function's start cannot disagree. It lives in the library, internal, because it builds the library's own options
/// (credential, client, policy) and both hosts ship with the library they are built against; each host reads the same
/// settings from its own place (environment variables, a CLI profile) and adds only what is its own (the function's
/// AWS settings, the CLI's file paths).
/// </summary>
internal sealed class ForcelinkSettings
{
    /// <summary>The generic production login host, used by the JWT bearer flow when no login URL is set.</summary>
    public static readonly Uri DefaultLoginUrl = new("https://login.salesforce.com");

    public const int DefaultCertificateWarningDays = 30;

    private ForcelinkSettings()
    {
    }

    /// <summary>The login flow (<c>FORCELINK_AUTH</c>): the JWT bearer flow by default.</summary>
    public AuthFlow Flow { get; private init; }

    /// <summary>The JWT bearer settings; <see langword="null"/> with the client credentials flow.</summary>
    public JwtBearerCredentialOptions? Jwt { get; private init; }

    /// <summary>The client credentials settings without the secret, which is read when connecting from <see cref="ClientSecret"/>;
    /// <see langword="null"/> with the JWT bearer flow.</summary>
    public ClientCredentialsCredentialOptions? ClientCredentials { get; private init; }

    /// <summary>The org's login URL (<c>FORCELINK_LOGIN_URL</c>): https://login.salesforce.com by default for the JWT bearer
    /// flow; required (the org's My Domain) for client credentials. <see langword="null"/> only when invalid.</summary>
    public Uri? LoginUrl { get; private init; }

    public string? ConsumerKey { get; private init; }

    public string? Username { get; private init; }

    /// <summary>The client settings (API version, token lifetime); the host adds the clock, logging and transport.</summary>
    public SalesforceClientOptions Client { get; private init; } = new();

    /// <summary>Where the JWT signing key comes from; <see langword="null"/> with client credentials or when not configured.</summary>
    public SecretSource? PrivateKey { get; private init; }

    /// <summary>Where the consumer secret comes from; <see langword="null"/> with the JWT bearer flow or when not configured.</summary>
    public SecretSource? ClientSecret { get; private init; }

    /// <summary>The key's passphrase as given: it may legitimately start or end with spaces, so only an empty one is unset.</summary>
    public string? PrivateKeyPassphrase { get; private init; }

    /// <summary><c>FORCELINK_CERTIFICATE_FILE</c>: the certificate uploaded to the app, which <c>forcelink doctor</c> compares with the key.</summary>
    public string? CertificateFile { get; private init; }

    /// <summary>Days before the certificate's expiry from which a warning is given (<c>FORCELINK_CERTIFICATE_WARNING_DAYS</c>, default 30, 0 for none).</summary>
    public int CertificateWarningDays { get; private init; } = DefaultCertificateWarningDays;

    /// <summary>What callers may do (<c>FORCELINK_POLICY</c>); by default Lead and Case with their standard fields.</summary>
    public OperationPolicy Policy { get; private init; } = OperationPolicy.Default;

    /// <summary>Per object, the unique external id field keyed creates write to (<c>FORCELINK_IDEMPOTENCY_FIELDS</c>).</summary>
    public IReadOnlyDictionary<string, string> IdempotencyFields { get; private init; } = new Dictionary<string, string>();

    /// <summary>
    /// Reads the shared settings through <paramref name="value"/> (keyed by <see cref="SettingNames"/>) and adds every problem
    /// to <paramref name="errors"/>, each naming the setting as <paramref name="name"/> writes it (the variable by default).
    /// The settings returned are usable only when no error was added.
    /// </summary>
    public static ForcelinkSettings Read(Func<string, string?> value, ICollection<SettingError> errors, Func<string, string>? name = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(errors);
        var reader = new Reader(value, errors, name ?? (v => v));
        return reader.Read();
    }

    private sealed class Reader(Func<string, string?> raw, ICollection<SettingError> errors, Func<string, string> name)
    {
        private string N(string setting) => name(setting);

        private string? Get(string setting) => raw(setting) is { } text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

        private void Add(string setting, string problem, string fix) => errors.Add(new SettingError(setting, problem, fix));

        public ForcelinkSettings Read()
        {
            var flow = ReadFlow();
            var loginUrl = ReadLoginUrl(flow);
            var consumerKey = Get(SettingNames.ConsumerKey);
            var username = Get(SettingNames.Username);
            JwtBearerCredentialOptions? jwt = null;
            ClientCredentialsCredentialOptions? clientCredentials = null;
            if (flow == AuthFlow.ClientCredentials)
            {
                clientCredentials = new ClientCredentialsCredentialOptions
                {
                    LoginUrl = loginUrl,
                    ConsumerKey = consumerKey,
                    SendCredentialsInBody = ReadBoolean(SettingNames.ClientSecretInBody),
                };

                // The secret is read when connecting, from wherever it lives; only the rest can be checked now.
                var check = new ClientCredentialsCredentialOptions { LoginUrl = loginUrl, ConsumerKey = consumerKey, ConsumerSecret = "read-when-connecting" };
                AddProblems(check.Problems().Where(p => loginUrl is not null || p.Property != "LoginUrl"));
            }
            else
            {
                jwt = new JwtBearerCredentialOptions { ConsumerKey = consumerKey, Username = username, Audience = Get(SettingNames.Audience) };
                if (loginUrl is not null)
                {
                    jwt.LoginUrl = loginUrl;
                }

                AddProblems(jwt.Problems().Where(p => loginUrl is not null || p.Property != "LoginUrl"));
            }

            var client = ReadClient();
            var policy = ReadPolicy();
            var settings = new ForcelinkSettings
            {
                Flow = flow,
                Jwt = jwt,
                ClientCredentials = clientCredentials,
                LoginUrl = loginUrl,
                ConsumerKey = consumerKey,
                Username = username,
                Client = client,
                Policy = policy,
                IdempotencyFields = ReadIdempotencyFields(policy),
                CertificateFile = Get(SettingNames.CertificateFile),
                CertificateWarningDays = ReadCertificateWarningDays(),
                PrivateKeyPassphrase = raw(SettingNames.PrivateKeyPassphrase) is { Length: > 0 } given ? given : null,
                PrivateKey = flow == AuthFlow.Jwt ? ReadSecretSource(SecretSource.PrivateKey, "private key", MissingKey()) : null,
                ClientSecret = flow == AuthFlow.ClientCredentials ? ReadSecretSource(SecretSource.ClientSecret, "client secret", MissingSecret()) : null,
            };

            if (flow == AuthFlow.ClientCredentials)
            {
                OtherFlow(JwtOnly, $"the JWT bearer flow ({N(SettingNames.Auth)}=jwt)",
                    $"with {N(SettingNames.Auth)}=client_credentials the token is for the app's Run As user and no key signs anything; remove it, or set {N(SettingNames.Auth)}=jwt");
            }
            else
            {
                OtherFlow(ClientCredentialsOnly, $"the client credentials flow ({N(SettingNames.Auth)}=client_credentials)",
                    $"with {N(SettingNames.Auth)}=jwt (the default) remove it, or set {N(SettingNames.Auth)}=client_credentials");
            }

            return settings;
        }

        private static readonly string[] JwtOnly =
        [
            SettingNames.Username, SettingNames.Audience, SettingNames.PrivateKey, SettingNames.PrivateKeyFile, SettingNames.PrivateKeySecretId,
            SettingNames.PrivateKeyParameter, SettingNames.PrivateKeyPassphrase, SettingNames.CertificateFile,
        ];

        private static readonly string[] ClientCredentialsOnly =
        [
            SettingNames.ClientSecret, SettingNames.ClientSecretFile, SettingNames.ClientSecretSecretId, SettingNames.ClientSecretParameter,
            SettingNames.ClientSecretInBody,
        ];

        // The library names its properties; the user set variables or profile keys.
        private static readonly Dictionary<string, string> PropertySettings = new(StringComparer.Ordinal)
        {
            ["ConsumerKey"] = SettingNames.ConsumerKey,
            ["Username"] = SettingNames.Username,
            ["LoginUrl"] = SettingNames.LoginUrl,
            ["Audience"] = SettingNames.Audience,
            ["ApiVersion"] = SettingNames.ApiVersion,
            ["TokenLifetime"] = SettingNames.TokenLifetimeMinutes,
            ["TokenRefreshMargin"] = SettingNames.TokenLifetimeMinutes,
        };

        private void AddProblems(IEnumerable<OptionProblem> problems)
        {
            foreach (var problem in problems)
            {
                // Every property a setting fills is in the table; the others keep their defaults, which are valid.
                var setting = PropertySettings.GetValueOrDefault(problem.Property, problem.Property);

                // A library user sets a property ("is required"); a host's user leaves a setting unset.
                var named = problem.Problem == "is required" ? "is not set" : problem.Problem;
                Add(setting, $"{N(setting)} {named}", problem.Fix);
            }
        }

        private AuthFlow ReadFlow()
        {
            switch (Get(SettingNames.Auth)?.ToLowerInvariant())
            {
                case null or "jwt":
                    return AuthFlow.Jwt;
                case "client_credentials":
                    return AuthFlow.ClientCredentials;
                default:
                    Add(SettingNames.Auth, $"{N(SettingNames.Auth)} '{Get(SettingNames.Auth)}' is not a login flow",
                        "use jwt (the default: a private key signs an assertion for a user) or client_credentials (a consumer secret; the token is for the app's Run As user).");
                    return AuthFlow.Jwt;
            }
        }

        private Uri? ReadLoginUrl(AuthFlow flow)
        {
            const string MyDomain = "use your My Domain URL, https://<mydomain>.my.salesforce.com (Setup > My Domain shows it).";
            switch (Get(SettingNames.LoginUrl))
            {
                case null when flow == AuthFlow.ClientCredentials:
                    Add(SettingNames.LoginUrl, $"{N(SettingNames.LoginUrl)} is not set", $"the client credentials flow works only on the org's My Domain; {MyDomain}");
                    return null;
                case null:
                    return DefaultLoginUrl;
                case var text when Uri.TryCreate(text, UriKind.Absolute, out var parsed):
                    return parsed;
                case var text:
                    Add(SettingNames.LoginUrl, $"{N(SettingNames.LoginUrl)} '{text}' is not an absolute URL",
                        flow == AuthFlow.ClientCredentials ? MyDomain : "write it with its scheme, such as https://login.salesforce.com.");
                    return null;
            }
        }

        private SalesforceClientOptions ReadClient()
        {
            var client = new SalesforceClientOptions { ApiVersion = Get(SettingNames.ApiVersion) };
            if (Get(SettingNames.TokenLifetimeMinutes) is { } text)
            {
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes is > 0 and <= 24 * 60)
                {
                    client.TokenLifetime = TimeSpan.FromMinutes(minutes);

                    // Renew ahead of time, but never so early that a short session is renewed on every call.
                    var margin = client.TokenLifetime / 5;
                    client.TokenRefreshMargin = margin < client.TokenRefreshMargin ? margin : client.TokenRefreshMargin;
                }
                else
                {
                    Add(SettingNames.TokenLifetimeMinutes, $"{N(SettingNames.TokenLifetimeMinutes)} '{text}' is not a whole number of minutes from 1 to 1440",
                        "set the session timeout of the connected app (Setup > App Manager > Manage > Edit Policies > Timeout Value), such as 15, or leave it unset for 120.");
                }
            }

            AddProblems(client.Problems());
            return client;
        }

        private OperationPolicy ReadPolicy()
        {
            if (Get(SettingNames.Policy) is not { } text)
            {
                return OperationPolicy.Default;
            }

            try
            {
                return OperationPolicy.Parse(text);
            }
            catch (ArgumentException e)
            {
                Add(SettingNames.Policy, $"{N(SettingNames.Policy)} is not a valid policy: {e.Message.TrimEnd('.')}", "leave it unset to allow Lead and Case with their standard fields.");
                return OperationPolicy.Default;
            }
        }

        /// <summary><c>Lead.Forcelink_Key__c,Case.Forcelink_Key__c</c>, or one field name for every object the policy allows.</summary>
        private Dictionary<string, string> ReadIdempotencyFields(OperationPolicy policy)
        {
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var setting = SettingNames.IdempotencyFields;
            if (Get(setting) is not { } text)
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
                if (!SoqlIdentifier.IsValid(field) || objects.Count == 0 || !objects.All(SoqlIdentifier.IsValid))
                {
                    Add(setting, $"{N(setting)} has '{entry}', which is not Object.Field (such as Lead.Forcelink_Key__c) or a field name for every object",
                        "write Object.Field pairs separated by commas, or one field name for every object.");
                    continue;
                }

                foreach (var objectName in objects)
                {
                    if (!policy.Objects.Contains(objectName, StringComparer.OrdinalIgnoreCase))
                    {
                        Add(setting, $"{N(setting)} names {objectName}, which {N(SettingNames.Policy)} does not allow", "remove it or allow the object.");
                    }
                    else if (!fields.TryAdd(objectName, field))
                    {
                        Add(setting, $"{N(setting)} gives {objectName} two fields", "keep one.");
                    }
                }
            }

            return fields;
        }

        private int ReadCertificateWarningDays()
        {
            var setting = SettingNames.CertificateWarningDays;
            if (Get(setting) is not { } text)
            {
                return DefaultCertificateWarningDays;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days <= 3650)
            {
                return days;
            }

            Add(setting, $"{N(setting)} '{text}' is not a number of days from 0 to 3650",
                $"the warning starts this many days before the certificate stored with the key expires; leave it unset for {DefaultCertificateWarningDays}, 0 turns the warning off.");
            return DefaultCertificateWarningDays;
        }

        private bool ReadBoolean(string setting)
        {
            if (Get(setting) is not { } text)
            {
                return true;
            }

            if (bool.TryParse(text, out var result))
            {
                return result;
            }

            Add(setting, $"{N(setting)} '{text}' is not true or false",
                "leave it unset (or true) to send the consumer key and secret as form fields, false for HTTP Basic.");
            return true;
        }

        private string MissingKey() =>
            $"set exactly one of {N(SettingNames.PrivateKeySecretId)} (recommended for the function: a Secrets Manager secret holding the PEM of server.key), " +
            $"{N(SettingNames.PrivateKeyParameter)} (an SSM SecureString parameter), {N(SettingNames.PrivateKeyFile)} (a path to server.key) or " +
            $"{N(SettingNames.PrivateKey)} (the PEM text itself, or its base64); 'forcelink keygen' creates a key and certificate.";

        private string MissingSecret() =>
            $"set exactly one of {N(SettingNames.ClientSecretSecretId)} (recommended for the function: a Secrets Manager secret holding the app's Consumer Secret), " +
            $"{N(SettingNames.ClientSecretParameter)} (an SSM SecureString parameter), {N(SettingNames.ClientSecretFile)} (a path to a file holding it) or " +
            $"{N(SettingNames.ClientSecret)} (the secret itself); Setup > App Manager > your app > View > Manage Consumer Details shows it.";

        private SecretSource? ReadSecretSource(Func<SecretSourceKind, string, SecretSource> create, string what, string fix)
        {
            var present = Enum.GetValues<SecretSourceKind>()
                .Select(kind => create(kind, ""))
                .Select(s => (s.Kind, s.VariableName, Value: Get(s.VariableName)))
                .Where(s => s.Value is not null)
                .ToList();
            switch (present.Count)
            {
                case 1:
                    return create(present[0].Kind, present[0].Value!);
                case 0:
                    Add(create(SecretSourceKind.Secret, "").VariableName, $"The {what} is not configured", fix);
                    return null;
                default:
                    Add(present[0].VariableName, $"The {what} is configured {present.Count} times ({string.Join(", ", present.Select(p => N(p.VariableName)))})",
                        "keep exactly one of them and remove the others.");
                    return null;
            }
        }

        /// <summary>One problem per setting of the other flow that is set, so a half-switched configuration says what to remove.</summary>
        private void OtherFlow(string[] settings, string flow, string fix)
        {
            foreach (var setting in settings.Where(s => Get(s) is not null))
            {
                Add(setting, $"{N(setting)} belongs to {flow}", $"{fix}.");
            }
        }
    }
}
