using Forcelink.Authentication;
using Forcelink.Operations;

namespace Forcelink.Cli.Configuration;

/// <summary>The key, credential, client and operation handler for one org, built from validated settings, as the Lambda builds them.</summary>
internal sealed class OrgConnection : IDisposable
{
    private readonly HttpClient _tokenHttp;

    private OrgConnection(OrgSettings settings, RsaSigningKey key, JwtBearerCredential credential, SalesforceClient client, OperationHandler handler, HttpClient tokenHttp)
    {
        Settings = settings;
        Key = key;
        Credential = credential;
        Client = client;
        Handler = handler;
        _tokenHttp = tokenHttp;
    }

    public OrgSettings Settings { get; }

    public RsaSigningKey Key { get; }

    public JwtBearerCredential Credential { get; }

    public SalesforceClient Client { get; }

    public OperationHandler Handler { get; }

    /// <summary>Reads and validates the settings of <paramref name="org"/>, then connects.</summary>
    public static async Task<OrgConnection> OpenAsync(CliContext context, string? org, CancellationToken cancellationToken = default)
    {
        var settings = await OrgSettingsReader.ReadValidAsync(context, org, cancellationToken);
        var key = await LoadKeyAsync(settings, cancellationToken);
        return Create(context, settings, key);
    }

    /// <summary>Loads the private key the settings name; the message of a failure says what is wrong with it.</summary>
    public static async Task<RsaSigningKey> LoadKeyAsync(OrgSettings settings, CancellationToken cancellationToken = default)
    {
        try
        {
            return settings.PrivateKeyFile is { } file
                ? await RsaSigningKey.LoadAsync(file, settings.PrivateKeyPassphrase, cancellationToken)
                : RsaSigningKey.Parse(settings.PrivateKey!, settings.PrivateKeyPassphrase);
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.ConfigInvalid, CliException.MessageOf(e));
        }
    }

    /// <summary>Takes ownership of <paramref name="key"/>.</summary>
    public static OrgConnection Create(CliContext context, OrgSettings settings, RsaSigningKey key)
    {
        OperationPolicy policy;
        try
        {
            policy = settings.Policy is { } json ? OperationPolicy.Parse(json) : OperationPolicy.Default;
        }
        catch (ArgumentException e)
        {
            key.Dispose();
            throw new CliException(ExitCodes.ConfigInvalid, $"{settings.Name(EnvironmentVariables.Policy, "policy")} is not a valid policy: {CliException.MessageOf(e)}");
        }

        var tokenHttp = context.Transport is { } transport ? new HttpClient(transport, disposeHandler: false) : new HttpClient();
        var credential = new JwtBearerCredential(settings.ToCredentialOptions(), key, tokenHttp, context.TimeProvider);
        var client = new SalesforceClient(credential, new SalesforceClientOptions
        {
            ApiVersion = settings.ApiVersion,
            TimeProvider = context.TimeProvider,
            Transport = context.Transport,
        });
        return new OrgConnection(settings, key, credential, client, new OperationHandler(client, policy), tokenHttp);
    }

    public void Dispose()
    {
        Client.Dispose();
        _tokenHttp.Dispose();
        Key.Dispose();
    }
}
