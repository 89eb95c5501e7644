using System.Net;
using System.Text;
using System.Text.Json;
using Forcelink.Emulator.Api;
using Forcelink.Emulator.Hosting;
using Forcelink.Emulator.Org;

namespace Forcelink.Emulator.Admin;

/// <summary>
/// The emulator's own control surface under <c>/__emulator/</c>: never behind a bearer token, never counted as API
/// usage, never hit by faults, so tests can always steer the org.
/// </summary>
internal sealed class AdminApi(EmulatedOrg org)
{
    public async Task HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var segments = (context.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        var method = context.Request.Method.ToUpperInvariant();
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(cancellationToken);
        }

        await org.Gate.WaitAsync(cancellationToken);
        (int Status, string ContentType, string Body) response;
        try
        {
            response = Route(method, segments, body, context.Request.Query);
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

        await EmulatorPipeline.WriteAsync(context, response.Status, response.ContentType, response.Body, cancellationToken);
    }

    private static (int, string, string) Json(int status, object value) =>
        (status, EmulatorPipeline.JsonContentType, JsonSerializer.Serialize(value, EmulatorPipeline.SerializerOptions));

    private static T Read<T>(string body) =>
        JsonSerializer.Deserialize<T>(body, EmulatorPipeline.SerializerOptions) ?? throw new ArgumentException("A JSON body is required.");

    private (int, string, string) Route(string method, string[] segments, string body, IQueryCollection query)
    {
        switch (method, segments)
        {
            case ("GET", []):
                return (200, "text/html; charset=UTF-8", ConsolePage.Render(org));
            case ("GET", ["faults"]):
                return Json(200, org.Faults);
            case ("POST", ["faults"]):
                {
                    var rule = Read<FaultRule>(body);
                    org.AddFault(rule);
                    return Json(201, rule);
                }

            case ("DELETE", ["faults"]):
                org.ClearFaults();
                return Json(200, new { cleared = true });
            case ("GET", ["users"]):
                return Json(200, org.Users.Select(u => new { id = u.Id, username = u.Options.Username, profile = u.Options.Profile, permissionSets = u.Options.PermissionSets, loginCount = org.LoginCount(u.Options.Username) }));
            case ("POST", ["users"]):
                {
                    var user = org.AddUser(Read<UserOptions>(body));
                    return Json(201, new { id = user.Id, username = user.Options.Username });
                }

            case ("GET", ["apps"]):
                return Json(200, org.Options.Apps.Select(a => new { a.Name, a.ConsumerKey, a.Kind, a.Policy, a.Profiles, a.PermissionSets, a.SessionTimeout }));
            case ("POST", ["apps"]):
                {
                    var app = Read<AppOptions>(body);
                    org.AddApp(app);
                    return Json(201, new { app.Name, app.ConsumerKey });
                }

            case ("POST", ["profiles"]):
                {
                    var profile = Read<PermissionOptions>(body);
                    org.AddProfile(profile);
                    return Json(201, new { profile.Name });
                }

            case ("POST", ["permission-sets"]):
                {
                    var set = Read<PermissionOptions>(body);
                    org.AddPermissionSet(set);
                    return Json(201, new { set.Name });
                }

            case ("GET", ["logins"]):
                return Json(200, org.LoginCounts);
            case ("GET", ["requests"]):
                return Json(200, org.RequestLog);
            case ("GET", ["limits"]):
                return Json(200, new { used = org.ApiUsed, max = org.Options.DailyApiLimit });
            case ("PUT", ["limits"]):
                {
                    using var doc = JsonDocument.Parse(body);
                    if (doc.RootElement.TryGetProperty("used", out var used))
                    {
                        org.SetApiUsed(used.GetInt32());
                    }

                    if (doc.RootElement.TryGetProperty("max", out var max))
                    {
                        org.Options.DailyApiLimit = max.GetInt32();
                    }

                    return Json(200, new { used = org.ApiUsed, max = org.Options.DailyApiLimit });
                }

            case ("POST", ["tokens", "revoke"]):
                {
                    using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "{}" : body);
                    var revoked = doc.RootElement.TryGetProperty("token", out var token)
                        ? (org.Revoke(token.GetString() ?? "") ? 1 : 0)
                        : org.RevokeAll(doc.RootElement.TryGetProperty("username", out var username) ? username.GetString() : null);
                    return Json(200, new { revoked });
                }

            case ("GET", ["records", var type]):
                return Records(type, query);
            case ("POST", ["records", var type]):
                return Insert(type, body);
            case ("POST", ["reset"]):
                org.Reset();
                return Json(200, new { reset = true });
            default:
                return Json(404, new { error = $"No admin route {method} /__emulator/{string.Join('/', segments)}" });
        }
    }

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
                RestApi.WriteRecord(w, schema, row, $"{RestApi.MaxVersion:0.0}");
            }

            w.WriteEndArray();
        });
        return (200, EmulatorPipeline.JsonContentType, RestApi.Utf8(result.Body));
    }

    /// <summary>Inserts records (one object or an array) through the save rules as a System Administrator.</summary>
    private (int, string, string) Insert(string type, string body)
    {
        using var doc = JsonDocument.Parse(body);
        var records = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().ToList() : [doc.RootElement];
        var (ids, error) = org.InsertRecords(type, records);
        return error is null ? Json(201, new { ids }) : Json(org.Store.Find(type) is null ? 404 : 400, new { error });
    }

    internal static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");
}
