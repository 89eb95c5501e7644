using System.Text.Json;
using Forcelink.Emulator.Bulk;
using Forcelink.Emulator.Org;
using Forcelink.Emulator.Schema;
using Forcelink.Emulator.Soql;

namespace Forcelink.Emulator.Api;

/// <summary>
/// Routes authenticated REST calls under <c>/services/data/vXX.X/</c> to their resources. It routes an
/// <see cref="ApiCall"/> rather than an HTTP request because composite subrequests go through the same table inside
/// the caller's gate and transaction. The caller holds the org gate.
/// </summary>
internal sealed class RestApi
{
    private readonly EmulatedOrg _org;
    private readonly DescribeResource _describe;
    private readonly SObjectResource _sobjects;
    private readonly QueryResource _query;
    private readonly LimitsResource _limits;
    private readonly ReplicationApi _replication;

    public RestApi(EmulatedOrg org)
    {
        _org = org;
        var writer = new RecordWriter(org);
        _describe = new DescribeResource(org);
        _sobjects = new SObjectResource(org, writer);
        _query = new QueryResource(org);
        _limits = new LimitsResource(org);
        _replication = new ReplicationApi(org);
        Composite = new CompositeApi(this, org, writer);
        Files = new FilesApi(org, writer);
        Bulk = new BulkApi(org, writer);
    }

    public CompositeApi Composite { get; }

    public FilesApi Files { get; }

    public BulkApi Bulk { get; }

    /// <inheritdoc cref="QueryResource.SearchParameters"/>
    public static Dictionary<string, string> SearchParameters(JsonElement body) => QueryResource.SearchParameters(body);

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
                [] => Only(call, "GET", () => DescribeResource.Resources(call)),
                ["sobjects"] => Only(call, "GET", () => _describe.DescribeGlobal(call)),
                ["sobjects", var type, ..] => Visible(call.Session, type) is { } schema ? SObject(call, schema, s.Skip(2).ToArray()) : ApiResult.NotFound(),
                ["query"] => Only(call, "GET", () => _query.Query(call, includeDeleted: false)),
                ["queryAll"] => Only(call, "GET", () => _query.Query(call, includeDeleted: true)),
                ["query" or "queryAll", var locator] => Only(call, "GET", () => _query.NextPage(call, locator)),
                ["search"] => Only(call, "GET", () => _query.Search(call)),
                ["parameterizedSearch"] => call.Method is "GET" or "POST" ? _query.ParameterizedSearch(call) : ApiResult.MethodNotAllowed(call.Method, "GET,POST"),
                ["limits"] => Only(call, "GET", _limits.Limits),
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

    /// <summary>The object as the caller sees it: unreadable objects are reported as not existing.</summary>
    public ObjectSchema? Visible(Session session, string type) =>
        _org.Store.Find(type) is { } schema && _org.Directory.PermissionsFor(session.User, schema.Name).Read ? schema : null;

    private ApiResult SObject(ApiCall call, ObjectSchema schema, string[] rest) => rest switch
    {
        [] => call.Method switch
        {
            "GET" or "HEAD" => _describe.BasicInfo(call, schema),
            "POST" when schema.Name == ContentObjects.Version => Files.CreateFromJson(call),
            "POST" when schema.Name == ContentObjects.Link => Files.CreateLink(call, schema),
            "POST" => _sobjects.Create(call, schema),
            _ => ApiResult.MethodNotAllowed(call.Method, "GET,HEAD,POST"),
        },
        ["describe"] => Only(call, "GET", () => _describe.Describe(call, schema)),
        ["updated"] => Only(call, "GET", () => _replication.Updated(call, schema)),
        ["deleted"] => Only(call, "GET", () => _replication.Deleted(call, schema)),
        [var id] => call.Method switch
        {
            "GET" or "HEAD" => _sobjects.Retrieve(call, schema, id),
            "PATCH" => _sobjects.Update(call, schema, id),
            "DELETE" when schema.Name == ContentObjects.Document && SObjectResource.ResolveId(schema, id, out var documentId) is null => Files.DeleteDocument(call, schema, documentId),
            "DELETE" => _sobjects.Delete(call, schema, id),
            "POST" when id.Equals("Id", StringComparison.OrdinalIgnoreCase) => _sobjects.ByExternalId(call, schema, id, ""),
            _ => ApiResult.MethodNotAllowed(call.Method, schema.Deletable ? "HEAD,GET,PATCH,DELETE" : "HEAD,GET,PATCH"),
        },
        [var field, var value] => _sobjects.ByExternalId(call, schema, field, Uri.UnescapeDataString(value)),
        _ => ApiResult.NotFound(),
    };

    private static ApiResult Only(ApiCall call, string method, Func<ApiResult> handler) =>
        call.Method == method || (method == "GET" && call.Method == "HEAD") ? handler() : ApiResult.MethodNotAllowed(call.Method, method == "GET" ? "GET,HEAD" : method);
}
