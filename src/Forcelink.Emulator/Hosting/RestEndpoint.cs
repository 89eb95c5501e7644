using Forcelink.Emulator.Api;
using Forcelink.Emulator.Org;

namespace Forcelink.Emulator.Hosting;

/// <summary>
/// <c>/services/data</c> over HTTP: the version list, then for <c>vXX.X/...</c> the session check, the API usage
/// count, the streamed file and Bulk upload calls, and everything else through <see cref="RestApi"/> under the org gate.
/// </summary>
internal sealed class RestEndpoint(EmulatedOrg org, RestApi rest)
{
    private const string LockRowCode = "UNABLE_TO_LOCK_ROW";

    private readonly FilesEndpoint _files = new(org, rest);

    public static Task VersionsAsync(HttpContext context)
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
        return ResponseWriter.WriteResultAsync(context, body, null, context.RequestAborted);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var session = org.Sessions.Authenticate(RequestReader.BearerToken(context));
        if (session is null)
        {
            await ResponseWriter.WriteResultAsync(context, ApiResult.Error(401, "INVALID_SESSION_ID", "Session expired or invalid"), null, cancellationToken);
            return;
        }

        var url = context.Request.Path.Value + context.Request.QueryString.Value;
        if (CompositeApi.ParseUrl(url) is not { } parsed)
        {
            await ResponseWriter.WriteResultAsync(context, ApiResult.NotFound(), org.Usage.LimitInfo, cancellationToken);
            return;
        }

        if (!org.Usage.TryCount())
        {
            await ResponseWriter.WriteResultAsync(context, ApiResult.Error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."), org.Usage.LimitInfo, cancellationToken);
            return;
        }

        if (await _files.TryHandleAsync(context, parsed.Version, parsed.Segments, parsed.Query, session, cancellationToken))
        {
            return;
        }

        var lockRow = context.Features.Get<InjectedFaults>()?.LockRow == true;
        if (!lockRow && Bulk.BulkApi.IsUpload(context.Request.Method, parsed.Segments))
        {
            await ResponseWriter.WriteResultAsync(context, await rest.Bulk.UploadAsync(parsed.Version, parsed.Segments, context, cancellationToken), org.Usage.LimitInfo, cancellationToken);
            return;
        }

        var body = await RequestReader.ReadBodyAsync(context, cancellationToken);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var call = new ApiCall(context.Request.Method.ToUpperInvariant(), parsed.Version, parsed.Segments, parsed.Query, headers, body, session);
        ApiResult result;
        await org.Gate.WaitAsync(cancellationToken);
        try
        {
            result = lockRow && call.Method is "POST" or "PATCH" or "PUT" or "DELETE"
                ? LockRowFailure(call)
                : rest.Handle(call);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Salesforce's shape for internal failures; the id lets a test find the request in the log.
            var errorId = org.TimeProvider.GetTimestamp() % 1_000_000_000;
            result = ApiResult.Error(500, "UNKNOWN_EXCEPTION",
                $"An unexpected error occurred. Please include this ErrorId if you contact support: {errorId}-0 ({e.GetType().Name}: {e.Message})");
            if (org.Store.InTransaction)
            {
                org.Store.Rollback();
            }
        }
        finally
        {
            org.Gate.Release();
        }

        await ResponseWriter.WriteResultAsync(context, result, org.Usage.LimitInfo, cancellationToken);
    }

    private ApiResult LockRowFailure(ApiCall call)
    {
        var id = call.Segments.Count >= 3 && call.Segments[0] == "sobjects" && Ids.RecordIds.TryNormalize(call.Segments[2], out var id18)
            ? id18
            : call.Segments.Count >= 2 && call.Segments[0] == "sobjects" && org.Store.Find(call.Segments[1]) is { } schema
                ? org.Store.NewId(schema)
                : org.OrgId;
        return ApiResult.Error(400, LockRowCode, $"unable to obtain exclusive access to this record or 1 records: {id}", []);
    }
}
