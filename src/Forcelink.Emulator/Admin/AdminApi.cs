using System.Net;
using System.Text.Json;
using Forcelink.Emulator.Api;
using Forcelink.Emulator.Hosting;
using Forcelink.Emulator.Org;
using static Forcelink.Emulator.Admin.AdminBodies;

namespace Forcelink.Emulator.Admin;

/// <summary>
/// The emulator's own control surface under <c>/__emulator/</c>: never behind a bearer token, never counted as API
/// usage, never hit by faults, so tests can always steer the org.
/// </summary>
internal sealed class AdminApi(EmulatedOrg org)
{
    private const string Root = "/__emulator";

    private sealed record AdminRequest(string Body, string[] Segments, IQueryCollection Query);

    /// <summary>Whether a path is the admin API's: any that starts with <c>/__emulator</c>, in any case.</summary>
    public static bool IsAdminPath(PathString path) => (path.Value ?? "").StartsWith(Root, StringComparison.OrdinalIgnoreCase);

    /// <summary>The segments after the first (<c>__emulator</c>, however spelt), empty ones dropped.</summary>
    public static string[] Segments(PathString path) =>
        (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();

    /// <summary>The path routing matches: <c>/__emulator</c> spelt as mapped and the segments without empty ones.</summary>
    public static string RoutingPath(PathString path) => Segments(path) is { Length: > 0 } segments ? $"{Root}/{string.Join('/', segments)}" : Root;

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(Root, Endpoint("", _ => (200, "text/html; charset=UTF-8", ConsolePage.Render(org))));
        routes.MapGet($"{Root}/faults", Endpoint("faults", _ => Json(200, org.Faults)));
        routes.MapPost($"{Root}/faults", Endpoint("faults", r =>
        {
            var rule = ReadFault(r.Body);
            org.AddFault(rule);
            return Json(201, rule);
        }));
        routes.MapDelete($"{Root}/faults", Endpoint("faults", _ =>
        {
            org.ClearFaults();
            return Json(200, new { cleared = true });
        }));
        routes.MapGet($"{Root}/users", Endpoint("users", _ =>
            Json(200, org.Users.Select(u => new { id = u.Id, username = u.Options.Username, profile = u.Options.Profile, permissionSets = u.Options.PermissionSets, loginCount = org.LoginCount(u.Options.Username) }))));
        routes.MapPost($"{Root}/users", Endpoint("users", r =>
        {
            var user = org.Directory.AddUser(ValidUser(Read<UserOptions>(r.Body)));
            return Json(201, new { id = user.Id, username = user.Options.Username });
        }));
        routes.MapGet($"{Root}/apps", Endpoint("apps", _ => Json(200, org.Options.Apps.Select(a => new
        {
            a.Name, a.ConsumerKey, a.Kind, a.Policy, a.Profiles, a.PermissionSets, a.SessionTimeout, a.ClientCredentialsUser,
            HasConsumerSecret = a.ConsumerSecret is not null,
        }))));
        routes.MapPost($"{Root}/apps", Endpoint("apps", r =>
        {
            var app = ValidApp(Read<AppOptions>(r.Body));
            if (app.ClientCredentialsUser is { } runAs && org.FindUser(runAs) is null)
            {
                throw new ArgumentException($"clientCredentialsUser '{runAs}' is not a user of this org: create the user first (POST /__emulator/users)");
            }

            org.Directory.AddApp(app);
            return Json(201, new { app.Name, app.ConsumerKey });
        }));
        routes.MapPost($"{Root}/profiles", Endpoint("profiles", r =>
        {
            var profile = ValidPermissions(Read<PermissionOptions>(r.Body));
            org.Directory.AddProfile(profile);
            return Json(201, new { profile.Name });
        }));
        routes.MapPost($"{Root}/permission-sets", Endpoint("permission-sets", r =>
        {
            var set = ValidPermissions(Read<PermissionOptions>(r.Body));
            org.Directory.AddPermissionSet(set);
            return Json(201, new { set.Name });
        }));
        routes.MapGet($"{Root}/logins", Endpoint("logins", _ => Json(200, org.Logins.Counts)));
        routes.MapGet($"{Root}/requests", Endpoint("requests", _ => Json(200, org.RequestLog)));
        routes.MapGet($"{Root}/limits", Endpoint("limits", _ => Json(200, new { used = org.ApiUsed, max = org.Options.DailyApiLimit })));
        routes.MapPut($"{Root}/limits", Endpoint("limits", r =>
        {
            using var doc = ParseObject(r.Body);
            var used = OptionalInteger(doc.RootElement, "used", 0);
            var max = OptionalInteger(doc.RootElement, "max", 1);
            if (used is { } newUsed)
            {
                org.SetApiUsed(newUsed);
            }

            if (max is { } newMax)
            {
                org.Options.DailyApiLimit = newMax;
            }

            return Json(200, new { used = org.ApiUsed, max = org.Options.DailyApiLimit });
        }));
        routes.MapPost($"{Root}/tokens/revoke", Endpoint("tokens/revoke", r =>
        {
            using var doc = ParseObject(string.IsNullOrWhiteSpace(r.Body) ? "{}" : r.Body);
            var token = OptionalText(doc.RootElement, "token");
            var username = OptionalText(doc.RootElement, "username");
            var revoked = token is not null ? (org.Revoke(token) ? 1 : 0) : org.RevokeAll(username);
            return Json(200, new { revoked });
        }));
        routes.MapGet($"{Root}/records/{{type}}", Endpoint("records/{type}", r => Records(r.Segments[1], r.Query)));
        routes.MapPost($"{Root}/records/{{type}}", Endpoint("records/{type}", r => Insert(r.Segments[1], r.Body)));
        routes.MapPost($"{Root}/reset", Endpoint("reset", _ =>
        {
            org.Reset();
            return Json(200, new { reset = true });
        }));
    }

    /// <summary>What any other method or path under <c>/__emulator</c> gets, after the same checks as a real route.</summary>
    public Task NotFoundAsync(HttpContext context) => RunAsync(context, null);

    /// <summary>
    /// A route's handler behind the admin checks. Routing matches literals in any case; the admin API's segments are
    /// case-sensitive, so a segment spelt otherwise is answered as an unknown route.
    /// </summary>
    private RequestDelegate Endpoint(string route, Func<AdminRequest, (int, string, string)> handler)
    {
        var expected = route.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return context =>
        {
            var segments = Segments(context.Request.Path);
            var matches = segments.Length == expected.Length
                && expected.Select((e, i) => e.StartsWith('{') || string.Equals(e, segments[i], StringComparison.Ordinal)).All(m => m);
            return RunAsync(context, matches ? handler : null);
        };
    }

    private async Task RunAsync(HttpContext context, Func<AdminRequest, (int, string, string)>? handler)
    {
        var cancellationToken = context.RequestAborted;
        if (Refusal(context.Request) is { } refusal)
        {
            await ResponseWriter.WriteAsync(context, refusal.Status, refusal.ContentType, refusal.Body, cancellationToken);
            return;
        }

        var segments = Segments(context.Request.Path);
        var method = context.Request.Method.ToUpperInvariant();
        var body = await RequestReader.ReadBodyAsync(context, cancellationToken);
        await org.Gate.WaitAsync(cancellationToken);
        (int Status, string ContentType, string Body) response;
        try
        {
            response = handler is null
                ? Json(404, new { error = $"No admin route {method} /__emulator/{string.Join('/', segments)}" })
                : handler(new AdminRequest(body, segments, context.Request.Query));
        }
        catch (JsonException e)
        {
            response = Json(400, new { error = "invalid JSON: " + e.Message });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            response = Json(400, new { error = e.Message });
        }
        finally
        {
            org.Gate.Release();
        }

        await ResponseWriter.WriteAsync(context, response.Status, response.ContentType, response.Body, cancellationToken);
    }

    /// <summary>
    /// A page the developer visits can send simple requests (form posts, no-cors fetches) to 127.0.0.1 without reading
    /// the answers; refusing every change that a browser marks as coming from elsewhere, or that is not JSON, keeps such
    /// a page from steering the org. Reads stay open: without CORS headers a foreign page cannot see them.
    /// </summary>
    private static (int Status, string ContentType, string Body)? Refusal(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            return null;
        }

        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && !fetchSite.Equals("same-origin", StringComparison.OrdinalIgnoreCase) && !fetchSite.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return Json(403, new { error = $"Refused a {request.Method} with Sec-Fetch-Site: {fetchSite}. The admin API accepts changes only from the emulator's own origin or from non-browser clients." });
        }

        var origin = request.Headers.Origin.ToString();
        var ownOrigin = $"{request.Scheme}://{request.Host}";
        if (origin.Length > 0 && !origin.Equals(ownOrigin, StringComparison.OrdinalIgnoreCase))
        {
            return Json(403, new { error = $"Refused a {request.Method} from Origin '{origin}': only the emulator's own origin ({ownOrigin}) may change it through the admin API." });
        }

        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        var mediaType = (request.ContentType ?? "").Split(';')[0].Trim();
        if ((hasBody || mediaType.Length > 0) && !mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Json(415, new { error = $"Content-Type must be application/json, got '{request.ContentType ?? "(none)"}'. Form and text/plain bodies are refused because any web page can send them." });
        }

        return null;
    }

    private static (int, string, string) Json(int status, object value) =>
        (status, ResponseWriter.JsonContentType, JsonSerializer.Serialize(value, ResponseWriter.SerializerOptions));

    private (int, string, string) Records(string type, IQueryCollection query)
    {
        if (org.Store.Find(type) is not { } schema)
        {
            return Json(404, new { error = $"Unknown object {type}" });
        }

        var includeDeleted = string.Equals(query["includeDeleted"], "true", StringComparison.OrdinalIgnoreCase);
        var result = ApiResult.Json(200, w =>
        {
            w.WriteStartArray();
            foreach (var row in org.Store.Rows(schema.Name, includeDeleted))
            {
                RecordJson.Write(w, schema, row, $"{ApiVersions.MaxVersion:0.0}");
            }

            w.WriteEndArray();
        });
        return (200, ResponseWriter.JsonContentType, JsonBodies.Utf8(result.Body));
    }

    /// <summary>Inserts records (one object or an array) through the save rules as a System Administrator.</summary>
    private (int, string, string) Insert(string type, string body)
    {
        using var doc = JsonDocument.Parse(body);
        var records = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().ToList() : [doc.RootElement];
        var notObject = records.FindIndex(r => r.ValueKind != JsonValueKind.Object);
        if (notObject >= 0)
        {
            throw new ArgumentException(doc.RootElement.ValueKind == JsonValueKind.Array
                ? $"records[{notObject}] must be a JSON object of field values, got {records[notObject].ValueKind}"
                : $"the body must be a JSON object of field values or an array of them, got {doc.RootElement.ValueKind}");
        }

        var (ids, error) = org.Records.Insert(type, records);
        return error is null ? Json(201, new { ids }) : Json(org.Store.Find(type) is null ? 404 : 400, new { error });
    }

    internal static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");
}
