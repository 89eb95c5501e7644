using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Forcelink.Aws;

namespace Forcelink.IntegrationTests.Lambda;

/// <summary>
/// SQS's <c>SendMessageBatch</c> and <c>ReceiveMessage</c> in the JSON 1.0 protocol (<c>X-Amz-Target: AmazonSQS.*</c>,
/// <c>application/x-amz-json-1.0</c>) that current SDKs speak, on 127.0.0.1 (free port). Written because the npm SQS
/// servers for tests (sqslite 2.1.1) speak only the older query protocol: form-encoded actions answered in XML.
/// </summary>
/// <remarks>
/// What SQS checks, this checks too: the SigV4 signature (recomputed from the wire with the role's known credentials,
/// 403 <c>InvalidSignatureException</c>), the content type, the queue (400 <c>QueueDoesNotExist</c>), 1 to 10 entries
/// with distinct ids of letters, digits, '-' and '_', the 256 KiB total (<c>BatchRequestTooLong</c>), String attributes
/// with a value. Errors have SQS's JSON shape (<c>__type</c> with the <c>com.amazonaws.sqs#</c> prefix, <c>message</c>).
/// </remarks>
public sealed class FakeSqs : IAsyncDisposable
{
    private const string ContentType = "application/x-amz-json-1.0";
    private const int MaxBatchBytes = 256 * 1024;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<JsonObject>> _queues = new(StringComparer.Ordinal);
    private int _requests;

    private FakeSqs(WebApplication app, AwsCredentials role, string region)
    {
        _app = app;
        Role = role;
        Region = region;
    }

    internal AwsCredentials Role { get; }

    public string Region { get; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Requests received, whatever their answer.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Entries whose body matches are answered in <c>Failed</c> (<c>InternalError</c>), as SQS may for some entries of a batch.</summary>
    public Func<string, bool> FailEntry { get; set; } = _ => false;

    internal static async Task<FakeSqs> StartAsync(AwsCredentials role, string region = "eu-west-1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeSqs(app, role, region);
        app.MapPost("/", fake.AnswerAsync);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        fake.BaseAddress = new Uri(app.Urls.Single() + "/");
        return fake;
    }

    /// <summary>Creates a queue and returns its URL, shaped as SQS gives it: the endpoint, the account id, the name.</summary>
    public Uri CreateQueue(string name)
    {
        _queues.TryAdd(name, new ConcurrentQueue<JsonObject>());
        return new Uri(BaseAddress, $"000000000000/{name}");
    }

    /// <summary>Receives up to 10 messages with every attribute, through the API: a signed <c>ReceiveMessage</c> call.</summary>
    internal async Task<JsonArray> ReceiveAsync(HttpClient http, Uri queueUrl, CancellationToken cancellationToken = default)
    {
        var body = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["QueueUrl"] = queueUrl.AbsoluteUri,
            ["MaxNumberOfMessages"] = 10,
            ["MessageAttributeNames"] = new JsonArray("All"),
        }.ToJsonString());
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = ContentType,
            ["host"] = BaseAddress.Authority,
            ["x-amz-date"] = SigV4Signer.AmzDate(at),
            ["x-amz-security-token"] = Role.SessionToken!,
            ["x-amz-target"] = "AmazonSQS.ReceiveMessage",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, BaseAddress)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(ContentType) } },
        };
        foreach (var (name, value) in headers.Where(h => h.Key.StartsWith("x-amz-", StringComparison.Ordinal)))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.TryAddWithoutValidation("Authorization", SigV4Signer.Authorization("POST", BaseAddress, headers, body, Role, Region, "sqs", at));
        using var response = await http.SendAsync(request, cancellationToken);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
        Assert.True(response.IsSuccessStatusCode, answer.ToJsonString());
        return answer["Messages"]!.AsArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext http)
    {
        Interlocked.Increment(ref _requests);
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = buffer.ToArray();
        if (!FakeAwsJsonApi.SignatureHolds(http.Request, body, "sqs", Role, Region))
        {
            await ErrorAsync(http, 403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided.");
            return;
        }

        if (http.Request.ContentType != ContentType)
        {
            await ErrorAsync(http, 400, "InvalidParameterValue", $"Content-Type {http.Request.ContentType} is not {ContentType}.");
            return;
        }

        var request = JsonNode.Parse(body)!.AsObject();
        var queue = Queue(request["QueueUrl"]?.GetValue<string>());
        if (queue is null)
        {
            await ErrorAsync(http, 400, "QueueDoesNotExist", "The specified queue does not exist.");
            return;
        }

        switch (http.Request.Headers["X-Amz-Target"].ToString())
        {
            case "AmazonSQS.SendMessageBatch":
                await SendMessageBatchAsync(http, request, queue);
                break;
            case "AmazonSQS.ReceiveMessage":
                await ReceiveMessageAsync(http, request, queue);
                break;
            default:
                await ErrorAsync(http, 400, "UnsupportedOperation", "This fake answers SendMessageBatch and ReceiveMessage.");
                break;
        }
    }

    private ConcurrentQueue<JsonObject>? Queue(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Authority != BaseAddress.Authority)
        {
            return null;
        }

        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments is ["000000000000", var name] && _queues.TryGetValue(name, out var queue) ? queue : null;
    }

    private async Task SendMessageBatchAsync(HttpContext http, JsonObject request, ConcurrentQueue<JsonObject> queue)
    {
        var entries = request["Entries"]?.AsArray() ?? [];
        if (entries.Count == 0)
        {
            await ErrorAsync(http, 400, "EmptyBatchRequest", "There should be at least one SendMessageBatchRequestEntry in the request.");
            return;
        }

        if (entries.Count > 10)
        {
            await ErrorAsync(http, 400, "TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10.");
            return;
        }

        var ids = entries.Select(e => e!["Id"]?.GetValue<string>() ?? "").ToList();
        if (ids.Any(id => id.Length is 0 or > 80 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            await ErrorAsync(http, 400, "InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, hyphens and underscores.");
            return;
        }

        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
        {
            await ErrorAsync(http, 400, "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.");
            return;
        }

        var total = 0;
        foreach (var entry in entries)
        {
            total += Encoding.UTF8.GetByteCount(entry!["MessageBody"]?.GetValue<string>() ?? "");
            foreach (var (name, attribute) in entry["MessageAttributes"]?.AsObject() ?? [])
            {
                var value = attribute?["StringValue"]?.GetValue<string>();
                if (attribute?["DataType"]?.GetValue<string>() != "String" || string.IsNullOrEmpty(value))
                {
                    await ErrorAsync(http, 400, "InvalidParameterValue", $"Message attribute '{name}' must have DataType String and a non-empty StringValue.");
                    return;
                }

                total += Encoding.UTF8.GetByteCount(name) + "String".Length + Encoding.UTF8.GetByteCount(value);
            }
        }

        if (total > MaxBatchBytes)
        {
            await ErrorAsync(http, 400, "BatchRequestTooLong", $"Batch requests cannot be longer than {MaxBatchBytes} bytes.");
            return;
        }

        var successful = new JsonArray();
        var failed = new JsonArray();
        foreach (var entry in entries)
        {
            var id = entry!["Id"]!.GetValue<string>();
            var text = entry["MessageBody"]?.GetValue<string>() ?? "";
            if (FailEntry(text))
            {
                failed.Add((JsonNode)new JsonObject { ["Id"] = id, ["SenderFault"] = false, ["Code"] = "InternalError", ["Message"] = "The request processing has failed." });
                continue;
            }

            var messageId = Guid.NewGuid().ToString();
            queue.Enqueue(new JsonObject
            {
                ["MessageId"] = messageId,
                ["ReceiptHandle"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(messageId)),
                ["MD5OfBody"] = Md5(text),
                ["Body"] = text,
                ["MessageAttributes"] = entry["MessageAttributes"]?.DeepClone() ?? new JsonObject(),
                ["Attributes"] = new JsonObject
                {
                    ["MessageGroupId"] = entry["MessageGroupId"]?.DeepClone(),
                    ["MessageDeduplicationId"] = entry["MessageDeduplicationId"]?.DeepClone(),

                    // Not held back here: the delay asked for is kept for the test to read.
                    ["DelaySeconds"] = entry["DelaySeconds"]?.DeepClone(),
                },
            });
            successful.Add((JsonNode)new JsonObject { ["Id"] = id, ["MessageId"] = messageId, ["MD5OfMessageBody"] = Md5(text) });
        }

        await JsonAsync(http, new JsonObject { ["Successful"] = successful, ["Failed"] = failed });
    }

    private static async Task ReceiveMessageAsync(HttpContext http, JsonObject request, ConcurrentQueue<JsonObject> queue)
    {
        var max = request["MaxNumberOfMessages"]?.GetValue<int>() ?? 1;
        if (max is < 1 or > 10)
        {
            await ErrorAsync(http, 400, "InvalidParameterValue", "Value for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10.");
            return;
        }

        var names = request["MessageAttributeNames"]?.AsArray().Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
        var messages = new JsonArray();
        while (messages.Count < max && queue.TryDequeue(out var message))
        {
            // As SQS does, attributes come back only when asked for, by name or with All.
            var copy = message.DeepClone().AsObject();
            var attributes = copy["MessageAttributes"]!.AsObject();
            foreach (var name in attributes.Select(a => a.Key).Where(n => !names.Contains("All") && !names.Contains(n)).ToList())
            {
                attributes.Remove(name);
            }

            messages.Add((JsonNode)copy);
        }

        await JsonAsync(http, new JsonObject { ["Messages"] = messages });
    }

    // SQS's own digest of a body, which a client may check; not a security use.
#pragma warning disable CA5351 // MD5 is what SQS answers with.
    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351

    private static Task JsonAsync(HttpContext http, JsonObject body)
    {
        http.Response.ContentType = ContentType;
        return http.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8, http.RequestAborted);
    }

    private static Task ErrorAsync(HttpContext http, int status, string type, string message)
    {
        http.Response.StatusCode = status;
        return JsonAsync(http, new JsonObject { ["__type"] = $"com.amazonaws.sqs#{type}", ["message"] = message });
    }
}
