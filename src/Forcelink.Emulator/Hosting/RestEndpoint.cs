using Forcelink.Emulator.Api;
using Forcelink.Emulator.Org;

namespace Forcelink.Emulator.Hosting;

/// <summary>A call under <c>/services/data/vXX.X/</c> once its session, version and API usage are checked.</summary>
internal sealed record RestRequest(HttpContext Context, string Version, string[] Segments, Dictionary<string, string> Query, Session Session);

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

    /// <summary>Any call under a version: through <see cref="RestApi"/> under the org gate.</summary>
    public Task HandleAsync(HttpContext context) => RunAsync(context, CallAsync);

    /// <summary><c>POST sobjects/ContentVersion</c>: a multipart body streams to the blob store; JSON is a plain call.</summary>
    public Task ContentVersionAsync(HttpContext context) => RunAsync(context, (request, cancellationToken) =>
        request.Segments[0] == "sobjects" && FilesEndpoint.IsMultipart(context.Request)
            ? _files.UploadAsync(context, request, cancellationToken)
            : CallAsync(request, cancellationToken));

    /// <summary><c>GET|HEAD sobjects/ContentVersion/id/VersionData</c>: the bytes stream from the blob store.</summary>
    public Task VersionDataAsync(HttpContext context) => RunAsync(context, (request, cancellationToken) =>
        request.Segments[0] == "sobjects"
            ? _files.DownloadAsync(context, request, cancellationToken)
            : CallAsync(request, cancellationToken));

    /// <summary><c>PUT jobs/ingest/id/batches</c>: the CSV streams to disk outside the gate, unless a fault locks rows.</summary>
    public Task BulkUploadAsync(HttpContext context) => RunAsync(context, async (request, cancellationToken) =>
    {
        if (request.Segments is ["jobs", "ingest", _, "batches"] && context.Features.Get<InjectedFaults>()?.LockRow != true)
        {
            await ResponseWriter.WriteResultAsync(context, await rest.Bulk.UploadAsync(request.Version, request.Segments, context, cancellationToken), org.Usage.LimitInfo, cancellationToken);
            return;
        }

        await CallAsync(request, cancellationToken);
    });

    /// <summary>What every call under a version goes through first: the session, the version, the API usage count.</summary>
    private async Task RunAsync(HttpContext context, Func<RestRequest, CancellationToken, Task> handler)
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

        await handler(new RestRequest(context, parsed.Version, parsed.Segments, parsed.Query, session), cancellationToken);
    }

    private async Task CallAsync(RestRequest request, CancellationToken cancellationToken)
    {
        var context = request.Context;
        var lockRow = context.Features.Get<InjectedFaults>()?.LockRow == true;
        var body = await RequestReader.ReadBodyAsync(context, cancellationToken);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var call = new ApiCall(context.Request.Method.ToUpperInvariant(), request.Version, request.Segments, request.Query, headers, body, request.Session);
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
