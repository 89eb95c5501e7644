using System.Text;
using System.Text.Json;
using Forcelink.Emulator.Admin;
using Forcelink.Emulator.Api;
using Forcelink.Emulator.Auth;
using Forcelink.Emulator.Org;
using Microsoft.AspNetCore.WebUtilities;

namespace Forcelink.Emulator.Hosting;

/// <summary>The one request delegate: edge faults, then OAuth, identity, REST or the admin surface.</summary>
internal sealed class EmulatorPipeline
{
    public const string JsonContentType = "application/json;charset=UTF-8";

    private const string LockRowCode = "UNABLE_TO_LOCK_ROW";

    /// <summary>Salesforce's 500 body, with a fixed ErrorId so that tests can compare it.</summary>
    private const string CommittedServerErrorBody =
        """[{"message":"An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)","errorCode":"UNKNOWN_EXCEPTION"}]""";

    private readonly EmulatedOrg _org;
    private readonly RestApi _rest;
    private readonly TokenEndpoint _token;
    private readonly AdminApi _admin;
    private readonly FilesEndpoint _files;
    private readonly ApexRestEndpoint _apexRest;

    public EmulatorPipeline(EmulatedOrg org)
    {
        _org = org;
        _rest = new RestApi(org);
        _token = new TokenEndpoint(org);
        _admin = new AdminApi(org);
        _files = new FilesEndpoint(org, _rest);
        _apexRest = new ApexRestEndpoint(org);
    }

    public Uri BaseUrl { get; set; } = new("http://127.0.0.1");

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var cancellationToken = context.RequestAborted;
        var isAdmin = path.StartsWith("/__emulator", StringComparison.OrdinalIgnoreCase);
        if (!IsLoopbackHost(context.Request.Host))
        {
            await RefuseHostAsync(context, isAdmin, cancellationToken);
            return;
        }

        if (isAdmin)
        {
            await _admin.HandleAsync(context, cancellationToken);
            return;
        }

        var started = _org.TimeProvider.GetTimestamp();
        var tokenPrefix = TokenPrefix(context);
        try
        {
            await HandleSalesforceAsync(context, path, cancellationToken);
        }
        finally
        {
            var status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 0 : context.Response.StatusCode;
            _org.Requests.Add(new RequestLogEntry(_org.TimeProvider.GetUtcNow(), context.Request.Method, path, status,
                _org.TimeProvider.GetElapsedTime(started).TotalMilliseconds, tokenPrefix));
        }
    }

    /// <summary>
    /// Kestrel listens on 127.0.0.1 only, but a web page can still reach it through DNS rebinding (its own host name
    /// re-pointed at 127.0.0.1); such requests carry that name in Host, which no local client sends.
    /// </summary>
    public static bool IsLoopbackHost(HostString host)
    {
        if (!host.HasValue)
        {
            // Only HTTP/1.0 may omit Host, and browsers always send it.
            return true;
        }

        var name = host.Host.TrimStart('[').TrimEnd(']');
        return string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase)
            || (System.Net.IPAddress.TryParse(name, out var address) && System.Net.IPAddress.IsLoopback(address));
    }

    private static Task RefuseHostAsync(HttpContext context, bool isAdmin, CancellationToken cancellationToken)
    {
        var message = $"Host '{context.Request.Host}' is not a loopback name or address. The emulator is a development tool and answers only "
            + "requests addressed to localhost, 127.0.0.0/8 or [::1] (any port), so that a web page cannot reach it through DNS rebinding.";
        var body = isAdmin
            ? JsonSerializer.Serialize(new { error = message }, SerializerOptions)
            : JsonSerializer.Serialize(new[] { new { message, errorCode = "FORBIDDEN" } }, SerializerOptions);
        return WriteAsync(context, 403, JsonContentType, body, cancellationToken);
    }

    private async Task HandleSalesforceAsync(HttpContext context, string path, CancellationToken cancellationToken)
    {
        var lockRow = false;
        FaultRule? afterCommit = null;
        foreach (var fault in _org.FaultInjector.Draw(path))
        {
            switch (fault.Kind)
            {
                case Hosting.FaultKind.Latency:
                    var delay = Task.Delay(TimeSpan.FromMilliseconds(fault.LatencyMilliseconds), _org.TimeProvider, cancellationToken);
                    _org.FaultInjector.LatencyStarted();
                    try
                    {
                        await delay;
                    }
                    finally
                    {
                        _org.FaultInjector.LatencyEnded();
                    }

                    break;
                case Hosting.FaultKind.DropConnection:
                    context.Abort();
                    return;
                case Hosting.FaultKind.ServiceUnavailable:
                    await WriteAsync(context, fault.StatusCode ?? 503, JsonContentType,
                        """[{"message":"Server is temporarily unavailable. Please try again later.","errorCode":"SERVER_UNAVAILABLE"}]""", cancellationToken);
                    return;
                case Hosting.FaultKind.BadGateway or Hosting.FaultKind.GatewayTimeout:
                    var status = fault.StatusCode ?? (fault.Kind == Hosting.FaultKind.BadGateway ? 502 : 504);
                    var title = status == 502 ? "502 Bad Gateway" : "504 Gateway Time-out";
                    await WriteAsync(context, status, "text/html; charset=UTF-8",
                        $"<html><head><title>{title}</title></head><body><center><h1>{title}</h1></center></body></html>", cancellationToken);
                    return;
                case Hosting.FaultKind.HtmlErrorPage:
                    await WriteAsync(context, fault.StatusCode ?? 503, "text/html; charset=UTF-8",
                        "<html><head><title>Data Not Available</title></head><body><h2>Data Not Available</h2>"
                        + "<p>The data you were trying to access could not be found. It may be due to another user deleting the data or a system error.</p></body></html>",
                        cancellationToken);
                    return;
                case Hosting.FaultKind.UnableToLockRow:
                    lockRow = true;
                    break;
                case Hosting.FaultKind.CommitThenDropConnection or Hosting.FaultKind.CommitThenServerError:
                    afterCommit ??= fault;
                    break;
                default:
                    break;
            }
        }

        if (afterCommit is null)
        {
            await DispatchAsync(context, path, lockRow, cancellationToken);
            return;
        }

        // The request must change the org exactly as it would have, so the real handler runs against a body nobody
        // reads; only its answer is lost, which is what a client sees when a commit succeeds and the reply does not.
        var realBody = context.Response.Body;
        context.Response.Body = Stream.Null;
        try
        {
            await DispatchAsync(context, path, lockRow, cancellationToken);
        }
        finally
        {
            context.Response.Body = realBody;
        }

        context.Response.Clear();
        if (afterCommit.Kind == Hosting.FaultKind.CommitThenDropConnection)
        {
            context.Abort();
            return;
        }

        await WriteAsync(context, afterCommit.StatusCode ?? 500, JsonContentType, CommittedServerErrorBody, cancellationToken);
    }

    private async Task DispatchAsync(HttpContext context, string path, bool lockRow, CancellationToken cancellationToken)
    {
        switch (path.TrimEnd('/'))
        {
            case "/services/oauth2/token":
                await TokenAsync(context, cancellationToken);
                return;
            case "/services/oauth2/revoke":
                await RevokeAsync(context, cancellationToken);
                return;
            case "/services/data":
                await VersionsAsync(context, cancellationToken);
                return;
            default:
                break;
        }

        if (path.StartsWith("/id/", StringComparison.Ordinal))
        {
            await IdentityAsync(context, path, cancellationToken);
            return;
        }

        if (path.StartsWith("/services/data/", StringComparison.Ordinal))
        {
            await RestAsync(context, lockRow, cancellationToken);
            return;
        }

        if (path.StartsWith(ApexRestApi.Prefix + "/", StringComparison.Ordinal))
        {
            await _apexRest.HandleAsync(context, _org.Sessions.Authenticate(BearerToken(context)), cancellationToken);
            return;
        }

        await WriteResultAsync(context, ApiResult.NotFound(), null, cancellationToken);
    }

    private static async Task<string> ReadBodyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private async Task TokenAsync(HttpContext context, CancellationToken cancellationToken)
    {
        TokenOutcome outcome;
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            outcome = TokenEndpoint.Error("invalid_request", "must use HTTP POST");
        }
        else
        {
            var form = QueryHelpers.ParseQuery(await ReadBodyAsync(context, cancellationToken))
                .ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal);
            await _org.Gate.WaitAsync(cancellationToken);
            try
            {
                outcome = _token.Exchange(form, BaseUrl, context.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization ? authorization : null);
            }
            finally
            {
                _org.Gate.Release();
            }
        }

        context.Response.Headers.CacheControl = "no-store";
        await WriteAsync(context, outcome.Status, JsonContentType, outcome.Body, cancellationToken);
    }

    private async Task RevokeAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var form = QueryHelpers.ParseQuery(await ReadBodyAsync(context, cancellationToken));
        var token = form.TryGetValue("token", out var t) ? t.ToString() : context.Request.Query["token"].ToString();
        context.Response.Headers.CacheControl = "no-store";
        if (token.Length > 0 && _org.Revoke(token))
        {
            context.Response.StatusCode = 200;
            return;
        }

        await WriteAsync(context, 400, JsonContentType, TokenEndpoint.Error("invalid_token", "invalid token").Body, cancellationToken);
    }

    private static async Task VersionsAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var body = ApiResult.Json(200, w =>
        {
            w.WriteStartArray();
            foreach (var (label, version) in ApiVersions.All())
            {
                w.WriteStartObject();
                w.WriteString("label", label);
                w.WriteString("url", $"/services/data/v{version}");
                w.WriteString("version", version);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
        await WriteResultAsync(context, body, null, cancellationToken);
    }

    private async Task IdentityAsync(HttpContext context, string path, CancellationToken cancellationToken)
    {
        var session = _org.Sessions.Authenticate(BearerToken(context) ?? context.Request.Query["oauth_token"].ToString());
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (session is null)
        {
            await WriteAsync(context, 403, "text/plain;charset=UTF-8", "Bad_OAuth_Token", cancellationToken);
            return;
        }

        if (parts.Length != 3 || !string.Equals(parts[1], _org.OrgId, StringComparison.OrdinalIgnoreCase) && !string.Equals(parts[1], _org.OrgId15, StringComparison.Ordinal)
            || _org.Users.FirstOrDefault(u => u.Id.StartsWith(parts[2], StringComparison.Ordinal)) is not { } user)
        {
            await WriteResultAsync(context, ApiResult.NotFound(), null, cancellationToken);
            return;
        }

        if (user.Id != session.User.Id)
        {
            // A token vouches for its own user only; of the identity service's 403 answers Bad_OAuth_Token fits a token
            // that is valid but not for this identity (see docs/emulator.md, choices).
            await WriteAsync(context, 403, "text/plain;charset=UTF-8", "Bad_OAuth_Token", cancellationToken);
            return;
        }

        var root = BaseUrl.GetLeftPart(UriPartial.Authority);
        var body = ApiResult.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("id", $"{root}/id/{_org.OrgId}/{user.Id}");
            w.WriteBoolean("asserted_user", true);
            w.WriteString("user_id", user.Id);
            w.WriteString("organization_id", _org.OrgId);
            w.WriteString("username", user.Options.Username);
            w.WriteString("nick_name", user.Options.Username.Split('@')[0]);
            w.WriteString("display_name", $"{user.Options.FirstName} {user.Options.LastName}".Trim());
            w.WriteString("email", user.Options.Email ?? user.Options.Username);
            w.WriteString("first_name", user.Options.FirstName);
            w.WriteString("last_name", user.Options.LastName);
            w.WriteBoolean("active", true);
            w.WriteString("user_type", "STANDARD");
            w.WriteStartObject("urls");
            w.WriteString("rest", $"{root}/services/data/v{{version}}/");
            w.WriteString("sobjects", $"{root}/services/data/v{{version}}/sobjects/");
            w.WriteString("search", $"{root}/services/data/v{{version}}/search/");
            w.WriteString("query", $"{root}/services/data/v{{version}}/query/");
            w.WriteString("custom_domain", root);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        await WriteResultAsync(context, body, null, cancellationToken);
    }

    private async Task RestAsync(HttpContext context, bool lockRow, CancellationToken cancellationToken)
    {
        var session = _org.Sessions.Authenticate(BearerToken(context));
        if (session is null)
        {
            await WriteResultAsync(context, ApiResult.Error(401, "INVALID_SESSION_ID", "Session expired or invalid"), null, cancellationToken);
            return;
        }

        var url = context.Request.Path.Value + context.Request.QueryString.Value;
        if (CompositeApi.ParseUrl(url) is not { } parsed)
        {
            await WriteResultAsync(context, ApiResult.NotFound(), _org.Usage.LimitInfo, cancellationToken);
            return;
        }

        if (!_org.Usage.TryCount())
        {
            await WriteResultAsync(context, ApiResult.Error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."), _org.Usage.LimitInfo, cancellationToken);
            return;
        }

        if (await _files.TryHandleAsync(context, parsed.Version, parsed.Segments, parsed.Query, session, cancellationToken))
        {
            return;
        }

        if (!lockRow && Bulk.BulkApi.IsUpload(context.Request.Method, parsed.Segments))
        {
            await WriteResultAsync(context, await _rest.Bulk.UploadAsync(parsed.Version, parsed.Segments, context, cancellationToken), _org.Usage.LimitInfo, cancellationToken);
            return;
        }

        var body = await ReadBodyAsync(context, cancellationToken);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var call = new ApiCall(context.Request.Method.ToUpperInvariant(), parsed.Version, parsed.Segments, parsed.Query, headers, body, session);
        ApiResult result;
        await _org.Gate.WaitAsync(cancellationToken);
        try
        {
            result = lockRow && call.Method is "POST" or "PATCH" or "PUT" or "DELETE"
                ? LockRowFailure(call)
                : _rest.Handle(call);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Salesforce's shape for internal failures; the id lets a test find the request in the log.
            var errorId = _org.TimeProvider.GetTimestamp() % 1_000_000_000;
            result = ApiResult.Error(500, "UNKNOWN_EXCEPTION",
                $"An unexpected error occurred. Please include this ErrorId if you contact support: {errorId}-0 ({e.GetType().Name}: {e.Message})");
            if (_org.Store.InTransaction)
            {
                _org.Store.Rollback();
            }
        }
        finally
        {
            _org.Gate.Release();
        }

        await WriteResultAsync(context, result, _org.Usage.LimitInfo, cancellationToken);
    }

    private ApiResult LockRowFailure(ApiCall call)
    {
        var id = call.Segments.Count >= 3 && call.Segments[0] == "sobjects" && Ids.RecordIds.TryNormalize(call.Segments[2], out var id18)
            ? id18
            : call.Segments.Count >= 2 && call.Segments[0] == "sobjects" && _org.Store.Find(call.Segments[1]) is { } schema
                ? _org.Store.NewId(schema)
                : _org.OrgId;
        return ApiResult.Error(400, LockRowCode, $"unable to obtain exclusive access to this record or 1 records: {id}", []);
    }

    private static string? BearerToken(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        foreach (var scheme in new[] { "Bearer ", "OAuth " })
        {
            if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                return header[scheme.Length..].Trim();
            }
        }

        return null;
    }

    /// <summary>Enough of a token to tell sessions apart in the log without making it usable.</summary>
    private static string? TokenPrefix(HttpContext context)
    {
        var token = BearerToken(context);
        return token is null ? null : token.Length <= 20 ? "****" : token[..20] + "…";
    }

    public static async Task WriteResultAsync(HttpContext context, ApiResult result, string? limitInfo, CancellationToken cancellationToken)
    {
        if (limitInfo is not null)
        {
            context.Response.Headers["Sforce-Limit-Info"] = limitInfo;
        }

        foreach (var (name, value) in result.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (result.Content is not null)
        {
            context.Response.StatusCode = result.Status;
            context.Response.ContentType = result.ContentType;
            if (!HttpMethods.IsHead(context.Request.Method))
            {
                await result.Content(context.Response.Body, cancellationToken);
            }

            return;
        }

        if (result.Body is null)
        {
            context.Response.StatusCode = result.Status;
            return;
        }

        await WriteAsync(context, result.Status, JsonContentType, result.Body, cancellationToken);
    }

    public static Task WriteAsync(HttpContext context, int status, string contentType, string body, CancellationToken cancellationToken) =>
        WriteAsync(context, status, contentType, Encoding.UTF8.GetBytes(body), cancellationToken);

    public static async Task WriteAsync(HttpContext context, int status, string contentType, byte[] body, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body, cancellationToken);
        }
    }

    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        WriteIndented = false,
    };
}
