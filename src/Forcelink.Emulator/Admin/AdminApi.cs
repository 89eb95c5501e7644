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
        if (Refusal(context.Request) is { } refusal)
        {
            await EmulatorPipeline.WriteAsync(context, refusal.Status, refusal.ContentType, refusal.Body, cancellationToken);
            return;
        }

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
                    var rule = ReadFault(body);
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
                    var user = org.Directory.AddUser(ValidUser(Read<UserOptions>(body)));
                    return Json(201, new { id = user.Id, username = user.Options.Username });
                }

            case ("GET", ["apps"]):
                return Json(200, org.Options.Apps.Select(a => new
                {
                    a.Name, a.ConsumerKey, a.Kind, a.Policy, a.Profiles, a.PermissionSets, a.SessionTimeout, a.ClientCredentialsUser,
                    HasConsumerSecret = a.ConsumerSecret is not null,
                }));
            case ("POST", ["apps"]):
                {
                    var app = ValidApp(Read<AppOptions>(body));
                    if (app.ClientCredentialsUser is { } runAs && org.FindUser(runAs) is null)
                    {
                        throw new ArgumentException($"clientCredentialsUser '{runAs}' is not a user of this org: create the user first (POST /__emulator/users)");
                    }

                    org.Directory.AddApp(app);
                    return Json(201, new { app.Name, app.ConsumerKey });
                }

            case ("POST", ["profiles"]):
                {
                    var profile = ValidPermissions(Read<PermissionOptions>(body));
                    org.Directory.AddProfile(profile);
                    return Json(201, new { profile.Name });
                }

            case ("POST", ["permission-sets"]):
                {
                    var set = ValidPermissions(Read<PermissionOptions>(body));
                    org.Directory.AddPermissionSet(set);
                    return Json(201, new { set.Name });
                }

            case ("GET", ["logins"]):
                return Json(200, org.Logins.Counts);
            case ("GET", ["requests"]):
                return Json(200, org.RequestLog);
            case ("GET", ["limits"]):
                return Json(200, new { used = org.ApiUsed, max = org.Options.DailyApiLimit });
            case ("PUT", ["limits"]):
                {
                    using var doc = ParseObject(body);
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
                }

            case ("POST", ["tokens", "revoke"]):
                {
                    using var doc = ParseObject(string.IsNullOrWhiteSpace(body) ? "{}" : body);
                    var token = OptionalText(doc.RootElement, "token");
                    var username = OptionalText(doc.RootElement, "username");
                    var revoked = token is not null ? (org.Revoke(token) ? 1 : 0) : org.RevokeAll(username);
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
                RecordJson.Write(w, schema, row, $"{ApiVersions.MaxVersion:0.0}");
            }

            w.WriteEndArray();
        });
        return (200, EmulatorPipeline.JsonContentType, JsonBodies.Utf8(result.Body));
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

    private static FaultRule ReadFault(string body)
    {
        using var doc = ParseObject(body);
        var kinds = string.Join(", ", Enum.GetNames<FaultKind>());
        var kind = doc.RootElement.EnumerateObject().FirstOrDefault(p => p.Name.Equals("kind", StringComparison.OrdinalIgnoreCase));
        if (kind.Value.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException($"kind is required: one of {kinds}");
        }

        // The enum converter also takes numbers and numeric strings, which would make any integer a "kind".
        if (kind.Value.ValueKind != JsonValueKind.String
            || kind.Value.GetString() is not { } name
            || !Enum.GetNames<FaultKind>().Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"kind must be one of {kinds}, got {kind.Value.GetRawText()}");
        }

        var rule = doc.RootElement.Deserialize<FaultRule>(EmulatorPipeline.SerializerOptions)!;
        return rule.Validate() is { Count: > 0 } errors ? throw new ArgumentException(string.Join("; ", errors)) : rule;
    }

    /// <summary>Salesforce's own limits on the User fields the emulator writes, so that the User record stays valid.</summary>
    private static UserOptions ValidUser(UserOptions user)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(user.Username) || user.Username.Length > 80 || user.Username.Any(char.IsWhiteSpace))
        {
            errors.Add($"username must be 1 to 80 characters without spaces, got '{user.Username}'");
        }

        if (string.IsNullOrWhiteSpace(user.LastName) || user.LastName.Length > 80)
        {
            errors.Add($"lastName must be 1 to 80 characters, got '{user.LastName}'");
        }

        if (user.FirstName is null || user.FirstName.Length > 40)
        {
            errors.Add($"firstName must be at most 40 characters, got '{user.FirstName}'");
        }

        if (user.Email is { } email && (string.IsNullOrWhiteSpace(email) || email.Length > 128))
        {
            errors.Add($"email must be 1 to 128 characters (or omitted to use the username), got '{email}'");
        }

        if (string.IsNullOrWhiteSpace(user.Profile))
        {
            errors.Add("profile must name a profile, e.g. 'System Administrator'");
        }

        return errors.Count > 0 ? throw new ArgumentException(string.Join("; ", errors)) : user;
    }

    private static AppOptions ValidApp(AppOptions app)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(app.ConsumerKey))
        {
            errors.Add("consumerKey must not be empty");
        }

        if (string.IsNullOrWhiteSpace(app.Name))
        {
            errors.Add("name must not be empty");
        }

        errors.AddRange(app.ValidateCredentials(e => $"certificatePem must be a PEM X.509 certificate ({e})"));
        if (app.SessionTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            errors.Add($"sessionTimeout must be positive (or omitted for the org's), got {timeout}");
        }

        return errors.Count > 0 ? throw new ArgumentException(string.Join("; ", errors)) : app;
    }

    private static PermissionOptions ValidPermissions(PermissionOptions permissions) =>
        string.IsNullOrWhiteSpace(permissions.Name) ? throw new ArgumentException("name must not be empty") : permissions;

    private static JsonDocument ParseObject(string body)
    {
        var doc = JsonDocument.Parse(body);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = doc.RootElement.ValueKind;
            doc.Dispose();
            throw new ArgumentException($"the body must be a JSON object, got {kind}");
        }

        return doc;
    }

    private static int? OptionalInteger(JsonElement root, string name, int minimum) =>
        !root.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= minimum ? number
        : throw new ArgumentException($"{name} must be a whole number from {minimum} to {int.MaxValue}, got {value.GetRawText()}");

    private static string? OptionalText(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text
        : throw new ArgumentException($"{name} must be a non-empty string, got {value.GetRawText()}");

    internal static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");
}
