using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Operations;

namespace Forcelink.Lambda.Events;

/// <summary>
/// Translates an HTTP API (payload 2.0) or Function URL request into an operation, and its result into the payload 2.0
/// response. Every object the policy allows has the routes of <see cref="Routes"/>; <c>/leads</c> and <c>/cases</c>, the
/// first routes, stay as other names of Lead and Case. docs/events.md lists them with examples.
/// </summary>
internal static class HttpApiEvent
{
    /// <summary>The routes, as the 404 answer names them.</summary>
    public const string Routes =
        "POST /{object} (create), GET /{object}?Field=value (find), GET /{object}/{id} (get), PATCH /{object}/{id} (update), "
        + "DELETE /{object}/{id} (delete), PATCH /{object}/{externalIdField}/{value} (upsert)";

    // The first routes named collections; they name their objects still, as long as the policy allows them.
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["leads"] = "Lead",
        ["cases"] = "Case",
    };

    // Query parameters of a find that are not field conditions.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase) { "fields", "limit" };

    /// <summary>
    /// The operation request, or an HTTP-style failure (404 unknown route or object, 405 wrong method with the methods
    /// the route has in <c>Allow</c>, 415 a body that is not JSON, 400 bad body or an envelope whose fields are not of
    /// the types API Gateway sends), from an event <see cref="OperationRequest.FindJsonProblem"/> found nothing wrong
    /// with and <see cref="EventShape.Detect(System.Text.Json.JsonElement)"/> told is one.
    /// </summary>
    public static (OperationRequest? Request, OperationResult? Error, string? Allow) ToRequest(JsonElement httpEvent, OperationPolicy policy)
    {
        if (EnvelopeProblem(httpEvent) is { } problem)
        {
            return (null, OperationResult.Invalid($"The request is not an HTTP API (payload 2.0) event: {problem}"), null);
        }

        var http = httpEvent.GetProperty("requestContext").GetProperty("http");
        var method = (Text(http, "method") ?? "GET").ToUpperInvariant();
        var path = Text(httpEvent, "rawPath") ?? Text(http, "path") ?? "/";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();

        // A named stage or a custom-domain mapping may prefix the path. The route is the first segment naming an object
        // with at most two segments after it: values come last, so an id or external id that happens to spell an object
        // name is still read as a value.
        var index = -1;
        string? objectName = null;
        for (var i = Math.Max(0, segments.Length - 3); i < segments.Length && objectName is null; i++)
        {
            (index, objectName) = (i, ObjectNamed(segments[i], policy));
        }

        if (objectName is null)
        {
            return (null, OperationResult.Failure(404, "NOT_FOUND", $"No route for {method} {path}. The routes are {Routes}, "
                + $"where {{object}} is one of {ObjectList(policy)}. FORCELINK_POLICY decides the objects (docs/policy.md)."), null);
        }

        var route = "/" + segments[index];
        var values = segments[(index + 1)..];
        var request = new OperationRequest { ObjectName = objectName };
        switch (method, values.Length)
        {
            case ("GET", 0):
                var (find, findError) = FindParameters(httpEvent, objectName, route, policy);
                if (findError is not null)
                {
                    return (null, findError, null);
                }

                request = find! with { ObjectName = objectName, OperationName = "find" };
                break;
            case ("GET", 1):
                request = request with { OperationName = "get", Id = values[0], Fields = Query(httpEvent, "fields") is { } fields ? FieldList(fields) : null };
                break;
            case ("POST", 0):
            case ("PATCH", 1):
            case ("PATCH", 2):
                var (body, bodyError) = Body(httpEvent);
                if (bodyError is not null)
                {
                    return (null, bodyError, null);
                }

                request = values.Length switch
                {
                    0 => request with { OperationName = "create", Fields = body, IdempotencyKey = Header(httpEvent, "idempotency-key") },
                    1 => request with { OperationName = "update", Fields = body, Id = values[0] },
                    _ => request with { OperationName = "upsert", Fields = body, ExternalIdField = values[0], ExternalId = values[1] },
                };
                break;
            case ("DELETE", 1):
                request = request with { OperationName = "delete", Id = values[0] };
                break;
            default:
                var (allow, use, shape) = values.Length switch
                {
                    0 => ("GET, POST", "GET (find) or POST (create)", route),
                    1 => ("GET, PATCH, DELETE", "GET (get), PATCH (update) or DELETE (delete)", route + "/{id}"),
                    _ => ("PATCH", "PATCH (upsert, as Salesforce's own REST API does)", route + "/{externalIdField}/{value}"),
                };
                return (null, OperationResult.Failure(405, "METHOD_NOT_ALLOWED", $"{method} is not allowed on {shape}: use {use}."), allow);
        }

        return (request, null, null);
    }

    // The object a path segment names: an allowed object in any case (/lead, /Lead), or a first route's name.
    private static string? ObjectNamed(string segment, OperationPolicy policy) =>
        policy.Objects.FirstOrDefault(o => o.Equals(segment, StringComparison.OrdinalIgnoreCase))
        ?? (Aliases.TryGetValue(segment, out var alias) && policy.Objects.Contains(alias, StringComparer.OrdinalIgnoreCase) ? alias : null);

    private static string ObjectList(OperationPolicy policy) =>
        string.Join(", ", policy.Objects.Select(o => Aliases.FirstOrDefault(a => a.Value.Equals(o, StringComparison.OrdinalIgnoreCase)) is { Key: { } alias }
            ? $"{o} (also /{alias})"
            : o));

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

    /// <summary>The payload 2.0 response: status, JSON content type, the result as the body; <paramref name="allow"/>
    /// is a 405's <c>Allow</c> header.</summary>
    public static ReadOnlyMemory<byte> ToResponse(OperationResult result, string? allow = null)
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

            if (allow is not null)
            {
                writer.WriteString("allow", allow);
            }

            writer.WriteEndObject();
            writer.WriteString("body", result.ToString());
            writer.WriteBoolean("isBase64Encoded", false);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    // The where, fields and limit of a find from the query string.
    private static (OperationRequest? Request, OperationResult? Error) FindParameters(JsonElement httpEvent, string objectName, string route, OperationPolicy policy)
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
            var example = objectName switch { "Lead" => "Email=doe@example.com", "Case" => "Status=New", _ => "Name=Acme" };
            return (null, OperationResult.Invalid($"Give at least one field to match as a query parameter, such as GET {route}?{example}."));
        }

        return (new OperationRequest
        {
            Where = where,
            Fields = Query(httpEvent, "fields") is { } fields ? FieldList(fields) : null,
            Limit = Query(httpEvent, "limit") is { } limit
                ? int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : limit
                : null,
        }, null);
    }

    private static JsonArray FieldList(string fields) =>
        new([.. fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(f => (JsonNode?)JsonValue.Create(f))]);

    private static (JsonNode? Body, OperationResult? Error) Body(JsonElement httpEvent)
    {
        // No content type is read as JSON: a caller that names none still means the fields it sends.
        if (Header(httpEvent, "content-type") is { } contentType && !IsJson(contentType))
        {
            return (null, OperationResult.Failure(415, "UNSUPPORTED_MEDIA_TYPE",
                $"The body is {Truncate(contentType)}, not JSON: send the record's fields as a JSON object with the header Content-Type: application/json."));
        }

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

    // application/json, text/json, or a JSON suffix (application/merge-patch+json); parameters such as charset aside.
    private static bool IsJson(string contentType)
    {
        var media = contentType.Split(';', 2)[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || (media.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
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
