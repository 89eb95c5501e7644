using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Forcelink.Aws.Secrets;

/// <summary>
/// Reads secrets and SecureString parameters through the AWS Parameters and Secrets Lambda Extension
/// (<c>http://localhost:2773</c>, authenticated by <c>X-Aws-Parameters-Secrets-Token</c>), which needs no AWS SDK.
/// The extension may still be starting while the function initializes, so 5xx and dropped connections are retried
/// briefly. When nothing listens on its port (no extension layer) or there is no session token for it, the value is
/// read from the AWS API directly (<see cref="AwsJsonClient"/>) with the same role, so the layer is an optimization
/// (a cache) rather than a requirement.
/// </summary>
internal sealed partial class ParametersSecretsClient
{
    public const string TokenHeader = "X-Aws-Parameters-Secrets-Token";
    public const string PortVariable = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT";

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(1);
    private const int MaxAttempts = 7;

    private readonly HttpClient _httpClient;
    private readonly Uri _baseAddress;
    private readonly string? _sessionToken;
    private readonly AwsJsonClient? _direct;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private bool _extensionAbsent;

    /// <param name="httpClient">The client to send requests with; its base address is ignored.</param>
    /// <param name="baseAddress">The extension, <c>http://localhost:{PARAMETERS_SECRETS_EXTENSION_HTTP_PORT}/</c>.</param>
    /// <param name="sessionToken">The value of <c>AWS_SESSION_TOKEN</c>; without it the extension cannot be asked.</param>
    /// <param name="direct">Reads from the AWS API when the extension is absent; <see langword="null"/> when there are no credentials or region.</param>
    /// <param name="timeProvider">The clock for the retry delays.</param>
    /// <param name="logger">Receives one event per retry, without secrets.</param>
    public ParametersSecretsClient(HttpClient httpClient, Uri baseAddress, string? sessionToken, AwsJsonClient? direct, TimeProvider timeProvider, ILogger<ParametersSecretsClient> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        if (string.IsNullOrEmpty(sessionToken) && direct is null)
        {
            throw new ArgumentException("Either a session token (for the extension) or a direct client is needed.", nameof(direct));
        }

        _httpClient = httpClient;
        _baseAddress = baseAddress;
        _sessionToken = string.IsNullOrEmpty(sessionToken) ? null : sessionToken;
        _direct = direct;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public static Uri DefaultAddress(int port) => new($"http://localhost:{port}/");

    /// <summary>The <c>SecretString</c> of a Secrets Manager secret, or its <c>SecretBinary</c> as base64.</summary>
    /// <param name="secretId">The secret's name or ARN.</param>
    /// <param name="fresh">Read from the AWS API when the function can, past the extension's cache (up to 5 minutes old).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<string> GetSecretStringAsync(string secretId, bool fresh = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        var what = $"Secrets Manager secret '{secretId}'";
        using var document = await GetAsync(
            $"secretsmanager/get?secretId={Uri.EscapeDataString(secretId)}", what, (direct, token) => direct.GetSecretValueAsync(secretId, token), fresh, cancellationToken);
        var root = document.RootElement;
        if (root.TryGetProperty("SecretString", out var text) && text.ValueKind == JsonValueKind.String)
        {
            return text.GetString()!;
        }

        if (root.TryGetProperty("SecretBinary", out var binary) && binary.ValueKind == JsonValueKind.String)
        {
            return binary.GetString()!;
        }

        throw new FunctionConfigurationException(
            $"The {what} has no SecretString: store the value (the PEM of server.key, or the consumer secret) as the secret's plaintext.");
    }

    /// <summary>The decrypted value of an SSM parameter (<c>Parameter.Value</c>).</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="fresh">Read from the AWS API when the function can, past the extension's cache (up to 5 minutes old).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<string> GetParameterValueAsync(string name, bool fresh = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var what = $"SSM parameter '{name}'";
        using var document = await GetAsync(
            $"systemsmanager/parameters/get?name={Uri.EscapeDataString(name)}&withDecryption=true", what, (direct, token) => direct.GetParameterAsync(name, token), fresh, cancellationToken);
        if (document.RootElement.TryGetProperty("Parameter", out var parameter)
            && parameter.TryGetProperty("Value", out var value)
            && value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }

        throw new FunctionConfigurationException($"The {what} answered without Parameter.Value: check that it is a String or SecureString parameter.");
    }

    private async Task<JsonDocument> GetAsync(
        string pathAndQuery, string what, Func<AwsJsonClient, CancellationToken, Task<JsonDocument>> readDirectly, bool fresh, CancellationToken cancellationToken)
    {
        if (_direct is not null && (_sessionToken is null || _extensionAbsent || fresh))
        {
            return await readDirectly(_direct, cancellationToken);
        }

        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseAddress, pathAndQuery));
            request.Headers.TryAddWithoutValidation(TokenHeader, _sessionToken);
            string? failure;
            try
            {
                using var response = await _httpClient.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                    try
                    {
                        return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
                    }
                    catch (JsonException)
                    {
                        throw new FunctionConfigurationException(
                            $"The AWS Parameters and Secrets Lambda Extension answered the request for the {what} with something other than JSON; check the extension layer version.");
                    }
                }

                if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    throw new FunctionConfigurationException(Explain(what, response.StatusCode));
                }

                failure = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException exception) when (attempt == 1 && _direct is not null && exception.HttpRequestError == HttpRequestError.ConnectionError)
            {
                // Nothing listens on the port: no extension layer. Even if it were only starting, the API gives the same answer.
                _extensionAbsent = true;
                LogNoExtension(_logger, what);
                return await readDirectly(_direct, cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                failure = exception.HttpRequestError.ToString();
            }

            if (attempt == MaxAttempts)
            {
                throw new FunctionConfigurationException(
                    $"The AWS Parameters and Secrets Lambda Extension did not answer the request for the {what} ({failure} after {attempt} attempts): " +
                    "add the extension layer to the function (ParametersSecretsExtensionLayerArn in the template), and check " +
                    $"{PortVariable} if you changed the port.");
            }

            LogRetrying(_logger, what, failure, attempt);
            await Task.Delay(delay, _timeProvider, cancellationToken);
            delay = delay * 2 < LongestRetryDelay ? delay * 2 : LongestRetryDelay;
        }
    }

    private static string Explain(string what, HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
            $"Reading the {what} was refused (HTTP {(int)status}): give the function's role secretsmanager:GetSecretValue (or ssm:GetParameter) " +
            "on it, plus kms:Decrypt when it is encrypted with a customer-managed key.",
        HttpStatusCode.NotFound or HttpStatusCode.BadRequest =>
            $"The {what} was not found (HTTP {(int)status}): check the name or ARN, and that it lives in the function's region.",
        _ => $"Reading the {what} failed with HTTP {(int)status}.",
    };

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "No Parameters and Secrets extension answers; reading the {What} from the AWS API")]
    private static partial void LogNoExtension(ILogger logger, string what);

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "The Parameters and Secrets extension did not answer for the {What} ({Failure}, attempt {Attempt}); retrying")]
    private static partial void LogRetrying(ILogger logger, string what, string failure, int attempt);
}
