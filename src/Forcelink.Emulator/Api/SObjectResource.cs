using Forcelink.Emulator.Ids;
using Forcelink.Emulator.Org;
using Forcelink.Emulator.Records;
using Forcelink.Emulator.Schema;

namespace Forcelink.Emulator.Api;

/// <summary>One object's records through <c>sobjects/Type/...</c>: create, retrieve, update, delete, by id or external id.</summary>
internal sealed class SObjectResource(EmulatedOrg org, RecordWriter writer)
{
    public ApiResult Create(ApiCall call, ObjectSchema schema)
    {
        var result = writer.Create(schema, JsonBodies.Parse(call.Body), call.Session);
        if (!result.Success)
        {
            return ApiResult.SaveFailure(result);
        }

        var created = ApiResult.Json(201, result.WriteSingle);
        created.Headers["Location"] = $"{call.VersionPrefix}/sobjects/{schema.Name}/{result.Id}";
        return created;
    }

    /// <summary>The 18-character id a path segment names, or the answer when it names none of this object's.</summary>
    public static ApiResult? ResolveId(ObjectSchema schema, string text, out string id18)
    {
        id18 = "";
        if (!IdShaped(text))
        {
            // Salesforce reads a segment that cannot be an id as an external id field named without a value.
            return UnknownExternalIdField(text);
        }

        if (!RecordIds.TryNormalize(text, out var normalized) || !normalized.StartsWith(schema.KeyPrefix, StringComparison.Ordinal))
        {
            return ApiResult.Error(RecordWriter.MalformedId(schema, text));
        }

        id18 = normalized;
        return null;
    }

    public ApiResult Retrieve(ApiCall call, ObjectSchema schema, string text)
    {
        if (ResolveId(schema, text, out var id) is { } bad)
        {
            return bad;
        }

        if (writer.Existing(schema, id, out var fields) is { } missing)
        {
            return ApiResult.Error(missing);
        }

        if (RecordJson.SelectFields(call, schema, out var select) is { } invalid)
        {
            return invalid;
        }

        return ApiResult.Json(200, w => RecordJson.Write(w, schema, fields!, call.Version, select));
    }

    public ApiResult Update(ApiCall call, ObjectSchema schema, string text)
    {
        if (ResolveId(schema, text, out var id) is { } bad)
        {
            return bad;
        }

        var result = writer.Update(schema, id, JsonBodies.Parse(call.Body), call.Session);
        return result.Success ? ApiResult.NoContent() : ApiResult.SaveFailure(result);
    }

    public ApiResult Delete(ApiCall call, ObjectSchema schema, string text)
    {
        if (!schema.Deletable)
        {
            return ApiResult.MethodNotAllowed("DELETE", "HEAD,GET,PATCH");
        }

        if (ResolveId(schema, text, out var id) is { } bad)
        {
            return bad;
        }

        var result = writer.Delete(schema, id, call.Session);
        return result.Success ? ApiResult.NoContent() : ApiResult.SaveFailure(result);
    }

    public ApiResult ByExternalId(ApiCall call, ObjectSchema schema, string fieldName, string value)
    {
        if (schema.Find(fieldName) is not { } field || (!field.ExternalId && field.Type != FieldType.Id))
        {
            return UnknownExternalIdField(fieldName);
        }

        switch (call.Method)
        {
            case "PATCH" or "POST":
                {
                    if (call.Query.TryGetValue("updateOnly", out var updateOnly) && updateOnly.Equals("true", StringComparison.OrdinalIgnoreCase)
                        && field.Type != FieldType.Id && org.Store.FindByExternalId(schema, field, value).Count == 0)
                    {
                        return ApiResult.NotFound();
                    }

                    var result = writer.Upsert(schema, field, field.Type == FieldType.Id && value.Length == 0 ? null : value, JsonBodies.Parse(call.Body), call.Session);
                    if (result.MultipleMatches is { } matches)
                    {
                        return MultipleChoices(call, schema, matches);
                    }

                    if (!result.Success)
                    {
                        return ApiResult.SaveFailure(result);
                    }

                    var modern = call.VersionNumber >= 46.0m;
                    if (result.Created == true)
                    {
                        var created = ApiResult.Json(201, w => (modern ? result : result with { Created = null }).WriteSingle(w));
                        created.Headers["Location"] = $"{call.VersionPrefix}/sobjects/{schema.Name}/{result.Id}";
                        return created;
                    }

                    return modern ? ApiResult.Json(200, result.WriteSingle) : ApiResult.NoContent();
                }

            case "GET" or "HEAD" or "DELETE":
                {
                    var matches = field.Type == FieldType.Id
                        ? (RecordIds.TryNormalize(value, out var id18) ? [id18] : [])
                        : org.Store.FindByExternalId(schema, field, value);
                    if (matches.Count > 1)
                    {
                        return MultipleChoices(call, schema, matches);
                    }

                    if (matches.Count == 0)
                    {
                        return ApiResult.NotFound();
                    }

                    return call.Method == "DELETE" ? Delete(call, schema, matches[0]) : Retrieve(call, schema, matches[0]);
                }

            default:
                return ApiResult.MethodNotAllowed(call.Method, "GET,HEAD,PATCH,DELETE");
        }
    }

    private static bool IdShaped(string text) => text.Length is 15 or 18 && text.All(char.IsAsciiLetterOrDigit);

    private static ApiResult UnknownExternalIdField(string name) =>
        ApiResult.Error(404, "NOT_FOUND", $"Provided external ID field does not exist or is not accessible: {name}");

    private static ApiResult MultipleChoices(ApiCall call, ObjectSchema schema, IReadOnlyList<string> matches) => ApiResult.Json(300, w =>
    {
        w.WriteStartArray();
        foreach (var id in matches)
        {
            w.WriteStringValue($"{call.VersionPrefix}/sobjects/{schema.Name}/{id}");
        }

        w.WriteEndArray();
    });
}
