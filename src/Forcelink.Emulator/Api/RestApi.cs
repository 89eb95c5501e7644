using System.Globalization;
using System.Text;
using System.Text.Json;
using Forcelink.Emulator.Bulk;
using Forcelink.Emulator.Ids;
using Forcelink.Emulator.Org;
using Forcelink.Emulator.Records;
using Forcelink.Emulator.Schema;
using Forcelink.Emulator.Soql;

namespace Forcelink.Emulator.Api;

/// <summary>Routes authenticated REST calls under <c>/services/data/vXX.X/</c>. The caller holds the org gate.</summary>
internal sealed class RestApi
{
    public const decimal MinVersion = 31.0m;
    public const decimal MaxVersion = 68.0m;

    private static readonly string[] ResourceNames = ["sobjects", "query", "queryAll", "search", "parameterizedSearch", "composite", "limits"];

    private readonly EmulatedOrg _org;
    private readonly RecordWriter _writer;
    private readonly QueryCursors _cursors;

    public RestApi(EmulatedOrg org)
    {
        _org = org;
        _writer = new RecordWriter(org);
        _cursors = new QueryCursors(org);
        Composite = new CompositeApi(this, org, _writer);
        Files = new FilesApi(org, _writer);
        _replication = new ReplicationApi(org);
        Bulk = new BulkApi(org, _writer);
    }

    public CompositeApi Composite { get; }

    public FilesApi Files { get; }

    public BulkApi Bulk { get; }

    private readonly ReplicationApi _replication;

    public static IEnumerable<(string Label, string Version)> Versions()
    {
        string[] seasons = ["Summer", "Winter", "Spring"];
        for (var v = (int)MinVersion; v <= (int)MaxVersion; v++)
        {
            var index = v - 31;
            yield return ($"{seasons[index % 3]} '{14 + ((index + 2) / 3):00}", $"{v}.0");
        }
    }

    public static bool IsKnownVersion(string version) =>
        decimal.TryParse(version, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v)
        && version.Contains('.', StringComparison.Ordinal) && v >= MinVersion && v <= MaxVersion && v == decimal.Truncate(v);

    public ApiResult Handle(ApiCall call)
    {
        var method = call.Method;
        if (method == "POST" && call.Query.TryGetValue("_HttpMethod", out var overridden))
        {
            method = overridden.ToUpperInvariant();
            call = call with { Method = method };
        }

        var s = call.Segments;
        try
        {
            return s switch
            {
                [] => Only(call, "GET", () => Resources(call)),
                ["sobjects"] => Only(call, "GET", () => DescribeGlobal(call)),
                ["sobjects", var type, ..] => SObjects(call, type, s.Skip(2).ToArray()),
                ["query"] => Only(call, "GET", () => Query(call, includeDeleted: false)),
                ["queryAll"] => Only(call, "GET", () => Query(call, includeDeleted: true)),
                ["query" or "queryAll", var locator] => Only(call, "GET", () => _cursors.Next(call, locator)),
                ["search"] => Only(call, "GET", () => Search(call)),
                ["parameterizedSearch"] => call.Method is "GET" or "POST" ? ParameterizedSearch(call) : MethodNotAllowed(call.Method, "GET,POST"),
                ["limits"] => Only(call, "GET", Limits),
                ["composite", ..] => Composite.Handle(call, s.Skip(1).ToArray()),
                ["jobs", ..] => Bulk.Handle(call, s.Skip(1).ToArray()),
                _ => ApiResult.NotFound(),
            };
        }
        catch (SoqlException e)
        {
            return ApiResult.Error(400, e.ErrorCode, e.Message);
        }
        catch (JsonException e)
        {
            return ApiResult.Error(400, "JSON_PARSER_ERROR", e.Message);
        }
        catch (InvalidOperationException e) when (e.TargetSite?.DeclaringType?.Assembly == typeof(JsonElement).Assembly)
        {
            // A well-formed body of the wrong shape (array for object, number for string...).
            return ApiResult.Error(400, "JSON_PARSER_ERROR", e.Message);
        }
    }

    public static ApiResult MethodNotAllowed(string method, string allowed) =>
        ApiResult.Error(405, "METHOD_NOT_ALLOWED", $"HTTP Method '{method}' not allowed. Allowed are {allowed}");

    /// <summary>The object as the caller sees it: unreadable objects are reported as not existing.</summary>
    public ObjectSchema? Visible(Session session, string type) =>
        _org.Store.Find(type) is { } schema && _org.Directory.PermissionsFor(session.User, schema.Name).Read ? schema : null;

    public static JsonElement ParseBody(string? body) => Detached(string.IsNullOrWhiteSpace(body) ? "{}" : body);

    /// <summary>Parses into an element that outlives its document. The document is disposed so its pooled buffers go back
    /// to the pool: left undisposed, every 30 KB collections body rented fresh arrays and fed the large-object heap.</summary>
    public static JsonElement Detached(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <inheritdoc cref="Detached(string)"/>
    public static JsonElement Detached(ReadOnlyMemory<byte> utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        return document.RootElement.Clone();
    }

    public static void WriteRecord(Utf8JsonWriter w, ObjectSchema schema, IReadOnlyDictionary<string, object?> fields, string version, IReadOnlyList<FieldDefinition>? select = null)
    {
        w.WriteStartObject();
        w.WriteStartObject("attributes");
        w.WriteString("type", schema.Name);
        w.WriteString("url", $"/services/data/v{version}/sobjects/{schema.Name}/{fields["Id"]}");
        w.WriteEndObject();
        foreach (var field in select ?? schema.Fields)
        {
            w.WritePropertyName(field.Name);
            FieldValues.Write(w, field.Type, fields.GetValueOrDefault(field.Name));
        }

        w.WriteEndObject();
    }

    public static ApiResult SaveFailure(SaveResult result) => ApiResult.Error(result.Errors[0]);

    private static ApiResult Only(ApiCall call, string method, Func<ApiResult> handler) =>
        call.Method == method || (method == "GET" && call.Method == "HEAD") ? handler() : MethodNotAllowed(call.Method, method == "GET" ? "GET,HEAD" : method);

    private static ApiResult Resources(ApiCall call) => ApiResult.Json(200, w =>
    {
        w.WriteStartObject();
        foreach (var name in ResourceNames)
        {
            w.WriteString(name, $"{call.VersionPrefix}/{name}");
        }

        w.WriteEndObject();
    });

    private void WriteObjectSummary(Utf8JsonWriter w, ObjectSchema schema, Session session, string version) =>
        DescribeWriter.WriteSummary(w, schema, _org.Directory.PermissionsFor(session.User, schema.Name), version);

    private ApiResult DescribeGlobal(ApiCall call) => ApiResult.Json(200, w =>
    {
        w.WriteStartObject();
        w.WriteString("encoding", "UTF-8");
        w.WriteNumber("maxBatchSize", 200);
        w.WriteStartArray("sobjects");
        foreach (var schema in _org.Store.Objects.OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            if (_org.Directory.PermissionsFor(call.Session.User, schema.Name).Read)
            {
                w.WriteStartObject();
                WriteObjectSummary(w, schema, call.Session, call.Version);
                w.WriteEndObject();
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    private ApiResult SObjects(ApiCall call, string type, string[] rest)
    {
        if (Visible(call.Session, type) is not { } schema)
        {
            return ApiResult.NotFound();
        }

        return rest switch
        {
            [] => call.Method switch
            {
                "GET" or "HEAD" => BasicInfo(call, schema),
                "POST" when schema.Name == ContentObjects.Version => Files.CreateFromJson(call),
                "POST" when schema.Name == ContentObjects.Link => Files.CreateLink(call, schema),
                "POST" => Create(call, schema),
                _ => MethodNotAllowed(call.Method, "GET,HEAD,POST"),
            },
            ["describe"] => Only(call, "GET", () => Describe(call, schema)),
            ["updated"] => Only(call, "GET", () => _replication.Updated(call, schema)),
            ["deleted"] => Only(call, "GET", () => _replication.Deleted(call, schema)),
            [var id] => call.Method switch
            {
                "GET" or "HEAD" => Retrieve(call, schema, id),
                "PATCH" => Update(call, schema, id),
                "DELETE" when schema.Name == ContentObjects.Document && ResolveId(schema, id, out var documentId) is null => Files.DeleteDocument(call, schema, documentId),
                "DELETE" => Delete(call, schema, id),
                "POST" when id.Equals("Id", StringComparison.OrdinalIgnoreCase) => ByExternalId(call, schema, id, ""),
                _ => MethodNotAllowed(call.Method, schema.Deletable ? "HEAD,GET,PATCH,DELETE" : "HEAD,GET,PATCH"),
            },
            [var field, var value] => ByExternalId(call, schema, field, Uri.UnescapeDataString(value)),
            _ => ApiResult.NotFound(),
        };
    }

    private ApiResult BasicInfo(ApiCall call, ObjectSchema schema) => ApiResult.Json(200, w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("objectDescribe");
        WriteObjectSummary(w, schema, call.Session, call.Version);
        w.WriteEndObject();
        w.WriteStartArray("recentItems");
        var nameField = schema.Find("Name") ?? schema.Find("CaseNumber");
        foreach (var row in _org.Store.Rows(schema.Name, includeDeleted: false)
            .OrderByDescending(r => r.GetValueOrDefault("LastModifiedDate") as DateTimeOffset?).Take(5))
        {
            WriteRecord(w, schema, row, call.Version, nameField is null ? [schema.Find("Id")!] : [schema.Find("Id")!, nameField]);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    private ApiResult Describe(ApiCall call, ObjectSchema schema) => ApiResult.Json(200, w =>
    {
        w.WriteStartObject();
        WriteObjectSummary(w, schema, call.Session, call.Version);
        DescribeWriter.WriteDescribeExtras(w, new UserCatalog(_org, call.Session.User).ChildRelationships(schema.Name));
        w.WriteStartArray("fields");
        foreach (var f in schema.Fields)
        {
            DescribeWriter.WriteField(w, f);
        }

        w.WriteEndArray();
        DescribeWriter.WriteRecordTypes(w);
        w.WriteEndObject();
    });

    private ApiResult Create(ApiCall call, ObjectSchema schema)
    {
        var result = _writer.Create(schema, ParseBody(call.Body), call.Session);
        if (!result.Success)
        {
            return SaveFailure(result);
        }

        var created = ApiResult.Json(201, result.WriteSingle);
        created.Headers["Location"] = $"{call.VersionPrefix}/sobjects/{schema.Name}/{result.Id}";
        return created;
    }

    private static ApiResult? ResolveId(ObjectSchema schema, string text, out string id18)
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

    private ApiResult Retrieve(ApiCall call, ObjectSchema schema, string text)
    {
        if (ResolveId(schema, text, out var id) is { } bad)
        {
            return bad;
        }

        if (_writer.Existing(schema, id, out var fields) is { } missing)
        {
            return ApiResult.Error(missing);
        }

        if (SelectFields(call, schema, out var select) is { } invalid)
        {
            return invalid;
        }

        return ApiResult.Json(200, w => WriteRecord(w, schema, fields!, call.Version, select));
    }

    /// <summary>?fields=a,b → those fields in that order with Id appended last when not asked for.</summary>
    public static ApiResult? SelectFields(ApiCall call, ObjectSchema schema, out List<FieldDefinition>? select)
    {
        select = null;
        if (!call.Query.TryGetValue("fields", out var list) || string.IsNullOrWhiteSpace(list))
        {
            return null;
        }

        select = [];
        foreach (var name in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (schema.Find(name) is not { } field)
            {
                return ApiResult.Error(400, "INVALID_FIELD",
                    $"No such column '{name}' on entity '{schema.Name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.");
            }

            if (!select.Contains(field))
            {
                select.Add(field);
            }
        }

        if (!select.Any(f => f.Name == "Id"))
        {
            select.Add(schema.Find("Id")!);
        }

        return null;
    }

    private ApiResult Update(ApiCall call, ObjectSchema schema, string text)
    {
        if (ResolveId(schema, text, out var id) is { } bad)
        {
            return bad;
        }

        var result = _writer.Update(schema, id, ParseBody(call.Body), call.Session);
        return result.Success ? ApiResult.NoContent() : SaveFailure(result);
    }

    private ApiResult Delete(ApiCall call, ObjectSchema schema, string text)
    {
        if (!schema.Deletable)
        {
            return MethodNotAllowed("DELETE", "HEAD,GET,PATCH");
        }

        if (ResolveId(schema, text, out var id) is { } bad)
        {
            return bad;
        }

        var result = _writer.Delete(schema, id, call.Session);
        return result.Success ? ApiResult.NoContent() : SaveFailure(result);
    }

    private static bool IdShaped(string text) => text.Length is 15 or 18 && text.All(char.IsAsciiLetterOrDigit);

    private static ApiResult UnknownExternalIdField(string name) =>
        ApiResult.Error(404, "NOT_FOUND", $"Provided external ID field does not exist or is not accessible: {name}");

    private ApiResult ByExternalId(ApiCall call, ObjectSchema schema, string fieldName, string value)
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
                        && field.Type != FieldType.Id && _org.Store.FindByExternalId(schema, field, value).Count == 0)
                    {
                        return ApiResult.NotFound();
                    }

                    var result = _writer.Upsert(schema, field, field.Type == FieldType.Id && value.Length == 0 ? null : value, ParseBody(call.Body), call.Session);
                    if (result.MultipleMatches is { } matches)
                    {
                        return MultipleChoices(call, schema, matches);
                    }

                    if (!result.Success)
                    {
                        return SaveFailure(result);
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
                        : _org.Store.FindByExternalId(schema, field, value);
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
                return MethodNotAllowed(call.Method, "GET,HEAD,PATCH,DELETE");
        }
    }

    private static ApiResult MultipleChoices(ApiCall call, ObjectSchema schema, IReadOnlyList<string> matches) => ApiResult.Json(300, w =>
    {
        w.WriteStartArray();
        foreach (var id in matches)
        {
            w.WriteStringValue($"{call.VersionPrefix}/sobjects/{schema.Name}/{id}");
        }

        w.WriteEndArray();
    });

    private ApiResult Query(ApiCall call, bool includeDeleted)
    {
        if (!call.Query.TryGetValue("q", out var soql) || string.IsNullOrWhiteSpace(soql))
        {
            return ApiResult.Error(400, "MALFORMED_QUERY", "A query string has to be specified");
        }

        var engine = new SoqlEngine(new UserCatalog(_org, call.Session.User), _org.TimeProvider);
        var result = engine.Query(soql, includeDeleted);
        if (call.Query.TryGetValue("columns", out var columns) && columns.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return ApiResult.Json(200, result.WriteColumnMetadata);
        }

        return _cursors.First(call, result);
    }

    private ApiResult Search(ApiCall call)
    {
        if (!call.Query.TryGetValue("q", out var sosl) || string.IsNullOrWhiteSpace(sosl))
        {
            return ApiResult.Error(400, "MALFORMED_SEARCH", "No search term found. The search term must be enclosed in braces.");
        }

        var result = new SoqlEngine(new UserCatalog(_org, call.Session.User), _org.TimeProvider).Search(sosl);
        return ApiResult.Json(200, w => result.Write(w, call.Version));
    }

    private ApiResult ParameterizedSearch(ApiCall call)
    {
        var parameters = call.Method == "GET" ? new Dictionary<string, string>(call.Query, StringComparer.Ordinal) : SearchParameters(ParseBody(call.Body));
        var result = new SoqlEngine(new UserCatalog(_org, call.Session.User), _org.TimeProvider).ParameterizedSearch(parameters);
        return ApiResult.Json(200, w => result.Write(w, call.Version));
    }

    /// <summary>The POST body of parameterizedSearch flattened into the GET query-string parameters.</summary>
    public static Dictionary<string, string> SearchParameters(JsonElement body)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body.ValueKind != JsonValueKind.Object)
        {
            return parameters;
        }

        foreach (var p in body.EnumerateObject())
        {
            if (p.NameEquals("sobjects") && p.Value.ValueKind == JsonValueKind.Array)
            {
                var names = new List<string>();
                foreach (var o in p.Value.EnumerateArray())
                {
                    if (!o.TryGetProperty("name", out var nameElement) || nameElement.GetString() is not { } name)
                    {
                        continue;
                    }

                    names.Add(name);
                    foreach (var op in o.EnumerateObject().Where(op => !op.NameEquals("name")))
                    {
                        parameters[$"{name}.{op.Name}"] = Flatten(op.Value);
                    }
                }

                parameters["sobject"] = string.Join(',', names);
            }
            else
            {
                parameters[p.Name] = Flatten(p.Value);
            }
        }

        return parameters;
    }

    private static string Flatten(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(Flatten)),
        JsonValueKind.String => value.GetString()!,
        _ => value.GetRawText(),
    };

    private ApiResult Limits() => ApiResult.Json(200, w =>
    {
        void Limit(string name, int max, int remaining)
        {
            w.WriteStartObject(name);
            w.WriteNumber("Max", max);
            w.WriteNumber("Remaining", remaining);
            w.WriteEndObject();
        }

        w.WriteStartObject();
        Limit("DailyApiRequests", _org.Options.DailyApiLimit, Math.Max(0, _org.Options.DailyApiLimit - _org.ApiUsed));
        Limit("DailyAsyncApexExecutions", 250000, 250000);
        var bulk = _org.BulkJobs;
        Limit("DailyBulkApiBatches", BulkJobStore.DailyBatches, Math.Max(0, BulkJobStore.DailyBatches - bulk.BatchesUsed));
        Limit("DailyBulkV2QueryFileStorageMB", BulkJobStore.DailyQueryStorageMegabytes,
            Math.Max(0, BulkJobStore.DailyQueryStorageMegabytes - bulk.QueryStorageMegabytesUsed));
        Limit("DailyBulkV2QueryJobs", BulkJobStore.DailyQueryJobs, Math.Max(0, BulkJobStore.DailyQueryJobs - bulk.QueryJobsUsed));
        Limit("DataStorageMB", 1024, 1024 - Math.Min(1024, _org.Store.Objects.Sum(o => _org.Store.Count(o.Name, true)) * 2 / 1024));
        Limit("FileStorageMB", 1024, 1024);
        w.WriteEndObject();
    });

    public static string Utf8(byte[]? body) => body is null ? "" : Encoding.UTF8.GetString(body);
}
