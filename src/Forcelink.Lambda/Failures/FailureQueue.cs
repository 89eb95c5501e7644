using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Forcelink.Lambda.Events;
using Forcelink.Lambda.Observability;
using Forcelink.Operations;
using Microsoft.Extensions.Logging;
using Forcelink.Aws;

namespace Forcelink.Lambda.Failures;

/// <summary>A poison message (<see cref="FailureDisposition.Poison"/>): its id, where it came from, and why it failed.</summary>
internal sealed record PoisonMessage(string MessageId, SqsEvent.Origin Origin, OperationResult Error);

/// <summary>
/// The failure queue (<c>FORCELINK_FAILURE_QUEUE_URL</c>): poison messages go there with their error, so that the source
/// queue can delete them and someone can read why each failed, fix it, and send it again. Each failure message is a JSON
/// object (docs/fleet.md): the source message id, queue ARN and receive count, when it failed, the operation's answer
/// and the original body; its attributes <c>ErrorCode</c> and <c>SourceMessageId</c> let a reader filter without parsing.
/// </summary>
internal sealed partial class FailureQueue
{
    /// <summary>SQS takes at most 10 messages per <c>SendMessageBatch</c>.</summary>
    public const int MaxBatchEntries = 10;

    /// <summary>
    /// The most bytes of messages (bodies and attributes) in one call, and so in one message: 256 KiB is the limit of
    /// every queue created with the default MaximumMessageSize, and of every queue made before SQS allowed 1 MiB.
    /// </summary>
    public const int MaxBatchBytes = 256 * 1024;

    /// <summary>Calls in flight at once for a batch with many poison messages: 10,000 of them take 1,000 calls.</summary>
    private const int Parallelism = 4;

    /// <summary>Time kept back from the invocation's deadline to answer Lambda after the last send.</summary>
    private static readonly TimeSpan AnswerReserve = TimeSpan.FromMilliseconds(500);

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly AwsJsonClient _aws;
    private readonly string _functionName;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly bool _fifo;

    public FailureQueue(AwsJsonClient aws, Uri queueUrl, string functionName, TimeProvider timeProvider, ILogger<FailureQueue> logger)
    {
        ArgumentNullException.ThrowIfNull(aws);
        ArgumentNullException.ThrowIfNull(queueUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _aws = aws;
        QueueUrl = queueUrl;
        _functionName = functionName;
        _timeProvider = timeProvider;
        _logger = logger;
        _fifo = queueUrl.AbsolutePath.EndsWith(".fifo", StringComparison.Ordinal);
    }

    public Uri QueueUrl { get; }

    /// <summary>
    /// Sends each message to the failure queue, 10 to a call, stopping in time to answer before <paramref name="deadline"/>.
    /// Returns the ids of those SQS took: only these may be deleted from the source queue; the others stay failed items.
    /// </summary>
    public async Task<IReadOnlySet<string>> SendAsync(IReadOnlyList<PoisonMessage> messages, DateTimeOffset deadline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sent = new HashSet<string>(StringComparer.Ordinal);
        var left = deadline - AnswerReserve - _timeProvider.GetUtcNow();
        if (messages.Count == 0 || left <= TimeSpan.Zero)
        {
            foreach (var message in messages)
            {
                LogKept(_logger, message.MessageId, "the invocation is at its deadline");
            }

            return sent;
        }

        var at = _timeProvider.GetUtcNow();
        var calls = new List<List<(PoisonMessage Message, SqsBatchEntry Entry)>>();
        var call = new List<(PoisonMessage, SqsBatchEntry)>();
        var callBytes = 0;
        foreach (var message in messages)
        {
            var entry = ToEntry(message, at);
            var bytes = Size(entry);
            if (bytes > MaxBatchBytes)
            {
                LogKept(_logger, message.MessageId, $"with its error it has {bytes:N0} bytes, more than a message may have ({MaxBatchBytes:N0})");
                continue;
            }

            if (call.Count == MaxBatchEntries || callBytes + bytes > MaxBatchBytes)
            {
                calls.Add(call);
                (call, callBytes) = ([], 0);
            }

            call.Add((message, entry with { Id = call.Count.ToString(CultureInfo.InvariantCulture) }));
            callBytes += bytes;
        }

        if (call.Count > 0)
        {
            calls.Add(call);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = new CancellationTokenSource(left, _timeProvider);
        using var link = timer.Token.Register(static s => ((CancellationTokenSource)s!).Cancel(), stop);
        await Parallel.ForEachAsync(calls, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (entries, _) =>
        {
            var result = await _aws.SendMessageBatchAsync(QueueUrl, [.. entries.Select(e => e.Entry)], stop.Token).ConfigureAwait(false);
            lock (sent)
            {
                foreach (var (message, entry) in entries)
                {
                    if (result.Sent.Contains(entry.Id))
                    {
                        sent.Add(message.MessageId);
                        LogSent(_logger, message.MessageId, message.Error.ErrorCode ?? "");
                    }
                    else
                    {
                        LogKept(_logger, message.MessageId, result.Failed.GetValueOrDefault(entry.Id) ?? "not sent");
                    }
                }
            }
        }).ConfigureAwait(false);
        return sent;
    }

    /// <summary>The failure message's body: see the class summary and docs/fleet.md.</summary>
    public string Format(PoisonMessage message, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(message);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("messageId", message.MessageId);
            writer.WriteString("eventSourceARN", message.Origin.EventSourceArn);
            if (message.Origin.ReceiveCount is { } count)
            {
                writer.WriteNumber("approximateReceiveCount", count);
            }
            else
            {
                writer.WriteNull("approximateReceiveCount");
            }

            writer.WriteString("failedAt", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("function", _functionName);

            // The error text may quote what Salesforce or a transport said: a token or key in it is masked, as in the logs.
            // The body is the sender's own and is kept as sent: it is what gets fixed and sent again.
            var error = message.Error;
            var masked = error.Retryable
                ? OperationResult.Transient(error.StatusCode, error.ErrorCode ?? "", SecretMask.Apply(error.ErrorMessage), error.ErrorFields)
                : OperationResult.Failure(error.StatusCode, error.ErrorCode ?? "", SecretMask.Apply(error.ErrorMessage), error.ErrorFields);
            writer.WritePropertyName("result");
            masked.WriteTo(writer);
            writer.WriteString("body", message.Origin.Body);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private SqsBatchEntry ToEntry(PoisonMessage message, DateTimeOffset at) =>
        // Failures are independent of each other: on a FIFO queue each is its own group, and a repeat of the same source
        // message within SQS's five-minute window (an invocation that died after sending) is dropped.
        new(
            "",
            Format(message, at),
            [("ErrorCode", message.Error.ErrorCode is { Length: > 0 } code ? code : "UNKNOWN_ERROR"), ("SourceMessageId", message.MessageId)],
            _fifo ? Hashed(message.MessageId) : null,
            _fifo ? Hashed(message.MessageId) : null);

    // Group and deduplication ids allow 128 characters of printable ASCII; a message id may be anything.
    private static string Hashed(string messageId) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(messageId)));

    // How SQS counts a message's size: its body, and each attribute's name, type and value, in UTF-8 bytes.
    private static int Size(SqsBatchEntry entry) =>
        Encoding.UTF8.GetByteCount(entry.Body)
        + entry.Attributes.Sum(a => Encoding.UTF8.GetByteCount(a.Name) + "String".Length + Encoding.UTF8.GetByteCount(a.Value));

    [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "SQS message {MessageId} is poison ({ErrorCode}): sent to the failure queue; SQS deletes it")]
    private static partial void LogSent(ILogger logger, string messageId, string errorCode);

    [LoggerMessage(EventId = 311, Level = LogLevel.Warning, Message = "SQS message {MessageId} is poison but stays in its queue as a failed item: not sent to the failure queue ({Reason})")]
    private static partial void LogKept(ILogger logger, string messageId, string reason);
}
