using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Forcelink.Aws;

/// <summary>
/// The AWS JSON-protocol actions the function calls itself, signed with the execution role's credentials: a secret
/// (Secrets Manager <c>GetSecretValue</c>) or a parameter (SSM <c>GetParameter</c>) when the Parameters and Secrets
/// extension layer is absent, both JSON 1.1 actions whose answers have the same shape the extension returns; and SQS
/// <c>SendMessageBatch</c> (JSON 1.0), which puts poison messages on the failure queue. Three actions do not justify an
/// SDK package each: the signing is the same for all of them, and AWSSDK.SQS would add its trimming surface to the AOT
/// binary for one call.
/// </summary>
internal sealed partial class AwsJsonClient
{
    private const int MaxAttempts = 3;
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    private static readonly AwsService SecretsManager = new("secretsmanager", "SECRETS_MANAGER", "application/x-amz-json-1.1");
    private static readonly AwsService Ssm = new("ssm", "SSM", "application/x-amz-json-1.1");
    private static readonly AwsService Sqs = new("sqs", "SQS", "application/x-amz-json-1.0");

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
        ReadAsync(SecretsManager, "secretsmanager.GetSecretValue", RequestBody("SecretId", secretId, withDecryption: false), $"Secrets Manager secret '{secretId}'", cancellationToken);

    /// <summary>The <c>GetParameter</c> answer (<c>Parameter.Value</c>), decrypted.</summary>
    public Task<JsonDocument> GetParameterAsync(string name, CancellationToken cancellationToken = default) =>
        ReadAsync(Ssm, "AmazonSSM.GetParameter", RequestBody("Name", name, withDecryption: true), $"SSM parameter '{name}'", cancellationToken);

    /// <summary>
    /// Sends up to 10 messages to a queue with one <c>SendMessageBatch</c> call. Never throws for AWS's answer: every
    /// entry is either sent or failed with the reason, and when the call itself fails, all of them fail with its reason.
    /// </summary>
    /// <remarks>
    /// One attempt only: the caller keeps an unsent poison message in its source queue, so SQS delivering it again is the
    /// retry, and the invocation's remaining time stays with the batch.
    /// </remarks>
    public async Task<SqsBatchResult> SendMessageBatchAsync(Uri queueUrl, IReadOnlyList<SqsBatchEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queueUrl);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(entries.Count, 10, nameof(entries));
        var (endpoint, region) = QueueEndpoint(queueUrl);
        string failure;
        try
        {
            var answer = await CallAsync(Sqs, "AmazonSQS.SendMessageBatch", endpoint, region, SendMessageBatchBody(queueUrl, entries), 1, "failure queue", cancellationToken);
            using var json = answer.Json;
            if (json is not null)
            {
                return SqsBatchResult.From(json.RootElement, entries);
            }

            failure = answer.Failure + (answer.Message.Length > 0 ? $": {answer.Message}" : "");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            failure = "time ran out";
        }
        catch (OperationCanceledException)
        {
            // HttpClient's own timeout.
            failure = "no answer in time";
        }

        return new SqsBatchResult([], entries.ToDictionary(e => e.Id, _ => failure, StringComparer.Ordinal));
    }

    /// <summary>Where a service's requests go (<c>secretsmanager</c>, <c>ssm</c> or <c>sqs</c>): its override variable, else
    /// <c>AWS_ENDPOINT_URL</c>, else the regional endpoint.</summary>
    public Uri Endpoint(string signingName)
    {
        var service = ServiceNamed(signingName);
        var domain = _region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return ConfiguredEndpoint(service) ?? new Uri($"https://{service.SigningName}.{_region}.{domain}/");
    }

    /// <summary>
    /// Where requests about a queue go, and the region they are signed for: the endpoint override when set; else the
    /// queue URL's own host (<c>sqs.REGION.amazonaws.com</c>), whose region may differ from the function's; else, for a
    /// legacy <c>REGION.queue.amazonaws.com</c> URL, that region's endpoint; else (a VPC endpoint's name, a local SQS)
    /// the URL's host in the function's region.
    /// </summary>
    public (Uri Endpoint, string Region) QueueEndpoint(Uri queueUrl)
    {
        ArgumentNullException.ThrowIfNull(queueUrl);
        if (ConfiguredEndpoint(Sqs) is { } configured)
        {
            return (configured, _region);
        }

        var host = queueUrl.Host;
        if (SqsHost().Match(host) is { Success: true } regional)
        {
            return (new Uri($"https://{host}/"), regional.Groups["region"].Value);
        }

        if (LegacyQueueHost().Match(host) is { Success: true } legacy)
        {
            var region = legacy.Groups["region"].Success ? legacy.Groups["region"].Value : "us-east-1";
            return (new Uri($"https://sqs.{region}.amazonaws.com/"), region);
        }

        return (new Uri(queueUrl.GetLeftPart(UriPartial.Authority) + "/"), _region);
    }

    [GeneratedRegex(@"^sqs\.(?<region>[a-z]{2}(-[a-z]+)+-\d+)\.amazonaws\.com(\.cn)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SqsHost();

    [GeneratedRegex(@"^((?<region>[a-z]{2}(-[a-z]+)+-\d+)\.)?queue\.amazonaws\.com$", RegexOptions.CultureInvariant)]
    private static partial Regex LegacyQueueHost();

    private static AwsService ServiceNamed(string signingName) =>
        signingName == Ssm.SigningName ? Ssm
        : signingName == SecretsManager.SigningName ? SecretsManager
        : signingName == Sqs.SigningName ? Sqs
        : throw new ArgumentOutOfRangeException(nameof(signingName), signingName, "Only secretsmanager, ssm and sqs are called.");

    private Uri? ConfiguredEndpoint(AwsService service)
    {
        var configured = _getVariable($"AWS_ENDPOINT_URL_{service.EndpointSuffix}") ?? _getVariable("AWS_ENDPOINT_URL");
        if (configured is not { Length: > 0 })
        {
            return null;
        }

        if (!Uri.TryCreate(configured.Trim(), UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || uri.IsLoopback))
        {
            // The session token travels in a header: never over plain HTTP off the machine.
            throw new FunctionConfigurationException(
                $"AWS_ENDPOINT_URL_{service.EndpointSuffix} (or AWS_ENDPOINT_URL) '{configured}' is not an https:// URL (http:// only for loopback): fix it or unset it.");
        }

        return uri;
    }

    /// <summary>A secret or parameter, read once at init: any failure stops the init with what to fix.</summary>
    private async Task<JsonDocument> ReadAsync(AwsService service, string target, byte[] body, string what, CancellationToken cancellationToken)
    {
        var endpoint = Endpoint(service.SigningName);
        var answer = await CallAsync(service, target, endpoint, _region, body, MaxAttempts, what, cancellationToken);
        return answer switch
        {
            { Json: { } json } => json,
            { Transient: true } => throw new FunctionConfigurationException(
                $"Reading the {what} from {endpoint.Host} failed {MaxAttempts} times ({answer.Failure}): check the function's network access to AWS " +
                "(a function in a VPC needs a NAT gateway or an interface endpoint for the service), or add the Parameters and Secrets extension layer."),
            { Status: { } status } when (int)status is >= 200 and < 300 =>
                throw new FunctionConfigurationException($"AWS answered the request for the {what} with something other than JSON (HTTP {(int)status})."),
            _ => throw new FunctionConfigurationException(Explain(what, service, answer.Status!.Value, answer.Type, answer.Message)),
        };
    }

    /// <summary>
    /// Signs and sends one action, retrying transient failures (5xx, throttling, no connection) up to
    /// <paramref name="maxAttempts"/> times; the answer says what came back last.
    /// </summary>
    private async Task<AwsAnswer> CallAsync(AwsService service, string target, Uri endpoint, string region, byte[] body, int maxAttempts, string what, CancellationToken cancellationToken)
    {
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            using var request = Sign(service, target, endpoint, region, body);
            AwsAnswer answer;
            try
            {
                using var response = await _httpClient.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    try
                    {
                        return new AwsAnswer(JsonDocument.Parse(text), response.StatusCode, "", "", false, "");
                    }
                    catch (JsonException)
                    {
                        return new AwsAnswer(null, response.StatusCode, "", "", false, $"HTTP {(int)response.StatusCode} with something other than JSON");
                    }
                }

                var (type, message) = ErrorOf(text);
                var failure = $"HTTP {(int)response.StatusCode} {type}".TrimEnd();
                answer = new AwsAnswer(null, response.StatusCode, type, message, IsTransient(response.StatusCode, type), failure);
            }
            catch (HttpRequestException exception)
            {
                answer = new AwsAnswer(null, null, "", "", true, exception.HttpRequestError.ToString());
            }

            if (!answer.Transient || attempt >= maxAttempts)
            {
                return answer;
            }

            LogRetrying(_logger, what, answer.Failure, attempt);
            await Task.Delay(delay, _timeProvider, cancellationToken);
            delay *= 2;
        }
    }

    private HttpRequestMessage Sign(AwsService service, string target, Uri endpoint, string region, byte[] body)
    {
        var at = _timeProvider.GetUtcNow();
        var amzDate = SigV4Signer.AmzDate(at);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = service.ContentType,
            ["host"] = endpoint.IsDefaultPort ? endpoint.Host : endpoint.Authority,
            ["x-amz-date"] = amzDate,
            ["x-amz-target"] = target,
        };
        if (_credentials.SessionToken is { } token)
        {
            headers["x-amz-security-token"] = token;
        }

        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = MediaTypeHeaderValue.Parse(service.ContentType) } },
        };
        // Exactly the headers that were signed: Host and Content-Type come from the URI and the content.
        foreach (var (name, value) in headers.Where(h => h.Key.StartsWith("x-amz-", StringComparison.Ordinal)))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.TryAddWithoutValidation("Authorization",
            SigV4Signer.Authorization("POST", endpoint, headers, body, _credentials, region, service.SigningName, at));
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

    private static byte[] SendMessageBatchBody(Uri queueUrl, IReadOnlyList<SqsBatchEntry> entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("QueueUrl", queueUrl.AbsoluteUri);
            writer.WriteStartArray("Entries");
            foreach (var entry in entries)
            {
                writer.WriteStartObject();
                writer.WriteString("Id", entry.Id);
                writer.WriteString("MessageBody", entry.Body);
                if (entry.DelaySeconds is { } delay)
                {
                    writer.WriteNumber("DelaySeconds", delay);
                }

                if (entry.Attributes.Count > 0)
                {
                    writer.WriteStartObject("MessageAttributes");
                    foreach (var (name, value) in entry.Attributes)
                    {
                        writer.WriteStartObject(name);
                        writer.WriteString("DataType", "String");
                        writer.WriteString("StringValue", value);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndObject();
                }

                if (entry.GroupId is { } group)
                {
                    writer.WriteString("MessageGroupId", group);
                }

                if (entry.DeduplicationId is { } deduplication)
                {
                    writer.WriteString("MessageDeduplicationId", deduplication);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
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
                $"{AwsCredentials.SecretAccessKeyVariable} and {AwsCredentials.SessionTokenVariable} (Lambda sets them for the execution role) and the clock.",
            _ => $"Reading the {what} failed ({detail}).",
        };
    }

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "AWS did not answer for the {What} ({Failure}, attempt {Attempt}); retrying")]
    private static partial void LogRetrying(ILogger logger, string what, string failure, int attempt);

    private sealed record AwsService(string SigningName, string EndpointSuffix, string ContentType);

    /// <summary>What came back for one call: the JSON answer, or the last failure and whether it was transient.</summary>
    private sealed record AwsAnswer(JsonDocument? Json, HttpStatusCode? Status, string Type, string Message, bool Transient, string Failure);
}
