using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Forcelink.Authentication;
using Forcelink.Http;
using Forcelink.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Forcelink;

/// <summary>
/// The Salesforce REST API through one HTTP pipeline: retries of transient failures, then the cached access token of the
/// credential (renewed before its end, and once more after a 401 <c>INVALID_SESSION_ID</c>), then the token's instance.
/// Create one per process and reuse it: it owns the token and the connections.
/// </summary>
public partial class SalesforceClient : IDisposable
{
    /// <summary>The name of the <see cref="ActivitySource"/> whose spans cover each operation ("create Lead", "query Lead", ...).</summary>
    public const string ActivitySourceName = "Forcelink";

    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> whose instruments count logins, retries,
    /// requests and the org's API usage; OpenTelemetry users add it with <c>AddMeter("Forcelink")</c>.</summary>
    public const string MeterName = "Forcelink";

    /// <summary>Counter of logins at the token endpoint by this process; a token read from a shared store is not one.</summary>
    public const string LoginsInstrument = "forcelink.logins";

    /// <summary>Counter of requests sent again after a transient failure.</summary>
    public const string RetriesInstrument = "forcelink.retries";

    /// <summary>Counter of REST responses, tagged <c>http.request.method</c> and <c>http.response.status_code</c>.</summary>
    public const string RequestsInstrument = "forcelink.requests";

    /// <summary>Gauge of the org's API requests in the last 24 hours, from the latest <c>Sforce-Limit-Info</c> header.</summary>
    public const string ApiUsageUsedInstrument = "forcelink.api_usage.used";

    /// <summary>Gauge of the org's daily API request limit, from the latest <c>Sforce-Limit-Info</c> header.</summary>
    public const string ApiUsageLimitInstrument = "forcelink.api_usage.limit";

    internal static readonly ActivitySource Activities = new(ActivitySourceName);

    private readonly HttpClient? _httpClient;
    private readonly AccessTokenCache? _tokenCache;
    private readonly HttpMessageHandler? _ownedTransport;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly Lock _versionLock = new();
    private Task<string>? _apiVersion;
    private ApiUsage? _apiUsage;
    private int _retryCount;

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
        if (options.LoggerFactory is { } factory)
        {
            credential.UseLoggerFactory(factory);
        }

        _logger = loggerFactory.CreateLogger<SalesforceClient>();
        if (options.ApiVersion is { } version)
        {
            _apiVersion = Task.FromResult(version);
        }

        var metrics = new ForcelinkMetrics(options.MeterFactory);
        _tokenCache = new AccessTokenCache(credential, options.TimeProvider, options.TokenLifetime, options.TokenRefreshMargin, _logger, metrics);
        var transport = options.Transport ?? (_ownedTransport = SalesforceClientOptions.CreateDefaultTransport());
        var telemetry = new TelemetryHandler(_logger, options.TimeProvider, metrics, usage => Volatile.Write(ref _apiUsage, usage), transport);
        var bearer = new BearerTokenHandler(_tokenCache, _logger, telemetry);
        var retry = new RetryHandler(options, _logger, () =>
        {
            Interlocked.Increment(ref _retryCount);
            metrics.Retries.Add(1);
        }, bearer);
        _httpClient = new HttpClient(retry, disposeHandler: true)
        {
            BaseAddress = BearerTokenHandler.InstanceBaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _httpClient.DefaultRequestHeaders.UserAgent.ParseAdd($"{ForcelinkInfo.ProductName}/{ForcelinkInfo.Version}");
        _httpClient.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>For mocking only.</summary>
    protected SalesforceClient() => Options = new SalesforceClientOptions();

    /// <summary>The settings in use.</summary>
    public SalesforceClientOptions Options { get; }

    /// <summary>How many times this client has exchanged a token (logged in).</summary>
    public int LoginCount => _tokenCache?.ExchangeCount ?? 0;

    /// <summary>How many times this client has retried a request after a transient failure.</summary>
    public int RetryCount => Volatile.Read(ref _retryCount);

    /// <summary>The org's daily API usage from the latest response's <c>Sforce-Limit-Info</c> header; <see langword="null"/> before the first response.</summary>
    public ApiUsage? ApiUsage => Volatile.Read(ref _apiUsage);

    /// <summary>The current access token, logging in first when there is none or it is due for renewal.</summary>
    /// <exception cref="SalesforceException">The login failed; the message says how to fix it.</exception>
    public virtual async Task<AccessToken> GetTokenAsync(CancellationToken cancellationToken = default) =>
        await TokenCache.GetTokenAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The API version in use: <see cref="SalesforceClientOptions.ApiVersion"/>, or else the newest the org offers,
    /// read once from <c>/services/data</c>.</summary>
    public virtual Task<string> GetApiVersionAsync(CancellationToken cancellationToken = default)
    {
        Task<string> task;
        lock (_versionLock)
        {
            if (_apiVersion is { IsFaulted: true } or { IsCanceled: true })
            {
                _apiVersion = null;
            }

            task = _apiVersion ??= DiscoverApiVersionAsync();
        }

        return task.WaitAsync(cancellationToken);
    }

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

    private HttpClient Http => _httpClient ?? throw new InvalidOperationException("This client was created for mocking.");

    /// <summary>Sends a request through the pipeline and turns any non-success status into <see cref="SalesforceException"/>.</summary>
    internal async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, bool idempotent, CancellationToken cancellationToken)
    {
        if (Options.MaxApiUsageShare is { } share && ApiUsage is { } usage && usage.Share >= share)
        {
            throw new SalesforceException(
                $"Refusing to start {request.Method} /{request.RequestUri?.OriginalString.Split('?')[0].TrimStart('/')}: the org has used {usage.Used:N0} of {usage.Max:N0} daily API requests " +
                $"({usage.Share:P0}), past the configured MaxApiUsageShare of {share:P0}. Wait for the 24-hour window to move, or raise the share.",
                0,
                SalesforceException.ApiUsageGuardCode);
        }

        request.Options.Set(RequestOptionsKeys.Idempotent, idempotent);
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

    internal async Task<string> DataPathAsync(string relative, CancellationToken cancellationToken)
    {
        var version = await GetApiVersionAsync(cancellationToken).ConfigureAwait(false);
        return $"{InstancePrefix()}/services/data/v{version}/{relative}";
    }

    /// <summary>The absolute URI of <c>sobjects/{objectName}/{idPath}</c> (with <c>?fields=</c> when <paramref name="fields"/>
    /// is given), built as one string: a warm read used to build its path three times.</summary>
    internal async ValueTask<Uri> RecordUriAsync(string objectName, string idPath, IEnumerable<string>? fields, CancellationToken cancellationToken)
    {
        var version = await GetApiVersionAsync(cancellationToken).ConfigureAwait(false);
        return RecordUri(version, objectName, idPath, fields);
    }

    private Uri RecordUri(string version, string objectName, string idPath, IEnumerable<string>? fields)
    {
        var text = new System.Runtime.CompilerServices.DefaultInterpolatedStringHandler(0, 0, System.Globalization.CultureInfo.InvariantCulture, stackalloc char[256]);
        text.AppendLiteral(InstancePrefix());
        text.AppendLiteral("/services/data/v");
        text.AppendLiteral(version);
        text.AppendLiteral("/sobjects/");
        text.AppendLiteral(objectName);
        text.AppendLiteral("/");
        text.AppendLiteral(idPath);
        if (fields is not null)
        {
            var separator = "?fields=";
            foreach (var field in fields)
            {
                CheckObjectName(field, nameof(fields));
                text.AppendLiteral(separator);
                text.AppendLiteral(field);

                // API names are letters, digits and underscores: only the commas between them need escaping.
                separator = "%2C";
            }
        }

        return new Uri(text.ToStringAndClear(), UriKind.RelativeOrAbsolute);
    }

    /// <summary>The instance requests go to: the current token's when it is at hand, or else the placeholder that
    /// <see cref="BearerTokenHandler"/> replaces once the login has answered.</summary>
    private string InstancePrefix() =>
        _tokenCache is not null && _tokenCache.TryGetCurrent(out var token) ? token.InstancePrefix : PlaceholderPrefix;

    private static readonly string PlaceholderPrefix = BearerTokenHandler.InstanceBaseAddress.OriginalString.TrimEnd('/');

    internal static HttpContent JsonBody(JsonNode body) => JsonBody(Encoding.UTF8.GetBytes(body.ToJsonString()));

    internal static HttpContent JsonBody(ReadOnlyMemory<byte> utf8) =>
        new ReadOnlyMemoryContent(utf8) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "UTF-8" } } };

    internal static Activity? StartActivity(string operation, string? objectName)
    {
        // The span's name is built only when something listens: most processes trace nothing.
        if (!Activities.HasListeners())
        {
            return null;
        }

        var activity = Activities.StartActivity(objectName is null ? operation : $"{operation} {objectName}", ActivityKind.Client);
        activity?.SetTag("salesforce.operation", operation);
        if (objectName is not null)
        {
            activity?.SetTag("salesforce.object", objectName);
        }

        return activity;
    }

    internal static string CheckObjectName(string objectName, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(objectName))] string? parameter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(objectName, parameter);
        if (!SalesforceNames.IsApiName(objectName))
        {
            throw new ArgumentException($"'{objectName}' is not an sObject API name (letters, digits and underscores, such as Lead or Invoice__c).", parameter);
        }

        return objectName;
    }

    internal static string CheckId(string id, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(id))] string? parameter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id, parameter);
        if (!SalesforceNames.IsId(id))
        {
            throw new ArgumentException($"'{id}' is not a Salesforce record id: ids have 15 or 18 letters and digits, such as 00Q5e00000AbCdEEAV.", parameter);
        }

        return id;
    }

    private async Task<string> DiscoverApiVersionAsync()
    {
        var versions = await GetApiVersionsAsync(CancellationToken.None).ConfigureAwait(false);
        if (versions.Count == 0)
        {
            throw new SalesforceException("The org listed no REST API versions at /services/data; set SalesforceClientOptions.ApiVersion (FORCELINK_API_VERSION).");
        }

        return versions.MaxBy(v => decimal.Parse(v.Version, System.Globalization.CultureInfo.InvariantCulture))!.Version;
    }
}
