using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Forcelink.Lambda.Configuration;

/// <summary>
/// Reads secrets and SecureString parameters through the AWS Parameters and Secrets Lambda Extension
/// (<c>http://localhost:2773</c>, authenticated by <c>X-Aws-Parameters-Secrets-Token</c>), which needs no AWS SDK.
/// The extension may still be starting while the function initializes, so connection failures and 5xx are retried briefly.
/// </summary>
internal sealed partial class ParametersSecretsClient
{
    public const string TokenHeader = "X-Aws-Parameters-Secrets-Token";

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(1);
    private const int MaxAttempts = 7;

    private readonly HttpClient _httpClient;
    private readonly Uri _baseAddress;
    private readonly string _sessionToken;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <param name="httpClient">The client to send requests with; its base address is ignored.</param>
    /// <param name="baseAddress">The extension, <c>http://localhost:{PARAMETERS_SECRETS_EXTENSION_HTTP_PORT}/</c>.</param>
    /// <param name="sessionToken">The value of <c>AWS_SESSION_TOKEN</c>.</param>
    /// <param name="timeProvider">The clock for the retry delays.</param>
    /// <param name="logger">Receives one event per retry, without secrets.</param>
    public ParametersSecretsClient(HttpClient httpClient, Uri baseAddress, string sessionToken, TimeProvider timeProvider, ILogger<ParametersSecretsClient> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentException.ThrowIfNullOrEmpty(sessionToken);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _httpClient = httpClient;
        _baseAddress = baseAddress;
        _sessionToken = sessionToken;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public static Uri DefaultAddress(int port) => new($"http://localhost:{port}/");

    /// <summary>The <c>SecretString</c> of a Secrets Manager secret, or its <c>SecretBinary</c> as base64.</summary>
    public async Task<string> GetSecretStringAsync(string secretId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        var what = $"Secrets Manager secret '{secretId}'";
        using var document = await GetAsync($"secretsmanager/get?secretId={Uri.EscapeDataString(secretId)}", what, cancellationToken);
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
            $"The {what} has no SecretString: store the PEM of server.key as the secret's plaintext value.");
    }

    /// <summary>The decrypted value of an SSM parameter (<c>Parameter.Value</c>).</summary>
    public async Task<string> GetParameterValueAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var what = $"SSM parameter '{name}'";
        using var document = await GetAsync(
            $"systemsmanager/parameters/get?name={Uri.EscapeDataString(name)}&withDecryption=true", what, cancellationToken);
        if (document.RootElement.TryGetProperty("Parameter", out var parameter)
            && parameter.TryGetProperty("Value", out var value)
            && value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }

        throw new FunctionConfigurationException($"The {what} answered without Parameter.Value: check that it is a String or SecureString parameter.");
    }

    private async Task<JsonDocument> GetAsync(string pathAndQuery, string what, CancellationToken cancellationToken)
    {
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
            catch (HttpRequestException exception)
            {
                failure = exception.HttpRequestError.ToString();
            }

            if (attempt == MaxAttempts)
            {
                throw new FunctionConfigurationException(
                    $"The AWS Parameters and Secrets Lambda Extension did not answer the request for the {what} ({failure} after {attempt} attempts): " +
                    "add the extension layer to the function (ParametersSecretsExtensionLayerArn in the template), and check " +
                    $"{EnvironmentVariables.ExtensionPort} if you changed the port.");
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

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "The Parameters and Secrets extension did not answer for the {What} ({Failure}, attempt {Attempt}); retrying")]
    private static partial void LogRetrying(ILogger logger, string what, string failure, int attempt);
}
