using System.Buffers;
using System.Text.Json;
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
    public sealed record Message(string MessageId, OperationRequest? Request, OperationResult? Error);

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
    public static bool TryOpen(ReadOnlySpan<byte> json, out Cursor cursor)
    {
        cursor = new Cursor { Done = true };
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
            var records = reader.ValueTextEquals("Records"u8);
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
            if (reader.TokenType == JsonTokenType.StartObject && FirstRecordIsSqs(ref reader) && !sqs)
            {
                (sqs, cursor) = (true, first);
            }

            reader.Skip();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                reader.Skip();
            }
        }

        // Anything after the root object is invalid JSON; the reader says so.
        while (reader.Read())
        {
        }

        return sqs;
    }

    // Reads the first record's properties, leaving the reader on its end.
    private static bool FirstRecordIsSqs(ref Utf8JsonReader reader)
    {
        var sqs = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var source = reader.ValueTextEquals("eventSource"u8);
            reader.Read();
            sqs |= source && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("aws:sqs"u8);
            reader.Skip();
        }

        return sqs;
    }

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
                messages.Add(ReadMessage(ref reader));
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
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("messageId"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.String ? reader.GetString()! : "";
            }
            else if (reader.ValueTextEquals("body"u8))
            {
                reader.Read();
                hasBody = reader.TokenType == JsonTokenType.String;
                (request, error) = hasBody ? ParseBody(ref reader) : (null, null);
            }
            else
            {
                reader.Read();
            }

            reader.Skip();
        }

        if (!hasBody)
        {
            return new Message(id, null, OperationResult.Invalid(
                "The message has no body, or its body is not a string; it must be an operation such as {\"operation\":\"get\",\"object\":\"Lead\",\"id\":\"00Q...\"}."));
        }

        // The message id is the natural idempotency key: SQS redelivers the same message on retry.
        if (request is not null && request.IdempotencyKey is null && request.OperationName?.Equals("create", StringComparison.OrdinalIgnoreCase) == true)
        {
            request.Json["idempotencyKey"] = id;
        }

        return new Message(id, request, error);
    }

    // The body is JSON inside a JSON string: unescaped into a pooled buffer, never into a string.
    private static (OperationRequest?, OperationResult?) ParseBody(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return OperationRequest.Parse(reader.ValueSpan);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            var length = reader.CopyString(buffer);
            return OperationRequest.Parse(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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
