using System.Net;
using System.Text;
using System.Text.Json;

namespace Forcelink.Lambda.S3;

/// <summary>An object a load is about: its bucket, key, and the ETag of the version the event named.</summary>
internal sealed record S3ObjectRef(string Bucket, string Key, string? ETag, long? Size);

/// <summary>
/// One thing to do from an event: load a file that was created, look again at a load that outlived its invocation,
/// or nothing (an S3 test event, another kind of S3 event). <see cref="MessageId"/> names the SQS message it came in, if any.
/// </summary>
internal sealed record S3LoadItem(string? MessageId, S3ObjectRef? Created = null, S3ObjectRef? FollowUp = null, string? Problem = null);

/// <summary>
/// Tells an event about files to load from every other event: an S3 notification (<c>Records[].eventSource</c>
/// <c>aws:s3</c>), an EventBridge <c>Object Created</c> event from S3, either of them or the S3 test event in the body
/// of SQS messages, and the function's own follow-up messages (<see cref="FollowUpBody"/>).
/// </summary>
internal static class S3LoadEvent
{
    public const string FollowUpProperty = "forcelinkS3Load";

    // Operation batches never pay for a parse: only an event with one of these is read as a document.
    private static readonly byte[][] Markers = ["aws:s3"u8.ToArray(), "aws.s3"u8.ToArray(), "s3:TestEvent"u8.ToArray(), Encoding.UTF8.GetBytes(FollowUpProperty)];

    /// <summary>The body of the message that brings a load back to the function.</summary>
    public static string FollowUpBody(S3ObjectRef load)
    {
        ArgumentNullException.ThrowIfNull(load);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(FollowUpProperty);
            writer.WriteString("bucket", load.Bucket);
            writer.WriteString("key", load.Key);
            if (load.ETag is not null)
            {
                writer.WriteString("etag", load.ETag);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Whether the event is about loads; if it is, what to do, in order, and whether it came from SQS
    /// (then it is answered with <c>batchItemFailures</c>). An SQS batch is about loads when any of its messages is.</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out bool fromSqs, out List<S3LoadItem> items)
    {
        fromSqs = false;
        items = [];
        var marked = false;
        foreach (var marker in Markers)
        {
            marked |= json.IndexOf(marker) >= 0;
        }

        if (!marked)
        {
            return false;
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!JsonDocument.TryParseValue(ref reader, out var parsed))
            {
                return false;
            }

            document = parsed;
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (Read(root, null) is { } direct)
            {
                items.AddRange(direct);
                return true;
            }

            if (!root.TryGetProperty("Records", out var records) || records.ValueKind != JsonValueKind.Array
                || !records.EnumerateArray().Any(r => Text(r, "eventSource") == "aws:sqs"))
            {
                return false;
            }

            fromSqs = true;
            var any = false;
            foreach (var record in records.EnumerateArray())
            {
                var id = Text(record, "messageId") ?? "";
                var body = Text(record, "body");
                List<S3LoadItem>? read = null;
                try
                {
                    using var inner = body is null ? null : JsonDocument.Parse(body);
                    read = inner?.RootElement.ValueKind == JsonValueKind.Object ? Read(inner.RootElement, id) : null;
                }
                catch (JsonException)
                {
                }

                any |= read is not null;
                items.AddRange(read ?? [new S3LoadItem(id, Problem: "the message is neither an S3 event nor a load to follow up; the queue of S3 loads takes only those")]);
            }

            return any;
        }
    }

    // The items of an S3 notification, an EventBridge event, an S3 test event or a follow-up; null for anything else.
    private static List<S3LoadItem>? Read(JsonElement root, string? messageId)
    {
        if (root.TryGetProperty(FollowUpProperty, out var followUp) && followUp.ValueKind == JsonValueKind.Object)
        {
            return Text(followUp, "bucket") is { } bucket && Text(followUp, "key") is { } key
                ? [new S3LoadItem(messageId, FollowUp: new S3ObjectRef(bucket, key, Text(followUp, "etag"), null))]
                : [new S3LoadItem(messageId, Problem: "the follow-up names no bucket and key")];
        }

        if (Text(root, "Event") == "s3:TestEvent")
        {
            return [new S3LoadItem(messageId)];
        }

        if (Text(root, "source") == "aws.s3" && root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.Object)
        {
            // EventBridge names the key as it is, not URL-encoded.
            return Text(root, "detail-type") == "Object Created" && Object(detail, "bucket") is { } b && Object(detail, "object") is { } o && Text(o, "key") is { } k
                ? [new S3LoadItem(messageId, Created: new S3ObjectRef(Text(b, "name") ?? "", k, Unquote(Text(o, "etag")), Number(o, "size")))]
                : [new S3LoadItem(messageId)];
        }

        if (!root.TryGetProperty("Records", out var records) || records.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var items = new List<S3LoadItem>();
        foreach (var record in records.EnumerateArray())
        {
            if (Text(record, "eventSource") != "aws:s3")
            {
                return null;
            }

            if (Text(record, "eventName")?.StartsWith("ObjectCreated:", StringComparison.Ordinal) != true
                || Object(record, "s3") is not { } s3 || Object(s3, "bucket") is not { } bucket || Object(s3, "object") is not { } item || Text(item, "key") is not { } key)
            {
                items.Add(new S3LoadItem(messageId));
                continue;
            }

            // S3 notifications URL-encode the key, with '+' for a space.
            items.Add(new S3LoadItem(messageId, Created: new S3ObjectRef(Text(bucket, "name") ?? "", WebUtility.UrlDecode(key), Unquote(Text(item, "eTag")), Number(item, "size"))));
        }

        return items.Count == 0 ? null : items;
    }

    private static string? Unquote(string? etag) => etag?.Trim('"');

    private static JsonElement? Object(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static string? Text(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;
}
