using System.Text.Json;
using System.Text.RegularExpressions;
using Forcelink.Emulator.Ids;
using Forcelink.Emulator.Org;
using Forcelink.Emulator.Schema;

namespace Forcelink.Emulator.Api;

/// <summary>/composite, /composite/batch, /composite/sobjects (sObject Collections) and /composite/tree (sObject Tree).</summary>
internal sealed partial class CompositeApi(RestApi rest, EmulatedOrg org, RecordWriter writer)
{
    private readonly SObjectTreeApi _tree = new(rest, org, writer);

    private const int MaxSubrequests = 25;
    private const int MaxCollectionRecords = 200;
    private const string RolledBack = "The transaction was rolled back since another operation in the same transaction failed.";
    private const string RecordRolledBack = "Record rolled back because not all records were valid and the request was using AllOrNone header";

    /// <summary>Splits <c>/services/data/vXX.X/a/b?x=y</c> into version, path segments and query.</summary>
    public static (string Version, string[] Segments, Dictionary<string, string> Query)? ParseUrl(string url)
    {
        var question = url.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? url : url[..question];
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (question >= 0)
        {
            foreach (var pair in url[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                query[Uri.UnescapeDataString(kv[0].Replace('+', ' '))] = kv.Length > 1 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "";
            }
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 3 || segments[0] != "services" || segments[1] != "data" || !segments[2].StartsWith('v')
            || !ApiVersions.IsKnown(segments[2][1..]))
        {
            return null;
        }

        return (segments[2][1..], segments[3..], query);
    }

    public ApiResult Handle(ApiCall call, string[] rest) => rest switch
    {
        [] => call.Method == "POST" ? Composite(call) : ApiResult.MethodNotAllowed(call.Method, "POST"),
        ["batch"] => call.Method == "POST" ? Batch(call) : ApiResult.MethodNotAllowed(call.Method, "POST"),
        ["graph"] => call.Method == "POST" ? Graph(call) : ApiResult.MethodNotAllowed(call.Method, "POST"),
        ["sobjects"] => call.Method switch
        {
            "POST" => Save(call, Operation.Create, null, null),
            "PATCH" => Save(call, Operation.Update, null, null),
            "DELETE" => Delete(call),
            _ => ApiResult.MethodNotAllowed(call.Method, "POST,PATCH,DELETE"),
        },
        ["sobjects", var type] => call.Method is "GET" or "POST" ? Retrieve(call, type) : ApiResult.MethodNotAllowed(call.Method, "GET,POST"),
        ["sobjects", var type, var field] => call.Method == "PATCH" ? Upsert(call, type, field) : ApiResult.MethodNotAllowed(call.Method, "PATCH"),
        ["tree", var type] => call.Method == "POST" ? _tree.Save(call, type) : ApiResult.MethodNotAllowed(call.Method, "POST"),
        _ => ApiResult.NotFound(),
    };

    private enum Operation
    {
        Create,
        Update,
        Upsert,
    }

    private static ApiResult TooMany() =>
        ApiResult.Error(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call");

    private static bool AllOrNone(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("allOrNone", out var v) && v.ValueKind == JsonValueKind.True;

    private ApiResult Save(ApiCall call, Operation operation, ObjectSchema? upsertSchema, FieldDefinition? upsertKey)
    {
        // Nothing outlives the call, so the up-to-200-record body is read in place rather than cloned.
        using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(call.Body) ? "{}" : call.Body);
        var body = document.RootElement;
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("records", out var records) || records.ValueKind != JsonValueKind.Array)
        {
            return ApiResult.Error(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of SObject[] or request may be missing a required field: records");
        }

        if (records.GetArrayLength() > MaxCollectionRecords)
        {
            return TooMany();
        }

        var allOrNone = AllOrNone(body);
        var results = new List<SaveResult>();
        var ownTransaction = !org.Store.InTransaction;
        if (ownTransaction)
        {
            org.Store.Begin();
        }

        foreach (var record in records.EnumerateArray())
        {
            results.Add(SaveOne(call, operation, record, upsertSchema, upsertKey));
        }

        var failed = results.Any(r => !r.Success);
        if (allOrNone && failed)
        {
            if (ownTransaction)
            {
                org.Store.Rollback();
            }

            for (var i = 0; i < results.Count; i++)
            {
                if (results[i].Success)
                {
                    var keepId = operation != Operation.Create && results[i].Created != true;
                    results[i] = new SaveResult(keepId ? results[i].Id : null,
                        [new ApiError("ALL_OR_NONE_OPERATION_ROLLED_BACK", RecordRolledBack, [])]);
                }
            }
        }
        else if (ownTransaction)
        {
            org.Store.Commit();
        }

        return ApiResult.Json(200, w =>
        {
            w.WriteStartArray();
            foreach (var r in results)
            {
                r.WriteCollectionItem(w, includeCreated: operation == Operation.Upsert);
            }

            w.WriteEndArray();
        });
    }

    private SaveResult SaveOne(ApiCall call, Operation operation, JsonElement record, ObjectSchema? upsertSchema, FieldDefinition? upsertKey)
    {
        string? typeName = null;
        if (record.ValueKind == JsonValueKind.Object && record.TryGetProperty("attributes", out var attributes)
            && attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty("type", out var type))
        {
            typeName = type.GetString();
        }

        var schema = upsertSchema ?? (typeName is null ? null : rest.Visible(call.Session, typeName));
        if (schema is null)
        {
            return SaveResult.Failed(new ApiError("INVALID_TYPE", typeName is null ? "Must send a concrete entity type." : $"sObject type '{typeName}' is not supported.", []));
        }

        switch (operation)
        {
            case Operation.Create:
                return writer.Create(schema, record, call.Session);
            case Operation.Update:
                {
                    if (!TryGetString(record, "Id", out var idText))
                    {
                        return SaveResult.Failed(new ApiError("MISSING_ARGUMENT", "Id not specified in an update call", []));
                    }

                    if (!RecordIds.TryNormalize(idText, out var id18) || !id18.StartsWith(schema.KeyPrefix, StringComparison.Ordinal))
                    {
                        return SaveResult.Failed(RecordWriter.MalformedId(schema, idText));
                    }

                    return writer.Update(schema, id18, record, call.Session);
                }

            default:
                {
                    if (!TryGetString(record, upsertKey!.Name, out var value))
                    {
                        return SaveResult.Failed(new ApiError("MISSING_ARGUMENT", $"{upsertKey.Name} not specified", []));
                    }

                    var result = writer.Upsert(schema, upsertKey, value, record, call.Session);
                    return result.MultipleMatches is { } matches
                        ? SaveResult.Failed(new ApiError("DUPLICATE_EXTERNAL_ID",
                            $"{upsertKey.Label}: more than one record found for external id field: [{string.Join(", ", matches)}]", [upsertKey.Name]))
                        : result;
                }
        }
    }

    private static bool TryGetString(JsonElement record, string name, out string value)
    {
        value = "";
        if (record.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var p in record.EnumerateObject())
        {
            if (p.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            {
                value = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                return value.Length > 0;
            }
        }

        return false;
    }

    private ApiResult Upsert(ApiCall call, string type, string fieldName)
    {
        if (rest.Visible(call.Session, type) is not { } schema || schema.Find(fieldName) is not { } field || (!field.ExternalId && field.Type != Records.FieldType.Id))
        {
            return ApiResult.NotFound();
        }

        return Save(call, Operation.Upsert, schema, field);
    }

    private ApiResult Delete(ApiCall call)
    {
        var ids = call.Query.GetValueOrDefault("ids", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length > MaxCollectionRecords)
        {
            return TooMany();
        }

        if (ids.Length == 0)
        {
            return ApiResult.Error(400, "REQUIRED_FIELD_MISSING", "At least 1 Id is required.");
        }

        var allOrNone = call.Query.TryGetValue("allOrNone", out var flag) && flag.Equals("true", StringComparison.OrdinalIgnoreCase);
        var ownTransaction = !org.Store.InTransaction;
        if (ownTransaction)
        {
            org.Store.Begin();
        }

        var results = new List<SaveResult>();
        foreach (var id in ids)
        {
            if (!RecordIds.TryNormalize(id, out var id18) || org.Store.FindByPrefix(id18) is not { } schema)
            {
                results.Add(SaveResult.Failed(new ApiError("MALFORMED_ID", $"malformed id {id}", [])));
                continue;
            }

            if (org.Store.Get(id18) is null || rest.Visible(call.Session, schema.Name) is null)
            {
                results.Add(SaveResult.Failed(new ApiError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", []), id18));
                continue;
            }

            results.Add(writer.Delete(schema, id18, call.Session));
        }

        if (allOrNone && results.Any(r => !r.Success))
        {
            if (ownTransaction)
            {
                org.Store.Rollback();
            }

            for (var i = 0; i < results.Count; i++)
            {
                if (results[i].Success)
                {
                    results[i] = new SaveResult(results[i].Id, [new ApiError("ALL_OR_NONE_OPERATION_ROLLED_BACK", RecordRolledBack, [])]);
                }
            }
        }
        else if (ownTransaction)
        {
            org.Store.Commit();
        }

        return ApiResult.Json(200, w =>
        {
            w.WriteStartArray();
            foreach (var r in results)
            {
                r.WriteCollectionItem(w, includeCreated: false);
            }

            w.WriteEndArray();
        });
    }

    private ApiResult Retrieve(ApiCall call, string type)
    {
        if (rest.Visible(call.Session, type) is not { } schema)
        {
            return ApiResult.NotFound();
        }

        IReadOnlyList<string> ids;
        var select = call;
        if (call.Method == "POST")
        {
            var body = JsonBodies.Parse(call.Body);
            ids = body.TryGetProperty("ids", out var idArray) ? [.. idArray.EnumerateArray().Select(e => e.GetString() ?? "")] : [];
            var fields = body.TryGetProperty("fields", out var fieldArray) ? string.Join(',', fieldArray.EnumerateArray().Select(e => e.GetString())) : "";
            select = call with { Query = new Dictionary<string, string>(StringComparer.Ordinal) { ["fields"] = fields } };
        }
        else
        {
            ids = call.Query.GetValueOrDefault("ids", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        if (RecordJson.SelectFields(select, schema, out var fieldList) is { } invalid)
        {
            return invalid;
        }

        return ApiResult.Json(200, w =>
        {
            w.WriteStartArray();
            foreach (var id in ids)
            {
                if (RecordIds.TryNormalize(id, out var id18) && writer.Existing(schema, id18, out var found) is null)
                {
                    RecordJson.Write(w, schema, found!, call.Version, fieldList);
                }
                else
                {
                    w.WriteNullValue();
                }
            }

            w.WriteEndArray();
        });
    }

    private ApiResult Composite(ApiCall call)
    {
        var body = JsonBodies.Parse(call.Body);
        if (!body.TryGetProperty("compositeRequest", out var requests) || requests.ValueKind != JsonValueKind.Array)
        {
            return ApiResult.Error(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of CompositeRequest or request may be missing a required field: compositeRequest");
        }

        if (requests.GetArrayLength() > MaxSubrequests)
        {
            return ApiResult.Error(400, "LIMIT_EXCEEDED", "Limit Exceeded: you can only include up to 25 subrequests");
        }

        var allOrNone = AllOrNone(body);
        var outputs = new List<(string ReferenceId, ApiResult Result)>();
        var references = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var failed = false;
        org.Store.Begin();
        foreach (var sub in requests.EnumerateArray())
        {
            var referenceId = sub.TryGetProperty("referenceId", out var r) ? r.GetString() ?? "" : "";
            if (failed && allOrNone)
            {
                outputs.Add((referenceId, ApiResult.Error(400, "PROCESSING_HALTED", RolledBack)));
                continue;
            }

            var result = RunSubrequest(call, sub, references);
            outputs.Add((referenceId, result));
            if (result.Status >= 400)
            {
                failed = true;
            }
            else if (result.Body is { Length: > 0 } bytes)
            {
                references[referenceId] = JsonBodies.Detached(bytes);
            }
        }

        if (failed && allOrNone)
        {
            org.Store.Rollback();
            var firstFailure = outputs.FindIndex(o => o.Result.Status >= 400);
            for (var i = 0; i < outputs.Count; i++)
            {
                if (i != firstFailure)
                {
                    outputs[i] = (outputs[i].ReferenceId, ApiResult.Error(400, "PROCESSING_HALTED", RolledBack));
                }
            }
        }
        else
        {
            org.Store.Commit();
        }

        return ApiResult.Json(200, w =>
        {
            w.WriteStartObject();
            WriteCompositeResponse(w, outputs);
            w.WriteEndObject();
        });
    }

    private ApiResult RunSubrequest(ApiCall call, JsonElement sub, Dictionary<string, JsonElement> references)
    {
        var method = sub.TryGetProperty("method", out var m) ? m.GetString() ?? "" : "";
        var url = sub.TryGetProperty("url", out var u) ? u.GetString() ?? "" : "";
        string? body = sub.TryGetProperty("body", out var b) && b.ValueKind != JsonValueKind.Null ? b.GetRawText() : null;
        string? missing = null;
        string Substitute(string text) => ReferencePattern().Replace(text, match =>
        {
            if (Resolve(references, match.Groups[1].Value) is { } value)
            {
                return value;
            }

            missing ??= match.Groups[1].Value;
            return match.Value;
        });

        url = Substitute(url);
        if (body is not null)
        {
            body = Substitute(body);
        }

        if (missing is not null)
        {
            var referenceId = missing.Split('.', '[')[0];
            return ApiResult.Error(400, "PROCESSING_HALTED",
                $"Invalid reference specified. No value for {missing} found in {referenceId}. Provided referenceId ({referenceId}) is either invalid or not available yet.");
        }

        if (method is not ("GET" or "POST" or "PATCH" or "PUT" or "DELETE") || ParseUrl(url) is not { } parsed)
        {
            return ApiResult.NotFound();
        }

        if (parsed.Segments is ["composite"] or ["composite", "batch"])
        {
            return ApiResult.Error(400, "INVALID_INPUT", "Composite requests cannot be nested.");
        }

        return rest.Handle(new ApiCall(method, parsed.Version, parsed.Segments, parsed.Query, call.Headers, body, call.Session));
    }

    /// <summary>Evaluates <c>ref.field</c>, <c>ref.list[0].Id</c> against an earlier subresponse body.</summary>
    private static string? Resolve(Dictionary<string, JsonElement> references, string path)
    {
        var parts = PathPattern().Matches(path);
        if (parts.Count == 0 || !references.TryGetValue(parts[0].Groups["name"].Value, out var current))
        {
            return null;
        }

        for (var i = 1; i < parts.Count; i++)
        {
            var part = parts[i];
            if (part.Groups["name"].Success)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part.Groups["name"].Value, out current))
                {
                    return null;
                }
            }
            else
            {
                var index = int.Parse(part.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (current.ValueKind != JsonValueKind.Array || index >= current.GetArrayLength())
                {
                    return null;
                }

                current = current[index];
            }
        }

        return current.ValueKind switch
        {
            JsonValueKind.String => current.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => current.GetRawText(),
        };
    }

    private ApiResult Batch(ApiCall call)
    {
        var body = JsonBodies.Parse(call.Body);
        if (!body.TryGetProperty("batchRequests", out var requests) || requests.ValueKind != JsonValueKind.Array)
        {
            return ApiResult.Error(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of BatchRequest or request may be missing a required field: batchRequests");
        }

        if (requests.GetArrayLength() > MaxSubrequests)
        {
            return ApiResult.Error(400, "LIMIT_EXCEEDED", "Limit Exceeded: you can only include up to 25 subrequests");
        }

        var haltOnError = body.TryGetProperty("haltOnError", out var h) && h.ValueKind == JsonValueKind.True;
        var results = new List<ApiResult>();
        var halted = false;
        foreach (var sub in requests.EnumerateArray())
        {
            if (halted)
            {
                results.Add(ApiResult.Error(412, "BATCH_PROCESSING_HALTED", "Batch processing halted per request"));
                continue;
            }

            var method = sub.TryGetProperty("method", out var m) ? m.GetString() ?? "" : "";
            var url = sub.TryGetProperty("url", out var u) ? u.GetString() ?? "" : "";
            var input = sub.TryGetProperty("richInput", out var ri) && ri.ValueKind != JsonValueKind.Null ? ri.GetRawText() : null;
            var parsed = ParseUrl("/services/data/" + url.TrimStart('/'));

            // Unlike /composite, every batch subrequest counts against the API limit; the HTTP layer counted the first.
            var counted = results.Count == 0 || org.Usage.TryCount();
            var result = !counted
                ? ApiResult.Error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
                : parsed is null
                ? ApiResult.NotFound()
                : rest.Handle(new ApiCall(method, parsed.Value.Version, parsed.Value.Segments, parsed.Value.Query, call.Headers, input, call.Session));
            results.Add(result);
            halted = haltOnError && result.Status >= 400;
        }

        return ApiResult.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("hasErrors", results.Any(r => r.Status >= 400));
            w.WriteStartArray("results");
            foreach (var r in results)
            {
                w.WriteStartObject();
                w.WriteNumber("statusCode", r.Status);
                w.WritePropertyName("result");
                if (r.Body is { Length: > 0 } bytes)
                {
                    w.WriteRawValue(bytes);
                }
                else
                {
                    w.WriteNullValue();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    [GeneratedRegex(@"@\{([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+|\[\d+\])*)\}")]
    private static partial Regex ReferencePattern();

    [GeneratedRegex(@"(?<name>[A-Za-z0-9_]+)|\[(?<index>\d+)\]")]
    private static partial Regex PathPattern();
}
