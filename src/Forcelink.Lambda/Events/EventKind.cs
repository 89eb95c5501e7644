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

    /// <summary>Whether sound JSON (<see cref="Forcelink.Operations.OperationRequest.FindJsonProblem"/> found nothing) is an
    /// object that looks like an HTTP API event, read from its bytes: a direct event, the common one, needs no document.</summary>
    /// <returns><see langword="null"/> when the JSON is not an object.</returns>
    public static EventKind? Detect(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var (version, http) = (false, false);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("version"u8))
            {
                reader.Read();
                version = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("2.0"u8);
            }
            else if (reader.ValueTextEquals("requestContext"u8))
            {
                reader.Read();
                http = reader.TokenType == JsonTokenType.StartObject && HasObject(ref reader, "http"u8);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return version && http ? EventKind.HttpApi : EventKind.Direct;
    }

    // Reads the object the reader is at to its end, telling whether it has the key with an object for its value.
    private static bool HasObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> key)
    {
        var found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(key);
            reader.Read();
            found |= match && reader.TokenType == JsonTokenType.StartObject;
            reader.Skip();
        }

        return found;
    }

    private static bool IsHttpApi(JsonElement json) =>
        json.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String && version.ValueEquals("2.0")
        && json.TryGetProperty("requestContext", out var context) && context.ValueKind == JsonValueKind.Object
        && context.TryGetProperty("http", out var http) && http.ValueKind == JsonValueKind.Object;
}
