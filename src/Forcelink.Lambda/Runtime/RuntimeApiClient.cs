using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Forcelink.Lambda.Runtime;

/// <summary>
/// The four calls of the Lambda Runtime API (version 2018-06-01) a custom runtime needs: next invocation, response,
/// invocation error and init error. Any 500 becomes a <see cref="RuntimeApiException"/> the loop treats as fatal.
/// </summary>
internal sealed class RuntimeApiClient
{
    public const string ApiVersion = "2018-06-01";
    public const string ErrorContentType = "application/vnd.aws.lambda.error+json";
    public const string RequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
    public const string DeadlineHeader = "Lambda-Runtime-Deadline-Ms";
    public const string FunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";
    public const string TraceIdHeader = "Lambda-Runtime-Trace-Id";
    public const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    // Used when the deadline header is missing or unreadable: Lambda's longest timeout.
    private static readonly TimeSpan FallbackTimeout = TimeSpan.FromMinutes(15);

    private readonly HttpClient _httpClient;
    private readonly TimeProvider _timeProvider;

    /// <param name="httpClient">A client without timeout, see <see cref="CreateHttpClient"/>.</param>
    /// <param name="runtimeApi">The value of <c>AWS_LAMBDA_RUNTIME_API</c>: host and port, possibly followed by a path.</param>
    /// <param name="timeProvider">The clock that turns the deadline into remaining time.</param>
    public RuntimeApiClient(HttpClient httpClient, string runtimeApi, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentException.ThrowIfNullOrWhiteSpace(runtimeApi);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _httpClient = httpClient;
        _timeProvider = timeProvider;
        BaseAddress = new Uri($"http://{runtimeApi.Trim().TrimEnd('/')}/{ApiVersion}/");
    }

    public Uri BaseAddress { get; }

    /// <summary>The HTTP client for the Runtime API.</summary>
    public static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false })
        {
            // GET /next long-polls, and Lambda freezes the process between invocations while that request is open:
            // any timeout would fire on thaw and lose the event. Lambda's own deadline bounds every invocation instead.
            Timeout = Timeout.InfiniteTimeSpan,
        };

    public async Task<Invocation> GetNextInvocationAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _httpClient.GetAsync(
            new Uri(BaseAddress, "runtime/invocation/next"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, "GET /runtime/invocation/next", cancellationToken);

        var requestId = Header(response, RequestIdHeader)
            ?? throw new RuntimeApiException($"The Runtime API sent an event without {RequestIdHeader}; the runtime cannot answer it.");
        var deadline = long.TryParse(Header(response, DeadlineHeader), NumberStyles.None, CultureInfo.InvariantCulture, out var epochMs)
            ? DateTimeOffset.FromUnixTimeMilliseconds(epochMs)
            : _timeProvider.GetUtcNow() + FallbackTimeout;
        var context = new InvocationContext(
            requestId, deadline, Header(response, FunctionArnHeader), Header(response, TraceIdHeader), _timeProvider);
        try
        {
            var (buffer, length) = await ReadEventAsync(response.Content, cancellationToken);
            return new Invocation(buffer, length, context);
        }
        catch (IOException e)
        {
            // The loop stops on Runtime API failures; a body cut short is one (Lambda then starts a new environment).
            throw new RuntimeApiException($"The Runtime API connection broke while sending event {requestId}: {e.Message}", innerException: e);
        }
    }

    // The event is read once into one pooled buffer, which the next invocation reuses. HttpClient's own buffering holds
    // it twice (its buffer, then the array it copies out), both large objects: for a 6 MB SQS batch, new ones on every
    // invocation.
    private static async Task<(byte[] Buffer, int Length)> ReadEventAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken);
        await using (stream.ConfigureAwait(false))
        {
            if (content.Headers.ContentLength is { } announced && announced <= Array.MaxLength)
            {
                var buffer = announced == 0 ? [] : ArrayPool<byte>.Shared.Rent((int)announced);
                try
                {
                    // HttpClient fails a body that ends before its Content-Length, and never reads past it.
                    await stream.ReadExactlyAsync(buffer.AsMemory(0, (int)announced), cancellationToken);
                    return (buffer, (int)announced);
                }
                catch
                {
                    ReturnToPool(buffer);
                    throw;
                }
            }

            return await ReadChunkedAsync(stream, cancellationToken);
        }
    }

    // Without a length, the body arrives in small pooled chunks (short-lived, never large objects) and is copied once
    // into a buffer of its final size.
    private static async Task<(byte[] Buffer, int Length)> ReadChunkedAsync(Stream stream, CancellationToken cancellationToken)
    {
        const int ChunkSize = 64 * 1024;
        var chunks = new List<(byte[] Chunk, int Length)>();
        try
        {
            var total = 0L;
            while (true)
            {
                var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
                var filled = 0;
                int read;
                while (filled < chunk.Length && (read = await stream.ReadAsync(chunk.AsMemory(filled), cancellationToken)) > 0)
                {
                    filled += read;
                }

                chunks.Add((chunk, filled));
                total += filled;
                if (total > Array.MaxLength)
                {
                    throw new RuntimeApiException($"The Runtime API sent an event of more than {Array.MaxLength:N0} bytes; the runtime cannot hold it.");
                }

                if (filled < chunk.Length)
                {
                    break;
                }
            }

            var buffer = total == 0 ? [] : ArrayPool<byte>.Shared.Rent((int)total);
            var offset = 0;
            foreach (var (chunk, length) in chunks)
            {
                chunk.AsSpan(0, length).CopyTo(buffer.AsSpan(offset));
                offset += length;
            }

            return (buffer, offset);
        }
        finally
        {
            foreach (var (chunk, _) in chunks)
            {
                ReturnToPool(chunk);
            }
        }
    }

    private static void ReturnToPool(byte[] buffer)
    {
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task SendResponseAsync(string requestId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        using var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _httpClient.PostAsync(InvocationUri(requestId, "response"), content, cancellationToken);
        await EnsureSuccessAsync(response, "POST /runtime/invocation/{id}/response", cancellationToken);
    }

    public Task SendInvocationErrorAsync(string requestId, ErrorReport error, CancellationToken cancellationToken = default) =>
        SendErrorAsync(InvocationUri(requestId, "error"), error, "POST /runtime/invocation/{id}/error", cancellationToken);

    public Task SendInitErrorAsync(ErrorReport error, CancellationToken cancellationToken = default) =>
        SendErrorAsync(new Uri(BaseAddress, "runtime/init/error"), error, "POST /runtime/init/error", cancellationToken);

    private async Task SendErrorAsync(Uri uri, ErrorReport error, string call, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(error, LambdaJsonContext.Default.ErrorReport));
        content.Headers.ContentType = new MediaTypeHeaderValue(ErrorContentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        request.Headers.TryAddWithoutValidation(ErrorTypeHeader, error.ErrorType);
        using var response = await _httpClient.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, call, cancellationToken);
    }

    private Uri InvocationUri(string requestId, string action) =>
        new(BaseAddress, $"runtime/invocation/{Uri.EscapeDataString(requestId)}/{action}");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var detail = body.Length > 500 ? body[..500] : body;
        var message = response.StatusCode == HttpStatusCode.InternalServerError
            ? $"{call} returned 500: the Runtime API reports a container error (non-recoverable); the runtime exits. {detail}"
            : $"{call} returned {(int)response.StatusCode}: {detail}";
        throw new RuntimeApiException(message, response.StatusCode);
    }
}
