using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Forcelink.Operations;

namespace Forcelink.Lambda.Events;

/// <summary>
/// An SQS batch: each message body is a direct-invoke operation. Writes of one batch share sObject Collections calls;
/// the answer names only the messages that failed (<c>ReportBatchItemFailures</c>), so SQS retries just those.
/// </summary>
/// <remarks>
/// A batch (up to 10,000 messages, 6 MB) is read straight from the event's bytes with a <see cref="Utf8JsonReader"/>, a
/// slice of messages at a time, never as a document: indexing the whole event cost more memory than the event itself,
/// and only the message ids and bodies are needed.
/// </remarks>
internal static class SqsEvent
{
    /// <summary>One record: its id, and its body as a request or why it is none.</summary>
    public sealed record Message(string MessageId, OperationRequest? Request, OperationResult? Error)
    {
        /// <summary>Where the record is in the event's bytes, to read the rest of it (<see cref="ReadOrigin"/>) only when needed.</summary>
        public Range Record { get; init; }
    }

    /// <summary>
    /// What a failure destination keeps of a message besides its id: the body as sent (<see langword="null"/> if it has
    /// none that is Unicode text), the queue it came from, and how often SQS has delivered it.
    /// </summary>
    public sealed record Origin(string? Body, string? EventSourceArn, int? ReceiveCount);

    /// <summary>Where the next slice of a batch starts: a position inside its <c>Records</c> array.</summary>
    public struct Cursor
    {
        internal JsonReaderState State;
        internal long Offset;

        /// <summary>Whether every record has been read.</summary>
        public bool Done { get; internal set; }
    }

    /// <summary>
    /// Whether the event is an SQS batch: a <c>Records</c> array whose first record has <c>eventSource</c>
    /// <c>aws:sqs</c> (aws-lambda.md §5); if so, <paramref name="cursor"/> points at that first record. Reads the whole
    /// event, so a batch is known to be valid JSON before any of its messages runs.
    /// </summary>
    /// <exception cref="JsonException">The event is not valid JSON.</exception>
    public static bool TryOpen(ReadOnlySpan<byte> json, out Cursor cursor) => TryOpen(json, out cursor, out _);

    /// <summary>
    /// As <see cref="TryOpen(ReadOnlySpan{byte}, out Cursor)"/>, and checks that every record of the batch can be
    /// answered for: <paramref name="unidentified"/> says which record has no message id to name it by, if one has not.
    /// </summary>
    /// <exception cref="JsonException">The event is not valid JSON.</exception>
    public static bool TryOpen(ReadOnlySpan<byte> json, out Cursor cursor, out string? unidentified)
    {
        cursor = new Cursor { Done = true };
        unidentified = null;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            while (reader.Read())
            {
            }

            return false;
        }

        var sqs = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var records = TextEquals(ref reader, "Records"u8);
            reader.Read();
            if (!records || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            var first = new Cursor { State = reader.CurrentState, Offset = reader.BytesConsumed };
            if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
            {
                continue;
            }

            // The reader is on the first record; the cursor is the batch's only if it is the first such array.
            var batch = false;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                var problem = ReadRecordHead(ref reader, 0, out var fromSqs);
                if (fromSqs && !sqs)
                {
                    (sqs, cursor, unidentified, batch) = (true, first, problem, true);
                }
            }

            reader.Skip();
            for (var index = 1; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
            {
                if (batch && unidentified is null)
                {
                    unidentified = reader.TokenType == JsonTokenType.StartObject ? ReadRecordHead(ref reader, index, out _) : $"record {index} is not an object";
                }

                reader.Skip();
            }
        }

        // Anything after the root object is invalid JSON; the reader says so.
        while (reader.Read())
        {
        }

        return sqs;
    }

    // Reads a record's properties, leaving the reader on its end: whether it comes from SQS, and what keeps it from
    // being named by its message id.
    private static string? ReadRecordHead(ref Utf8JsonReader reader, int index, out bool sqs)
    {
        sqs = false;
        string? problem = null;
        var ids = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var source = TextEquals(ref reader, "eventSource"u8);
            var id = TextEquals(ref reader, "messageId"u8);
            reader.Read();
            sqs |= source && reader.TokenType == JsonTokenType.String && TextEquals(ref reader, "aws:sqs"u8);
            if (id && ++ids == 1)
            {
                problem = StringValue(ref reader) is { Length: > 0 } ? null : "has a messageId that is empty, not a string, or not Unicode text";
            }

            reader.Skip();
        }

        problem = ids switch
        {
            0 => "has no messageId",
            > 1 => "has more than one messageId",
            _ => problem,
        };
        return problem is null ? null : $"record {index} {problem}";
    }

    // An escape that is no Unicode text (a lone surrogate) makes the comparison throw; such text is not the one looked for.
    private static bool TextEquals(ref Utf8JsonReader reader, ReadOnlySpan<byte> text)
    {
        try
        {
            return reader.ValueTextEquals(text);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // The string at the reader, or null if it is no string or no Unicode text (a message id that could not be echoed back).
    private static string? StringValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return null;
        }

        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// The answer for a batch with a record that has no message id (see
    /// <see cref="TryOpen(ReadOnlySpan{byte}, out Cursor, out string?)"/>): all of it failed.
    /// </summary>
    /// <remarks>
    /// Failures are named by message id, and such a record cannot be named. An item identifier that is empty makes
    /// Lambda count the whole batch as failed (aws-lambda.md §5.5): SQS returns every message to the queue and, after
    /// the queue's maxReceiveCount, moves them to its dead-letter queue. None of them runs here, so none runs twice and
    /// none is lost; an exception would do the same but is logged as a crash, and an empty list would delete them all.
    /// </remarks>
    public static ReadOnlyMemory<byte> WholeBatchFailed() => ToResponse([""]);

    /// <summary>
    /// Up to <paramref name="count"/> messages from the cursor on, which then points past them: turning one slice at a
    /// time into requests keeps the function's memory bounded by the slice, not the batch.
    /// </summary>
    public static List<Message> ReadMessages(ReadOnlySpan<byte> json, ref Cursor cursor, int count)
    {
        var messages = new List<Message>(Math.Min(count, 1024));
        if (cursor.Done)
        {
            return messages;
        }

        var reader = new Utf8JsonReader(json[(int)cursor.Offset..], isFinalBlock: true, cursor.State);
        while (messages.Count < count)
        {
            if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
            {
                cursor.Done = true;
                return messages;
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                var start = (int)(cursor.Offset + reader.TokenStartIndex);
                var message = ReadMessage(ref reader);
                messages.Add(message with { Record = start..(int)(cursor.Offset + reader.BytesConsumed) });
            }
            else
            {
                reader.Skip();
            }
        }

        cursor.State = reader.CurrentState;
        cursor.Offset += reader.BytesConsumed;
        return messages;
    }

    // Reads one record, leaving the reader on its end.
    private static Message ReadMessage(ref Utf8JsonReader reader)
    {
        var id = "";
        OperationRequest? request = null;
        OperationResult? error = null;
        var hasBody = false;
        var bodies = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (TextEquals(ref reader, "messageId"u8))
            {
                reader.Read();
                id = StringValue(ref reader) ?? "";
            }
            else if (TextEquals(ref reader, "body"u8))
            {
                reader.Read();
                hasBody = ++bodies == 1 && reader.TokenType == JsonTokenType.String;
                (request, error) = hasBody ? ParseBody(ref reader) : (null, null);
            }
            else
            {
                reader.Read();
            }

            reader.Skip();
        }

        if (bodies > 1)
        {
            return new Message(id, null, OperationResult.Invalid("The message has more than one body: which one to run is unknown."));
        }

        if (!hasBody)
        {
            return new Message(id, null, OperationResult.Invalid(
                "The message has no body, or its body is not a string; it must be an operation such as {\"operation\":\"get\",\"object\":\"Lead\",\"id\":\"00Q...\"}."));
        }

        // The message id is the natural idempotency key: SQS redelivers the same message on retry.
        if (request is not null && request.IdempotencyKey is null && request.OperationName?.Equals("create", StringComparison.OrdinalIgnoreCase) == true)
        {
            request = request with { IdempotencyKey = id };
        }

        return new Message(id, request, error);
    }

    private static (OperationRequest?, OperationResult?) Parse(ReadOnlySpan<byte> body) =>
        OperationRequest.TryParse(body, out var request, out var error) ? (request, null) : (null, error);

    // The body is JSON inside a JSON string: unescaped into a pooled buffer, never into a string.
    private static (OperationRequest?, OperationResult?) ParseBody(ref Utf8JsonReader reader)
    {
        // Bytes that are not UTF-8 are named as sent: unescaping would only fail on them.
        if (!reader.ValueIsEscaped || !Utf8.IsValid(reader.ValueSpan))
        {
            return Parse(reader.ValueSpan);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            var length = reader.CopyString(buffer);
            return Parse(buffer.AsSpan(0, length));
        }
        catch (InvalidOperationException e)
        {
            // An escape that is no Unicode text (a lone surrogate), or bytes that are not UTF-8, in the body's string.
            return (null, OperationResult.Invalid($"The message body is not Unicode text: {e.Message}"));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads a message's body, <c>eventSourceARN</c> and <c>attributes.ApproximateReceiveCount</c> from its record. Kept
    /// out of <see cref="ReadMessages"/>: only failed messages need them, and a batch of 10,000 would otherwise hold every
    /// body twice.
    /// </summary>
    public static Origin ReadOrigin(ReadOnlySpan<byte> json, Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var reader = new Utf8JsonReader(json[message.Record]);
        string? body = null;
        string? source = null;
        int? receiveCount = null;
        var bodies = 0;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return new Origin(null, null, null);
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (TextEquals(ref reader, "body"u8))
            {
                reader.Read();
                body = ++bodies == 1 ? StringValue(ref reader) : body;
            }
            else if (TextEquals(ref reader, "eventSourceARN"u8))
            {
                reader.Read();
                source = StringValue(ref reader);
            }
            else if (TextEquals(ref reader, "attributes"u8))
            {
                reader.Read();
                receiveCount = ReceiveCount(ref reader);
            }
            else
            {
                reader.Read();
            }

            reader.Skip();
        }

        return new Origin(body, source, receiveCount);
    }

    // attributes.ApproximateReceiveCount, a number in a string; the reader is left on the attributes' start.
    private static int? ReceiveCount(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var copy = reader;
        while (copy.Read() && copy.TokenType == JsonTokenType.PropertyName)
        {
            var found = TextEquals(ref copy, "ApproximateReceiveCount"u8);
            copy.Read();
            if (found && StringValue(ref copy) is { } text && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count))
            {
                return count;
            }

            copy.Skip();
        }

        return null;
    }

    public static ReadOnlyMemory<byte> ToResponse(IEnumerable<string> failedMessageIds)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("batchItemFailures");
            foreach (var id in failedMessageIds)
            {
                writer.WriteStartObject();
                writer.WriteString("itemIdentifier", id);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }
}
