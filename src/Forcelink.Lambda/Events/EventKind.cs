using System.Text.Json;

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
    /// <summary>The kind of a JSON object event that is not an SQS batch (<see cref="SqsEvent.TryOpen(ReadOnlySpan{byte}, out SqsEvent.Cursor)"/> tells those).</summary>
    public static EventKind Detect(JsonElement json)
    {
        try
        {
            return IsHttpApi(json) ? EventKind.HttpApi : EventKind.Direct;
        }
        catch (InvalidOperationException)
        {
            // A key with an escape that is no Unicode text (a lone surrogate) cannot be compared; API Gateway sends none.
            return EventKind.Direct;
        }
    }

    private static bool IsHttpApi(JsonElement json) =>
        json.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String && version.ValueEquals("2.0")
        && json.TryGetProperty("requestContext", out var context) && context.ValueKind == JsonValueKind.Object
        && context.TryGetProperty("http", out var http) && http.ValueKind == JsonValueKind.Object;
}
