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

    /// <summary>The operation request, or an HTTP-style failure (404 unknown route, 405 wrong method, 400 bad body).</summary>
    public static (OperationRequest? Request, OperationResult? Error) ToRequest(JsonObject httpEvent, OperationPolicy policy)
    {
        var method = (httpEvent["requestContext"]?["http"]?["method"]?.GetValue<string>() ?? "GET").ToUpperInvariant();
        var path = httpEvent["rawPath"]?.GetValue<string>() ?? httpEvent["requestContext"]?["http"]?["path"]?.GetValue<string>() ?? "/";
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

    private static OperationResult? FindParameters(JsonObject httpEvent, string objectName, OperationPolicy policy, JsonObject request)
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

    private static (JsonNode? Body, OperationResult? Error) Body(JsonObject httpEvent)
    {
        var text = httpEvent["body"]?.GetValue<string>();
        if (string.IsNullOrEmpty(text))
        {
            return (null, OperationResult.Invalid("The request has no body: send the record's fields as a JSON object, such as {\"LastName\":\"Doe\",\"Company\":\"Acme\"}."));
        }

        if (httpEvent["isBase64Encoded"]?.GetValue<bool>() == true)
        {
            try
            {
                text = Encoding.UTF8.GetString(Convert.FromBase64String(text));
            }
            catch (FormatException)
            {
                return (null, OperationResult.Invalid("The body is marked base64 but is not."));
            }
        }

        if (Encoding.UTF8.GetByteCount(text) > OperationRequest.MaxSize)
        {
            return (null, OperationResult.Invalid($"The body is larger than {OperationRequest.MaxSize:N0} bytes."));
        }

        try
        {
            return JsonNode.Parse(text) is JsonObject fields
                ? (fields, null)
                : (null, OperationResult.Invalid("The body must be a JSON object of fields, such as {\"LastName\":\"Doe\",\"Company\":\"Acme\"}."));
        }
        catch (JsonException e)
        {
            return (null, OperationResult.Invalid($"The body is not valid JSON: {e.Message}"));
        }
    }

    private static IEnumerable<(string Name, string Value)> QueryParameters(JsonObject httpEvent)
    {
        if (httpEvent["queryStringParameters"] is not JsonObject parameters)
        {
            yield break;
        }

        foreach (var (name, value) in parameters)
        {
            if (value is JsonValue v && v.TryGetValue<string>(out var text))
            {
                yield return (name, text);
            }
        }
    }

    private static string? Query(JsonObject httpEvent, string name) =>
        QueryParameters(httpEvent).Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Select(p => p.Value).FirstOrDefault();

    private static string? Header(JsonObject httpEvent, string name) =>
        httpEvent["headers"] is JsonObject headers
            ? headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value?.GetValue<string>()).FirstOrDefault()
            : null;
}
