using Forcelink.Emulator.Api;
using Forcelink.Emulator.Org;

namespace Forcelink.Emulator.Hosting;

/// <summary><c>/services/apexrest/...</c> over HTTP: the same session check and API usage count as the REST API, then
/// <see cref="ApexRestApi"/>. Apex services read no records here, so nothing takes the org gate.</summary>
internal sealed class ApexRestEndpoint(EmulatedOrg org)
{
    private readonly ApexRestApi _api = new(org);

    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var session = org.Sessions.Authenticate(RequestReader.BearerToken(context));
        if (session is null)
        {
            await ResponseWriter.WriteResultAsync(context, ApiResult.Error(401, "INVALID_SESSION_ID", "Session expired or invalid"), null, cancellationToken);
            return;
        }

        if (!org.Usage.TryCount())
        {
            await ResponseWriter.WriteResultAsync(context, ApiResult.Error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."), org.Usage.LimitInfo, cancellationToken);
            return;
        }

        var body = await RequestReader.ReadBodyAsync(context, cancellationToken);
        var path = context.Request.Path.Value![ApexRestApi.Prefix.Length..];
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var result = _api.Handle(context.Request.Method.ToUpperInvariant(), path.Length == 0 ? "/" : path, query, body, session);
        await ResponseWriter.WriteResultAsync(context, result, org.Usage.LimitInfo, cancellationToken);
    }
}
