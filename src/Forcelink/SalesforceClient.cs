using Forcelink.Authentication;
using Forcelink.Rest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Forcelink;

/// <summary>
/// The Salesforce REST API through one HTTP pipeline: each request gets the cached access token of the credential
/// (renewed before its end, and once more after a 401 <c>INVALID_SESSION_ID</c>) and goes to that token's instance.
/// Create one per process and reuse it: it owns the token and the connections.
/// </summary>
public class SalesforceClient : IDisposable
{
    private readonly HttpClient? _httpClient;
    private readonly AccessTokenCache? _tokenCache;
    private readonly HttpMessageHandler? _ownedTransport;

    /// <summary>Creates a client.</summary>
    /// <param name="credential">Where tokens come from, usually a <see cref="JwtBearerCredential"/>.</param>
    /// <param name="options">Settings; by default <see cref="SalesforceClientOptions"/>'s defaults.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public SalesforceClient(SalesforceCredential credential, SalesforceClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        options ??= new SalesforceClientOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(
                $"The Salesforce client settings are invalid:{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", errors)}",
                nameof(options));
        }

        Options = options;
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        _tokenCache = new AccessTokenCache(credential, options.TimeProvider, options.TokenLifetime, options.TokenRefreshMargin, loggerFactory.CreateLogger<SalesforceClient>());
        var transport = options.Transport ?? (_ownedTransport = CreateTransport());
        var pipeline = new BearerTokenHandler(_tokenCache, loggerFactory.CreateLogger<SalesforceClient>(), transport);
        _httpClient = new HttpClient(pipeline, disposeHandler: false) { BaseAddress = BearerTokenHandler.InstanceBaseAddress };
        _httpClient.DefaultRequestHeaders.UserAgent.ParseAdd($"{ForcelinkInfo.ProductName}/{typeof(SalesforceClient).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"}");
    }

    /// <summary>For mocking only.</summary>
    protected SalesforceClient() => Options = new SalesforceClientOptions();

    /// <summary>The settings in use.</summary>
    public SalesforceClientOptions Options { get; }

    /// <summary>How many times this client has exchanged a token (logged in).</summary>
    public int LoginCount => _tokenCache?.ExchangeCount ?? 0;

    /// <summary>The current access token, logging in first when there is none or it is due for renewal.</summary>
    /// <exception cref="SalesforceException">The login failed; the message says how to fix it.</exception>
    public virtual async Task<AccessToken> GetTokenAsync(CancellationToken cancellationToken = default) =>
        await TokenCache.GetTokenAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Creates the default transport: pooled connections renewed every 5 minutes so DNS changes are seen.</summary>
    public static SocketsHttpHandler CreateTransport() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the connections this client owns.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _httpClient?.Dispose();
            _ownedTransport?.Dispose();
        }
    }

    internal AccessTokenCache TokenCache => _tokenCache ?? throw new InvalidOperationException("This client was created for mocking.");

    internal HttpClient Http => _httpClient ?? throw new InvalidOperationException("This client was created for mocking.");

    /// <summary>Sends a request through the pipeline and turns any non-success status into <see cref="SalesforceException"/>.</summary>
    internal async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await RestErrors.ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }
}
