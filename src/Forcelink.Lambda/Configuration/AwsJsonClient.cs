using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Forcelink.Lambda.Configuration;

/// <summary>
/// Reads a secret (Secrets Manager <c>GetSecretValue</c>) or a parameter (SSM <c>GetParameter</c>) straight from the AWS
/// API, signed with the execution role's credentials: what the function does when the Parameters and Secrets extension
/// layer is absent. Both are JSON 1.1 actions whose answers have the same shape the extension returns.
/// </summary>
internal sealed partial class AwsJsonClient
{
    private const string ContentType = "application/x-amz-json-1.1";
    private const int MaxAttempts = 3;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    private static readonly AwsService SecretsManager = new("secretsmanager", "SECRETS_MANAGER", "secretsmanager.GetSecretValue");
    private static readonly AwsService Ssm = new("ssm", "SSM", "AmazonSSM.GetParameter");

    private readonly HttpClient _httpClient;
    private readonly AwsCredentials _credentials;
    private readonly string _region;
    private readonly Func<string, string?> _getVariable;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <param name="httpClient">Sends the requests (HTTPS to AWS).</param>
    /// <param name="credentials">The execution role's credentials.</param>
    /// <param name="region"><c>AWS_REGION</c>.</param>
    /// <param name="getVariable">Reads <c>AWS_ENDPOINT_URL_SECRETS_MANAGER</c>, <c>AWS_ENDPOINT_URL_SSM</c> and <c>AWS_ENDPOINT_URL</c>, the SDKs' endpoint overrides.</param>
    /// <param name="timeProvider">Signs with its time and waits between retries.</param>
    /// <param name="logger">One event per retry, without secrets.</param>
    public AwsJsonClient(HttpClient httpClient, AwsCredentials credentials, string region, Func<string, string?> getVariable, TimeProvider timeProvider, ILogger<AwsJsonClient> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        ArgumentNullException.ThrowIfNull(getVariable);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _httpClient = httpClient;
        _credentials = credentials;
        _region = region.Trim();
        _getVariable = getVariable;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The <c>GetSecretValue</c> answer (with <c>SecretString</c> or <c>SecretBinary</c>).</summary>
    public Task<JsonDocument> GetSecretValueAsync(string secretId, CancellationToken cancellationToken = default) =>
        CallAsync(SecretsManager, RequestBody("SecretId", secretId, withDecryption: false), $"Secrets Manager secret '{secretId}'", cancellationToken);

    /// <summary>The <c>GetParameter</c> answer (<c>Parameter.Value</c>), decrypted.</summary>
    public Task<JsonDocument> GetParameterAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync(Ssm, RequestBody("Name", name, withDecryption: true), $"SSM parameter '{name}'", cancellationToken);

    /// <summary>Where a service's requests go (<c>secretsmanager</c> or <c>ssm</c>): its override variable, else
    /// <c>AWS_ENDPOINT_URL</c>, else the regional endpoint.</summary>
    public Uri Endpoint(string signingName)
    {
        var service = signingName == Ssm.SigningName ? Ssm
            : signingName == SecretsManager.SigningName ? SecretsManager
            : throw new ArgumentOutOfRangeException(nameof(signingName), signingName, "Only secretsmanager and ssm are called.");
        var configured = _getVariable($"AWS_ENDPOINT_URL_{service.EndpointSuffix}") ?? _getVariable("AWS_ENDPOINT_URL");
        if (configured is { Length: > 0 })
        {
            if (!Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || uri.IsLoopback))
            {
                // The session token travels in a header: never over plain HTTP off the machine.
                throw new FunctionConfigurationException(
                    $"AWS_ENDPOINT_URL_{service.EndpointSuffix} (or AWS_ENDPOINT_URL) '{configured}' is not an https:// URL (http:// only for loopback): fix it or unset it.");
            }

            return uri;
        }

        var domain = _region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://{service.SigningName}.{_region}.{domain}/");
    }

    private async Task<JsonDocument> CallAsync(AwsService service, byte[] body, string what, CancellationToken cancellationToken)
    {
        var endpoint = Endpoint(service.SigningName);
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            using var request = Sign(service, endpoint, body);
            string failure;
            try
            {
                using var response = await _httpClient.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    try
                    {
                        return JsonDocument.Parse(text);
                    }
                    catch (JsonException)
                    {
                        throw new FunctionConfigurationException($"AWS answered the request for the {what} with something other than JSON (HTTP {(int)response.StatusCode}).");
                    }
                }

                var (type, message) = ErrorOf(text);
                if (!IsTransient(response.StatusCode, type))
                {
                    throw new FunctionConfigurationException(Explain(what, service, response.StatusCode, type, message));
                }

                failure = $"HTTP {(int)response.StatusCode} {type}".TrimEnd();
            }
            catch (HttpRequestException exception)
            {
                failure = exception.HttpRequestError.ToString();
            }

            if (attempt == MaxAttempts)
            {
                throw new FunctionConfigurationException(
                    $"Reading the {what} from {endpoint.Host} failed {attempt} times ({failure}): check the function's network access to AWS " +
                    "(a function in a VPC needs a NAT gateway or an interface endpoint for the service), or add the Parameters and Secrets extension layer.");
            }

            LogRetrying(_logger, what, failure, attempt);
            await Task.Delay(delay, _timeProvider, cancellationToken);
            delay *= 2;
        }
    }

    private HttpRequestMessage Sign(AwsService service, Uri endpoint, byte[] body)
    {
        var at = _timeProvider.GetUtcNow();
        var amzDate = SigV4Signer.AmzDate(at);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = ContentType,
            ["host"] = endpoint.IsDefaultPort ? endpoint.Host : endpoint.Authority,
            ["x-amz-date"] = amzDate,
            ["x-amz-target"] = service.Target,
        };
        if (_credentials.SessionToken is { } token)
        {
            headers["x-amz-security-token"] = token;
        }

        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = MediaTypeHeaderValue.Parse(ContentType) } },
        };
        // Exactly the headers that were signed: Host and Content-Type come from the URI and the content.
        foreach (var (name, value) in headers.Where(h => h.Key.StartsWith("x-amz-", StringComparison.Ordinal)))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.TryAddWithoutValidation("Authorization",
            SigV4Signer.Authorization("POST", endpoint, headers, body, _credentials, _region, service.SigningName, at));
        return request;
    }

    private static byte[] RequestBody(string nameProperty, string value, bool withDecryption)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(nameProperty, value);
            if (withDecryption)
            {
                writer.WriteBoolean("WithDecryption", true);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The error's short type (after any <c>#</c>) and message from a JSON 1.1 error body.</summary>
    private static (string Type, string Message) ErrorOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var type = root.TryGetProperty("__type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
            var message = (root.TryGetProperty("message", out var m) || root.TryGetProperty("Message", out m)) && m.ValueKind == JsonValueKind.String
                ? m.GetString()!
                : "";
            return (type[(type.LastIndexOf('#') + 1)..], message);
        }
        catch (JsonException)
        {
            return ("", "");
        }
    }

    private static bool IsTransient(HttpStatusCode status, string type) =>
        (int)status >= 500 || status == HttpStatusCode.TooManyRequests
        || type is "ThrottlingException" or "ThrottledException" or "RequestLimitExceeded" or "InternalServiceError" or "InternalServerError";

    private string Explain(string what, AwsService service, HttpStatusCode status, string type, string message)
    {
        var action = service == Ssm ? "ssm:GetParameter" : "secretsmanager:GetSecretValue";
        var detail = $"HTTP {(int)status}{(type.Length > 0 ? $" {type}" : "")}{(message.Length > 0 ? $": {message}" : "")}";
        return type switch
        {
            "ResourceNotFoundException" or "ParameterNotFound" or "ParameterVersionNotFound" =>
                $"The {what} was not found ({detail}): check the name or ARN, and that it lives in the function's region ({_region}).",
            "AccessDeniedException" or "AccessDenied" =>
                $"Reading the {what} was refused ({detail}): give the function's role {action} on it, plus kms:Decrypt when it is encrypted with a customer-managed key.",
            "DecryptionFailure" or "KMSAccessDeniedException" or "KMSDisabledException" or "KMSInvalidStateException" or "KMSNotFoundException" =>
                $"The {what} could not be decrypted ({detail}): give the function's role kms:Decrypt on the key that encrypts it, and check that the key is enabled.",
            "UnrecognizedClientException" or "InvalidSignatureException" or "ExpiredTokenException" or "IncompleteSignature" or "InvalidClientTokenId" =>
                $"AWS did not accept the function's credentials for the {what} ({detail}): check {AwsCredentials.AccessKeyIdVariable}, " +
                $"{AwsCredentials.SecretAccessKeyVariable} and {EnvironmentVariables.SessionToken} (Lambda sets them for the execution role) and the clock.",
            _ => $"Reading the {what} failed ({detail}).",
        };
    }

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "AWS did not answer for the {What} ({Failure}, attempt {Attempt}); retrying")]
    private static partial void LogRetrying(ILogger logger, string what, string failure, int attempt);

    private sealed record AwsService(string SigningName, string EndpointSuffix, string Target);
}
