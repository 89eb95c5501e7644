using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Operations;

namespace Forcelink.Lambda.Events;

/// <summary>
/// Translates an HTTP API (payload 2.0) or Function URL request into an operation, and its result into the payload 2.0
/// response: <c>GET /leads?email=…</c> (find), <c>GET /leads/{id}</c>, <c>POST /leads</c>, <c>PATCH /leads/{id}</c>,
/// <c>DELETE /leads/{id}</c>, and the same under <c>/cases</c>.
/// </summary>
internal static class HttpApiEvent
{
    private static readonly Dictionary<string, string> Collections = new(StringComparer.OrdinalIgnoreCase)
    {
        ["leads"] = "Lead",
        ["cases"] = "Case",
    };

    // Query parameters of a find that are not field conditions.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase) { "fields", "limit" };

    /// <summary>
    /// The operation request, or an HTTP-style failure (404 unknown route, 405 wrong method, 400 bad body or an envelope
    /// whose fields are not of the types API Gateway sends), from an event <see cref="OperationRequest.FindJsonProblem"/>
    /// found nothing wrong with and <see cref="EventShape.Detect"/> told is one.
    /// </summary>
    public static (OperationRequest? Request, OperationResult? Error) ToRequest(JsonElement httpEvent, OperationPolicy policy)
    {
        if (EnvelopeProblem(httpEvent) is { } problem)
        {
            return (null, OperationResult.Invalid($"The request is not an HTTP API (payload 2.0) event: {problem}"));
        }

        var http = httpEvent.GetProperty("requestContext").GetProperty("http");
        var method = (Text(http, "method") ?? "GET").ToUpperInvariant();
        var path = Text(httpEvent, "rawPath") ?? Text(http, "path") ?? "/";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);

        // A named stage or a custom-domain mapping may prefix the path: the route is the last one or two segments.
        var index = Array.FindLastIndex(segments, s => Collections.ContainsKey(s));
        if (index < 0 || segments.Length - index > 2)
        {
            return (null, OperationResult.Failure(404, "NOT_FOUND", $"No route for {method} {path}: use /leads, /leads/{{id}}, /cases or /cases/{{id}}."));
        }

        var objectName = Collections[segments[index]];
        var id = segments.Length - index == 2 ? Uri.UnescapeDataString(segments[index + 1]) : null;

        var request = new JsonObject { ["object"] = objectName };
        switch (method, id)
        {
            case ("GET", null):
                request["operation"] = "find";
                if (FindParameters(httpEvent, objectName, policy, request) is { } findError)
                {
                    return (null, findError);
                }

                break;
            case ("GET", not null):
                request["operation"] = "get";
                request["id"] = id;
                if (Query(httpEvent, "fields") is { } fields)
                {
                    request["fields"] = FieldList(fields);
                }

                break;
            case ("POST", null):
            case ("PATCH", not null):
                var (body, bodyError) = Body(httpEvent);
                if (bodyError is not null)
                {
                    return (null, bodyError);
                }

                request["operation"] = method == "POST" ? "create" : "update";
                request["fields"] = body;
                if (id is not null)
                {
                    request["id"] = id;
                }

                if (method == "POST" && Header(httpEvent, "idempotency-key") is { } key)
                {
                    request["idempotencyKey"] = key;
                }

                break;
            case ("DELETE", not null):
                request["operation"] = "delete";
                request["id"] = id;
                break;
            default:
                return (null, OperationResult.Failure(405, "METHOD_NOT_ALLOWED",
                    id is null ? $"{method} is not allowed on /{segments[index]}: use GET (find) or POST (create)." : $"{method} is not allowed on /{segments[index]}/{{id}}: use GET, PATCH or DELETE."));
        }

        return (OperationRequest.FromJson(request), null);
    }

    // The fields read from the envelope, checked against the types API Gateway sends before any is read: a field of
    // another type would otherwise fail where it is read, as an exception instead of an answer.
    private static string? EnvelopeProblem(JsonElement httpEvent)
    {
        var http = httpEvent.GetProperty("requestContext").GetProperty("http");
        return TypeProblem(http, "method", "requestContext.http.method", JsonValueKind.String, "a string such as \"GET\"")
            ?? TypeProblem(http, "path", "requestContext.http.path", JsonValueKind.String, "a string such as \"/leads\"")
            ?? TypeProblem(httpEvent, "rawPath", "rawPath", JsonValueKind.String, "a string such as \"/leads\"")
            ?? TypeProblem(httpEvent, "body", "body", JsonValueKind.String, "a string")
            ?? TypeProblem(httpEvent, "isBase64Encoded", "isBase64Encoded", JsonValueKind.True, "true or false")
            ?? StringMapProblem(httpEvent, "headers")
            ?? StringMapProblem(httpEvent, "queryStringParameters")
            ?? StringMapProblem(httpEvent, "pathParameters");
    }

    private static string? TypeProblem(JsonElement parent, string name, string path, JsonValueKind kind, string expected)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null || value.ValueKind == kind
            || (kind == JsonValueKind.True && value.ValueKind == JsonValueKind.False))
        {
            return null;
        }

        return $"'{path}' must be {expected}, not {Describe(value)}.";
    }

    private static string? StringMapProblem(JsonElement httpEvent, string name)
    {
        if (!httpEvent.TryGetProperty(name, out var map) || map.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (map.ValueKind != JsonValueKind.Object)
        {
            return $"'{name}' must be an object of names and string values, not {Describe(map)}.";
        }

        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                return $"'{name}.{Truncate(entry.Name)}' must be a string, not {Describe(entry.Value)}.";
            }
        }

        return null;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {Truncate(value.GetRawText())}",
        _ => value.GetRawText(),
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string? Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The payload 2.0 response: status, JSON content type, the result as the body.</summary>
    public static ReadOnlyMemory<byte> ToResponse(OperationResult result)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("statusCode", result.StatusCode);
            writer.WriteStartObject("headers");
            writer.WriteString("content-type", "application/json");
            if (result.StatusCode == 201 && result.Id is { } id)
            {
                writer.WriteString("location", id);
            }

            writer.WriteEndObject();
            writer.WriteString("body", result.ToString());
            writer.WriteBoolean("isBase64Encoded", false);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    private static OperationResult? FindParameters(JsonElement httpEvent, string objectName, OperationPolicy policy, JsonObject request)
    {
        var where = new JsonObject();
        foreach (var (name, value) in QueryParameters(httpEvent))
        {
            if (Reserved.Contains(name))
            {
                continue;
            }

            // Query parameters are lower case by habit (?email=): map them to the allowed field's API name.
            where[policy.FieldName(objectName, name) ?? name] = value;
        }

        if (where.Count == 0)
        {
            return OperationResult.Invalid($"Give at least one field to match, such as GET /{(objectName == "Lead" ? "leads" : "cases")}?email=doe@example.com.");
        }

        request["where"] = where;
        if (Query(httpEvent, "fields") is { } fields)
        {
            request["fields"] = FieldList(fields);
        }

        if (Query(httpEvent, "limit") is { } limit)
        {
            request["limit"] = int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : limit;
        }

        return null;
    }

    private static JsonArray FieldList(string fields) =>
        new([.. fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(f => (JsonNode?)JsonValue.Create(f))]);

    private static (JsonNode? Body, OperationResult? Error) Body(JsonElement httpEvent)
    {
        if (!httpEvent.TryGetProperty("body", out var text) || text.ValueKind != JsonValueKind.String || text.ValueEquals(""u8))
        {
            return (null, OperationResult.Invalid("The request has no body: send the record's fields as a JSON object, such as {\"LastName\":\"Doe\",\"Company\":\"Acme\"}."));
        }

        byte[] bytes;
        if (httpEvent.TryGetProperty("isBase64Encoded", out var encoded) && encoded.ValueKind == JsonValueKind.True)
        {
            if (!text.TryGetBytesFromBase64(out var decoded))
            {
                return (null, OperationResult.Invalid("The body is marked base64 but is not."));
            }

            bytes = decoded;
        }
        else
        {
            bytes = Encoding.UTF8.GetBytes(text.GetString()!);
        }

        if (bytes.Length > OperationRequest.MaxSize)
        {
            return (null, OperationResult.Invalid($"The body is larger than {OperationRequest.MaxSize:N0} bytes."));
        }

        // A decoded body is bytes again: they are checked as UTF-8, as the event's own bytes were.
        if (OperationRequest.FindJsonProblem(bytes) is { } problem)
        {
            return (null, OperationResult.Invalid($"The body is not valid JSON: {problem}"));
        }

        return JsonNode.Parse(bytes) is JsonObject fields
            ? (fields, null)
            : (null, OperationResult.Invalid("The body must be a JSON object of fields, such as {\"LastName\":\"Doe\",\"Company\":\"Acme\"}."));
    }

    // The envelope's types were checked (EnvelopeProblem): every value here is a string.
    private static IEnumerable<(string Name, string Value)> QueryParameters(JsonElement httpEvent)
    {
        if (!httpEvent.TryGetProperty("queryStringParameters", out var parameters) || parameters.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var parameter in parameters.EnumerateObject())
        {
            yield return (parameter.Name, parameter.Value.GetString()!);
        }
    }

    private static string? Query(JsonElement httpEvent, string name) =>
        QueryParameters(httpEvent).Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Select(p => p.Value).FirstOrDefault();

    private static string? Header(JsonElement httpEvent, string name) =>
        httpEvent.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object
            ? headers.EnumerateObject().Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value.GetString()).FirstOrDefault()
            : null;
}
