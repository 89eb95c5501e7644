using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Forcelink.Lambda;
using Forcelink.Lambda.Events;
using Forcelink.Lambda.Runtime;
using Forcelink.Operations;
using Json.Schema;

namespace Forcelink.Tests.Lambda;

/// <summary>
/// The function's contract, docs/contract/forcelink-events.v1.schema.json, checked against what the tests send and get:
/// every answer conforms to its <c>$def</c>; an event answered as malformed does not conform, and every other event does
/// (so the schema is neither looser nor stricter than the function). Shared by both test projects.
/// </summary>
internal static class EventContract
{
    public const string SchemaId = "urn:forcelink:events:v1";

    public static string RepositoryRoot { get; } = Forcelink.Tests.RepositoryRoot.Path;

    public static string SchemaPath { get; } = Path.Combine(RepositoryRoot, "docs", "contract", "forcelink-events.v1.schema.json");

    private static readonly BuildOptions Options = new() { SchemaRegistry = new SchemaRegistry() };

    private static readonly Lazy<JsonSchema> Root = new(() => JsonSchema.FromText(File.ReadAllText(SchemaPath), Options));

    private static readonly ConcurrentDictionary<string, JsonSchema> Defs = new(StringComparer.Ordinal);

    private static readonly EvaluationOptions ListOutput = new() { OutputFormat = OutputFormat.List };

    /// <summary>The names of the schema's <c>$defs</c>.</summary>
    public static IReadOnlyList<string> DefNames()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SchemaPath));
        return [.. document.RootElement.GetProperty("$defs").EnumerateObject().Select(d => d.Name)];
    }

    /// <summary>What keeps <paramref name="instance"/> from conforming to the <c>$def</c> named <paramref name="def"/>; null if nothing.</summary>
    public static string? Problem(string def, JsonElement instance)
    {
        var schema = Defs.GetOrAdd(def, name =>
        {
            _ = Root.Value;
            return JsonSchema.FromText($$"""{"$ref":"{{SchemaId}}#/$defs/{{name}}"}""", Options);
        });
        var results = schema.Evaluate(instance, ListOutput);
        if (results.IsValid)
        {
            return null;
        }

        // A failed "if" only picks a branch; what failed is under the branches.
        var details = (results.Details ?? []).Where(d => d.Errors is { Count: > 0 } && !d.EvaluationPath.ToString().Contains("/if", StringComparison.Ordinal))
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({e.Key}): {e.Value}"));
        return $"not a {def}: {string.Join("; ", details.Take(8))}";
    }

    public static string? Problem(string def, string json)
    {
        using var document = JsonDocument.Parse(json);
        return Problem(def, document.RootElement);
    }

    public static void AssertValid(string def, string json) =>
        Assert.True(Problem(def, json) is null, $"{Problem(def, json)}\n{json}");

    /// <summary>
    /// Checks an event the function answered, and its answer, against the contract; see the class summary. Events that
    /// are no JSON the schema can read (not UTF-8, a key twice, a lone surrogate: <see cref="OperationRequest.FindJsonProblem"/>)
    /// are checked for their answer only.
    /// </summary>
    public static void AssertAnswered(ReadOnlySpan<byte> eventJson, ReadOnlySpan<byte> answerJson)
    {
        if (ProblemAnswering(eventJson, answerJson) is { } problem)
        {
            Assert.Fail($"{problem}\n  event: {Show(eventJson)}\n  answer: {Show(answerJson)}");
        }
    }

    /// <summary>The function's answer to <paramref name="eventJson"/>, once <see cref="AssertAnswered"/> has checked both.</summary>
    public static async Task<ReadOnlyMemory<byte>> HandleCheckedAsync(this FunctionHandler sut, byte[] eventJson, InvocationContext context)
    {
        var answer = await sut.HandleAsync(eventJson, context);
        AssertAnswered(eventJson, answer.Span);
        return answer;
    }

    /// <summary>What <see cref="AssertAnswered"/> would fail on; null if nothing.</summary>
    public static string? ProblemAnswering(ReadOnlySpan<byte> eventJson, ReadOnlySpan<byte> answerJson)
    {
        var readable = OperationRequest.FindJsonProblem(eventJson) is null;
        using var answer = JsonDocument.Parse(answerJson.ToArray());
        var kind = Kind(eventJson);
        using var @event = readable ? JsonDocument.Parse(eventJson.ToArray()) : null;
        return kind switch
        {
            EventKind.Sqs => SqsProblem(@event?.RootElement, answer.RootElement),
            EventKind.HttpApi => HttpProblem(@event?.RootElement, answer.RootElement),
            _ => DirectProblem(@event?.RootElement, answer.RootElement),
        };
    }

    private static string? DirectProblem(JsonElement? @event, JsonElement answer)
    {
        if (Problem("operationResult", answer) is { } answerProblem)
        {
            return $"the answer is {answerProblem}";
        }

        if (@event is not { } request)
        {
            return null;
        }

        var refused = IsInvalidRequest(answer);
        var eventProblem = Problem("operationRequest", request);
        return (refused, eventProblem) switch
        {
            (true, null) => "the function answered 400 INVALID_REQUEST, but the event conforms to operationRequest: the schema is looser than the function",
            (false, { } p) => $"the function accepted the event, but it is {p}: the schema is stricter than the function",
            _ => null,
        };
    }

    private static string? HttpProblem(JsonElement? @event, JsonElement response)
    {
        if (Problem("httpApiResponse", response) is { } responseProblem)
        {
            return $"the response is {responseProblem}";
        }

        using var body = JsonDocument.Parse(response.GetProperty("body").GetString()!);
        if (Problem("operationResult", body.RootElement) is { } bodyProblem)
        {
            return $"the response's body is {bodyProblem}";
        }

        var status = response.GetProperty("statusCode").GetInt32();
        var headers = response.GetProperty("headers");
        if (body.RootElement.GetProperty("statusCode").GetInt32() != status)
        {
            return "the response's statusCode differs from its body's";
        }

        if ((status == 405) != headers.TryGetProperty("allow", out _))
        {
            return "a 405 response, and only one, has an allow header";
        }

        if (status == 201 && body.RootElement.TryGetProperty("id", out var id) && headers.GetProperty("location").GetString() != id.GetString())
        {
            return "a 201 response's location is not the id created";
        }

        if (@event is not { } request)
        {
            return null;
        }

        var notAnEnvelope = IsInvalidRequest(body.RootElement)
            && body.RootElement.GetProperty("error").GetProperty("message").GetString()!.StartsWith("The request is not an HTTP API (payload 2.0) event", StringComparison.Ordinal);
        var eventProblem = Problem("httpApiRequest", request);
        return (notAnEnvelope, eventProblem) switch
        {
            (true, null) => "the function refused the envelope, but it conforms to httpApiRequest: the schema is looser than the function",
            (false, { } p) => $"the function read the envelope, but it is {p}: the schema is stricter than the function",
            _ => null,
        };
    }

    private static string? SqsProblem(JsonElement? @event, JsonElement answer)
    {
        if (Problem("sqsBatchResponse", answer) is { } answerProblem)
        {
            return $"the answer is {answerProblem}";
        }

        if (@event is not { } batch)
        {
            return null;
        }

        var failed = answer.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()).ToHashSet(StringComparer.Ordinal);
        if (failed.Contains(""))
        {
            return Problem("sqsEvent", batch) is null ? "the batch failed whole, but it conforms to sqsEvent: the schema is looser than the function" : null;
        }

        foreach (var record in batch.GetProperty("Records").EnumerateArray())
        {
            var messageId = record.GetProperty("messageId").GetString()!;
            if (failed.Contains(messageId))
            {
                continue;
            }

            if (Problem("sqsRecord", record) is { } recordProblem)
            {
                return $"message {messageId} succeeded, but it is {recordProblem}";
            }

            using var body = JsonDocument.Parse(record.GetProperty("body").GetString()!);
            if (Problem("sqsMessageBody", body.RootElement) is { } bodyProblem)
            {
                return $"message {messageId} succeeded, but its body is {bodyProblem}";
            }
        }

        return failed.Count == 0 && Problem("sqsEvent", batch) is { } eventProblem
            ? $"every message succeeded, but the batch is {eventProblem}"
            : null;
    }

    private static bool IsInvalidRequest(JsonElement answer) =>
        answer.GetProperty("statusCode").GetInt32() == 400
        && answer.TryGetProperty("error", out var error) && error.GetProperty("code").GetString() == "INVALID_REQUEST";

    // As the function tells them apart (FunctionHandler.HandleAsync).
    private static EventKind Kind(ReadOnlySpan<byte> eventJson)
    {
        try
        {
            if (SqsEvent.TryOpen(eventJson, out _))
            {
                return EventKind.Sqs;
            }

            using var document = JsonDocument.Parse(eventJson.ToArray());
            return document.RootElement.ValueKind == JsonValueKind.Object ? EventShape.Detect(document.RootElement) : EventKind.Direct;
        }
        catch (JsonException)
        {
            return EventKind.Direct;
        }
    }

    private static string Show(ReadOnlySpan<byte> json)
    {
        var text = Encoding.UTF8.GetString(json);
        return text.Length <= 600 ? text : text[..600] + "…";
    }
}
