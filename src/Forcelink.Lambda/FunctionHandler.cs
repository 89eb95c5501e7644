using System.Text.Json;
using Forcelink.Lambda.Events;
using Forcelink.Lambda.Failures;
using Forcelink.Lambda.Runtime;
using Forcelink.Lambda.S3;
using Forcelink.Operations;
using Microsoft.Extensions.Logging;
using Forcelink.Aws.Metrics;
using Forcelink.Aws.Fleet;

namespace Forcelink.Lambda;

/// <summary>
/// Turns one event into one answer with the shared <see cref="OperationHandler"/>: a direct invoke is one operation, an
/// HTTP API request is routed to one, an SQS batch runs its messages together. Expected failures are answered
/// (<c>ok:false</c>); an unexpected exception propagates, and the runtime reports it as an invocation error.
/// </summary>
/// <remarks>
/// An SQS message whose failure is permanent (<see cref="FailureClassifier"/>) goes to <paramref name="failureQueue"/>
/// with its error and is then left out of <c>batchItemFailures</c>, so SQS deletes it; without a failure queue, or when
/// sending there fails, it is a failed item like any other.
/// </remarks>
internal sealed partial class FunctionHandler(
    IdempotentOperationHandler operations,
    EmbeddedMetrics metrics,
    TimeProvider timeProvider,
    ILogger<FunctionHandler> logger,
    FailureQueue? failureQueue = null,
    S3Loader? s3Loader = null)
{
    // Lambda's synchronous payload limit: an SQS batch or HTTP request can be larger than one operation, never larger than this.
    private const int MaxEventSize = 6 * 1024 * 1024;

    // An SQS batch is handled 400 messages at a time, a multiple of the 200 records a collections call takes, so a
    // 10,000-message batch of one kind still takes 50 calls, while the function holds the requests and records of one
    // slice, not of the whole batch. Measured on the AOT function with 10,000 upserts: 1,000 per slice peaked at 60 MB,
    // 400 to 500 at 56 MB (fewer survivors promoted by the collections during a slice); 200 saved nothing more and splits
    // mixed batches into more calls.
    private const int SqsSlice = 400;

    public async Task<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> eventJson, InvocationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        LogReceived(logger, eventJson.Length, context.RemainingTime.TotalMilliseconds);
        if (s3Loader is not null && S3LoadEvent.TryRead(eventJson.Span, out var loadsFromSqs, out var loads))
        {
            return await s3Loader.HandleAsync(loadsFromSqs, loads, context.Deadline, cancellationToken).ConfigureAwait(false);
        }

        var (sqs, batch, unidentified, document, error) = Open(eventJson);
        if (sqs && unidentified is not null)
        {
            LogMessageFailed(logger, "", 400, "INVALID_REQUEST", $"The batch is answered as failed whole: {unidentified}.");
            return SqsEvent.WholeBatchFailed();
        }

        // Outside Open's catch: a JsonException while handling the batch is not a malformed event.
        if (sqs)
        {
            return await HandleSqsAsync(eventJson, batch, context.Deadline, cancellationToken).ConfigureAwait(false);
        }

        if (document is null && error is null)
        {
            // A direct event, read from its bytes by the one parser of requests, without checking them a second time.
            return (OperationRequest.TryParseChecked(eventJson.Span, out var request, out var invalid)
                ? await HandleOneAsync(request, "direct", context.Deadline, cancellationToken).ConfigureAwait(false)
                : invalid).ToJsonBytes();
        }

        if (document is null)
        {
            LogAnswered(logger, "direct", error!.StatusCode, error.ErrorCode ?? "");
            return error.ToJsonBytes();
        }

        // The document (pooled buffers over the event's own bytes) lives until the answer is written. It is opened for
        // HTTP API events and for events with a problem, to answer in the event's own shape.
        using (document)
        {
            var root = document.RootElement;
            var kind = EventShape.Detect(root);
            if (error is not null)
            {
                LogAnswered(logger, kind == EventKind.HttpApi ? "http" : "direct", error.StatusCode, error.ErrorCode ?? "");
                return kind == EventKind.HttpApi ? HttpApiEvent.ToResponse(error) : error.ToJsonBytes();
            }

            // Without a problem, Open opened the document for an HTTP API event only.
            return await HandleHttpAsync(root, context.Deadline, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Tells the event's kind and refuses what cannot be read: an SQS batch is read from the event's bytes, a slice at a
    /// time, each message checked on its own (one bad message fails alone); other events are small enough for a
    /// document, checked whole first, which stays open only to tell an HTTP API event (answered in its own shape).
    /// </summary>
    /// <returns>Neither a document nor an error for a sound direct event, which needs no document.</returns>
    private static (bool Sqs, SqsEvent.Cursor Batch, string? Unidentified, JsonDocument? Document, OperationResult? Error) Open(ReadOnlyMemory<byte> eventJson)
    {
        if (eventJson.Length > MaxEventSize)
        {
            return (false, default, null, null, OperationResult.Invalid($"The event has {eventJson.Length:N0} bytes, more than this function accepts."));
        }

        try
        {
            if (SqsEvent.TryOpen(eventJson.Span, out var batch, out var unidentified))
            {
                return (true, batch, unidentified, null, null);
            }

            var problem = OperationRequest.FindJsonProblem(eventJson.Span);
            var shape = problem is null ? EventShape.Detect(eventJson.Span) : EventKind.HttpApi;
            if (shape == EventKind.Direct)
            {
                return (false, default, null, null, null);
            }

            var document = shape is null ? null : JsonDocument.Parse(eventJson);
            if (document?.RootElement.ValueKind != JsonValueKind.Object)
            {
                document?.Dispose();
                return (false, default, null, null,
                    OperationResult.Invalid("The event must be a JSON object such as {\"operation\":\"get\",\"object\":\"Lead\",\"id\":\"00Q...\"}."));
            }

            return (false, default, null, document, problem is null ? null : OperationResult.Invalid($"The event is not valid JSON: {problem}"));
        }
        catch (JsonException e)
        {
            return (false, default, null, null, OperationResult.Invalid($"The event is not valid JSON: {e.Message}"));
        }
    }

    private async Task<ReadOnlyMemory<byte>> HandleHttpAsync(JsonElement json, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var (request, error, allow) = HttpApiEvent.ToRequest(json, operations.Policy);
        var result = request is null ? error! : await HandleOneAsync(request, "http", deadline, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            LogAnswered(logger, "http", result.StatusCode, result.ErrorCode ?? "");
        }

        return HttpApiEvent.ToResponse(result, allow);
    }

    private async Task<ReadOnlyMemory<byte>> HandleSqsAsync(ReadOnlyMemory<byte> eventJson, SqsEvent.Cursor cursor, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var failed = new List<string>();
        var poison = new List<PoisonMessage>();
        var count = 0;
        void Fail(SqsEvent.Message message, OperationResult error)
        {
            LogMessageFailed(logger, message.MessageId, error.StatusCode, error.ErrorCode ?? "", error.ErrorMessage ?? "");
            if (failureQueue is not null && FailureClassifier.Classify(error) == FailureDisposition.Poison)
            {
                poison.Add(new PoisonMessage(message.MessageId, SqsEvent.ReadOrigin(eventJson.Span, message), error));
            }
            else
            {
                failed.Add(message.MessageId);
            }
        }

        while (SqsEvent.ReadMessages(eventJson.Span, ref cursor, SqsSlice) is { Count: > 0 } messages)
        {
            count += messages.Count;
            var results = await BatchAnswers.RunAsync(
                messages,
                (SqsEvent.Message message, out OperationRequest? request) =>
                {
                    request = message.Request;
                    return message.Error;
                },
                (requests, token) => operations.HandleBatchAsync(requests, deadline, token),
                cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < messages.Count; i++)
            {
                if (!results[i].IsSuccess)
                {
                    Fail(messages[i], results[i]);
                }
            }
        }

        var removed = 0;
        if (poison.Count > 0)
        {
            // Only a message the failure queue took may be deleted from its own queue: the rest stay failed items.
            var sent = await failureQueue!.SendAsync(poison, deadline, cancellationToken).ConfigureAwait(false);
            failed.AddRange(poison.Select(p => p.MessageId).Where(id => !sent.Contains(id)));
            removed = sent.Count;
            metrics.Record(MetricNames.PoisonMessages, removed, MetricUnit.Count);
            metrics.Record(MetricNames.FailureQueueErrors, poison.Count - removed, MetricUnit.Count);
        }

        metrics.Record(MetricNames.Latency, timeProvider.GetElapsedTime(started).TotalMilliseconds, MetricUnit.Milliseconds, ("Operation", "Batch"), ("Object", "Sqs"));
        LogBatch(logger, count, failed.Count, removed);
        return SqsEvent.ToResponse(failed);
    }

    private async Task<OperationResult> HandleOneAsync(OperationRequest request, string source, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var result = await operations.HandleAsync(request, deadline, cancellationToken).ConfigureAwait(false);
        var operation = Dimension(request.OperationName);
        var objectName = Dimension(request.ObjectName);
        metrics.Record(MetricNames.Latency, timeProvider.GetElapsedTime(started).TotalMilliseconds, MetricUnit.Milliseconds, ("Operation", operation), ("Object", objectName));
        LogAnswered(logger, source, result.StatusCode, result.ErrorCode ?? "");
        return result;
    }

    // Unknown names are folded so a caller cannot create unbounded metric dimensions.
    private string Dimension(string? value)
    {
        if (value is null)
        {
            return "Other";
        }

        if (_dimensions.TryGetValue(value, out var known))
        {
            return known;
        }

        if (!(operations.Policy.TryGetObject(value, out _) || OperationKindNames.Contains(value)))
        {
            return "Other";
        }

        // Only names the policy allows are kept, so the set stays as small as the policy.
        var name = char.ToUpperInvariant(value[0]) + value[1..].ToLowerInvariant();
        _dimensions[value] = name;
        return name;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _dimensions = new(StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> OperationKindNames = new(Enum.GetNames<OperationKind>(), StringComparer.OrdinalIgnoreCase);

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Event of {Bytes} bytes received; {RemainingMs} ms left")]
    private static partial void LogReceived(ILogger logger, int bytes, double remainingMs);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Answered {Source} event with {StatusCode} {ErrorCode}")]
    private static partial void LogAnswered(ILogger logger, string source, int statusCode, string errorCode);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "SQS message {MessageId} failed: {StatusCode} {ErrorCode} {ErrorMessage}")]
    private static partial void LogMessageFailed(ILogger logger, string messageId, int statusCode, string errorCode, string errorMessage);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "SQS batch of {Count} messages, {Failed} failed, {Poison} poison sent to the failure queue")]
    private static partial void LogBatch(ILogger logger, int count, int failed, int poison);
}
