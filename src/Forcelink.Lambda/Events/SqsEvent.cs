using System.Buffers;
using System.Text;
using System.Text.Json;
using Forcelink.Operations;

namespace Forcelink.Lambda.Events;

/// <summary>
/// An SQS batch: each message body is a direct-invoke operation. Writes of one batch share sObject Collections calls;
/// the answer names only the messages that failed (<c>ReportBatchItemFailures</c>), so SQS retries just those.
/// </summary>
internal static class SqsEvent
{
    public sealed record Message(string MessageId, OperationRequest? Request, OperationResult? Error);

    /// <summary>
    /// The messages of one slice of the batch's <c>Records</c>, read in place: a batch may hold 10,000 messages, and
    /// turning only a slice at a time into requests keeps the function's memory bounded by the slice, not the batch.
    /// </summary>
    public static List<Message> ReadMessages(IEnumerable<JsonElement> records)
    {
        var messages = new List<Message>();
        foreach (var record in records.Where(r => r.ValueKind == JsonValueKind.Object))
        {
            var id = String(record, "messageId");
            var body = String(record, "body");
            var (request, error) = OperationRequest.Parse(Encoding.UTF8.GetBytes(body));

            // The message id is the natural idempotency key: SQS redelivers the same message on retry.
            if (request is not null && request.IdempotencyKey is null && request.OperationName?.Equals("create", StringComparison.OrdinalIgnoreCase) == true)
            {
                request.Json["idempotencyKey"] = id;
            }

            messages.Add(new Message(id, request, error));
        }

        return messages;
    }

    private static string String(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

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
