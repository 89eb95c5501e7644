using System.Text.Json;
using Forcelink.Emulator.Org;
using Forcelink.Emulator.Soql;

namespace Forcelink.Emulator.Api;

/// <summary>SOQL and SOSL over REST: query, queryAll and their cursors, search and parameterizedSearch.</summary>
internal sealed class QueryResource(EmulatedOrg org)
{
    private readonly QueryCursors _cursors = new(org);

    public ApiResult Query(ApiCall call, bool includeDeleted)
    {
        if (!call.Query.TryGetValue("q", out var soql) || string.IsNullOrWhiteSpace(soql))
        {
            return ApiResult.Error(400, "MALFORMED_QUERY", "A query string has to be specified");
        }

        var result = Engine(call).Query(soql, includeDeleted);
        if (call.Query.TryGetValue("columns", out var columns) && columns.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return ApiResult.Json(200, result.WriteColumnMetadata);
        }

        return _cursors.First(call, result);
    }

    public ApiResult NextPage(ApiCall call, string locator) => _cursors.Next(call, locator);

    public ApiResult Search(ApiCall call)
    {
        if (!call.Query.TryGetValue("q", out var sosl) || string.IsNullOrWhiteSpace(sosl))
        {
            return ApiResult.Error(400, "MALFORMED_SEARCH", "No search term found. The search term must be enclosed in braces.");
        }

        var result = Engine(call).Search(sosl);
        return ApiResult.Json(200, w => result.Write(w, call.Version));
    }

    public ApiResult ParameterizedSearch(ApiCall call)
    {
        var parameters = call.Method == "GET" ? new Dictionary<string, string>(call.Query, StringComparer.Ordinal) : SearchParameters(JsonBodies.Parse(call.Body));
        var result = Engine(call).ParameterizedSearch(parameters);
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

    private SoqlEngine Engine(ApiCall call) => new(new UserCatalog(org, call.Session.User), org.TimeProvider);

    private static string Flatten(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => string.Join(',', value.EnumerateArray().Select(Flatten)),
        JsonValueKind.String => value.GetString()!,
        _ => value.GetRawText(),
    };
}
