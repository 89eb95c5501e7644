using Forcelink.Authentication;
using Forcelink.Configuration;
using Forcelink.Operations;

namespace Forcelink.Cli.Configuration;

/// <summary>The credential (JWT bearer or client credentials), client and operation handler for one org, built from validated settings, as the Lambda builds them.</summary>
internal sealed class OrgConnection : IDisposable
{
    private readonly HttpClient _tokenHttp;

    private OrgConnection(OrgSettings settings, RsaSigningKey? key, SalesforceCredential credential, Uri loginUrl, Uri tokenEndpoint, SalesforceClient client, OperationHandler handler, HttpClient tokenHttp)
    {
        Settings = settings;
        Key = key;
        Credential = credential;
        LoginUrl = loginUrl;
        TokenEndpoint = tokenEndpoint;
        Client = client;
        Handler = handler;
        _tokenHttp = tokenHttp;
    }

    public OrgSettings Settings { get; }

    /// <summary>The signing key of the JWT bearer flow; <see langword="null"/> with the client credentials flow.</summary>
    public RsaSigningKey? Key { get; }

    public SalesforceCredential Credential { get; }

    /// <summary>The JWT bearer credential; <see langword="null"/> with the client credentials flow.</summary>
    public JwtBearerCredential? JwtCredential => Credential as JwtBearerCredential;

    public Uri LoginUrl { get; }

    public Uri TokenEndpoint { get; }

    public SalesforceClient Client { get; }

    public OperationHandler Handler { get; }

    /// <summary>Who the token is for, as far as the settings know: the username, or the app's Run As user.</summary>
    public string Subject => Settings.IsClientCredentials ? "the app's Run As user" : Settings.Username!;

    /// <summary>Reads and validates the settings of <paramref name="org"/>, then connects.</summary>
    public static async Task<OrgConnection> OpenAsync(CliContext context, string? org, CancellationToken cancellationToken = default)
    {
        var settings = await OrgSettingsReader.ReadValidAsync(context, org, cancellationToken);
        if (settings.IsClientCredentials)
        {
            return CreateClientCredentials(context, settings, await LoadClientSecretAsync(settings, cancellationToken));
        }

        var key = await LoadKeyAsync(settings, cancellationToken);
        return Create(context, settings, key);
    }

    /// <summary>Loads the private key the settings name; the message of a failure says what is wrong with it.</summary>
    public static async Task<RsaSigningKey> LoadKeyAsync(OrgSettings settings, CancellationToken cancellationToken = default)
    {
        var source = settings.Values.PrivateKey!;
        var passphrase = settings.Values.PrivateKeyPassphrase;
        try
        {
            return source.Kind switch
            {
                SecretSourceKind.File => await RsaSigningKey.LoadAsync(source.Value, passphrase, cancellationToken),
                SecretSourceKind.Text => RsaSigningKey.Parse(source.Value, passphrase),
                _ => throw new CliException(ExitCodes.ConfigInvalid, AwsSourceMessage(settings, source, "key", "server.key", SettingNames.PrivateKeyFile)),
            };
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.ConfigInvalid, CliException.MessageOf(e));
        }
    }

    /// <summary>Reads the consumer secret the settings name, trimmed (a file usually ends in a line break). Failures never quote it.</summary>
    public static async Task<string> LoadClientSecretAsync(OrgSettings settings, CancellationToken cancellationToken = default)
    {
        var source = settings.Values.ClientSecret!;
        switch (source.Kind)
        {
            case SecretSourceKind.Text:
                return source.Value.Trim();
            case SecretSourceKind.Secret or SecretSourceKind.Parameter:
                throw new CliException(ExitCodes.ConfigInvalid, AwsSourceMessage(settings, source, "secret", "client.secret", SettingNames.ClientSecretFile));
        }

        var (name, file) = (settings.Name(SettingNames.ClientSecretFile), source.Value);
        string text;
        try
        {
            text = (await File.ReadAllTextAsync(file, cancellationToken)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.ConfigInvalid, $"{name}: the file {file} cannot be read ({e.GetType().Name}): check the path and its permissions.");
        }

        return text.Length > 0
            ? text
            : throw new CliException(ExitCodes.ConfigInvalid, $"{name}: the file {file} is empty: write the app's Consumer Secret into it.");
    }

    /// <summary>The function reads a key or secret from AWS; the CLI does not, and says how to fetch it once.</summary>
    public static string AwsSourceMessage(OrgSettings settings, SecretSource source, string what, string fileName, string fileSetting)
    {
        var fetch = source.Kind == SecretSourceKind.Secret
            ? $"aws secretsmanager get-secret-value --secret-id {source.Value} --query SecretString --output text > {fileName}"
            : $"aws ssm get-parameter --name {source.Value} --with-decryption --query Parameter.Value --output text > {fileName}";
        return $"{settings.Name(source.VariableName)} is valid for the function, which reads the {what} from AWS; the CLI does not read AWS. " +
            $"Fetch the {what} once with '{fetch}' and set {settings.Name(fileSetting)} to it instead.";
    }

    /// <summary>A JWT bearer connection. Takes ownership of <paramref name="key"/>.</summary>
    public static OrgConnection Create(CliContext context, OrgSettings settings, RsaSigningKey key)
    {
        var tokenHttp = TokenHttp(context);
        var credential = new JwtBearerCredential(settings.Values.Jwt!, key, tokenHttp, context.TimeProvider);
        var client = CreateClient(context, settings, credential);
        return new OrgConnection(settings, key, credential, credential.LoginUrl, credential.TokenEndpoint, client, CreateHandler(client, settings), tokenHttp);
    }

    /// <summary>A client credentials connection.</summary>
    public static OrgConnection CreateClientCredentials(CliContext context, OrgSettings settings, string consumerSecret)
    {
        var tokenHttp = TokenHttp(context);
        ClientCredentialsCredential credential;
        try
        {
            var options = settings.Values.ClientCredentials!;
            credential = new ClientCredentialsCredential(
                new ClientCredentialsCredentialOptions
                {
                    LoginUrl = options.LoginUrl, ConsumerKey = options.ConsumerKey, ConsumerSecret = consumerSecret, SendCredentialsInBody = options.SendCredentialsInBody,
                },
                tokenHttp,
                context.TimeProvider);
        }
        catch (ArgumentException e)
        {
            tokenHttp.Dispose();
            throw new CliException(ExitCodes.ConfigInvalid, CliException.MessageOf(e));
        }

        var client = CreateClient(context, settings, credential);
        return new OrgConnection(settings, null, credential, credential.LoginUrl, credential.TokenEndpoint, client, CreateHandler(client, settings), tokenHttp);
    }

    private static OperationHandler CreateHandler(SalesforceClient client, OrgSettings settings) =>
        new(client, settings.Values.Policy) { IdempotencyFields = settings.Values.IdempotencyFields };

    private static HttpClient TokenHttp(CliContext context) =>
        context.Transport is { } transport ? new HttpClient(transport, disposeHandler: false) : new HttpClient();

    private static SalesforceClient CreateClient(CliContext context, OrgSettings settings, SalesforceCredential credential) =>
        new(credential, new SalesforceClientOptions
        {
            ApiVersion = settings.Values.Client.ApiVersion,
            TokenLifetime = settings.Values.Client.TokenLifetime,
            TokenRefreshMargin = settings.Values.Client.TokenRefreshMargin,
            TimeProvider = context.TimeProvider,
            Transport = context.Transport,
        });

    public void Dispose()
    {
        Client.Dispose();
        _tokenHttp.Dispose();
        Key?.Dispose();
    }
}
