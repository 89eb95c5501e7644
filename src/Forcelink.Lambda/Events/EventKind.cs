using System.Text.Json.Nodes;

namespace Forcelink.Lambda.Events;

/// <summary>The kinds of event the function answers, told apart by shape (aws-lambda.md §5).</summary>
internal enum EventKind
{
    /// <summary>A direct invoke: the event is one operation.</summary>
    Direct,

    /// <summary>An API Gateway HTTP API (payload 2.0) or Function URL request.</summary>
    HttpApi,

    /// <summary>An SQS batch whose message bodies are operations.</summary>
    Sqs,
}

internal static class EventShape
{
    public static EventKind Detect(JsonObject json)
    {
        if (json["Records"] is JsonArray { Count: > 0 } records
            && records[0] is JsonObject first
            && first["eventSource"] is JsonValue source
            && source.TryGetValue<string>(out var name)
            && name == "aws:sqs")
        {
            return EventKind.Sqs;
        }

        if (json["version"] is JsonValue version && version.TryGetValue<string>(out var v) && v == "2.0"
            && json["requestContext"]?["http"] is JsonObject)
        {
            return EventKind.HttpApi;
        }

        return EventKind.Direct;
    }
}
