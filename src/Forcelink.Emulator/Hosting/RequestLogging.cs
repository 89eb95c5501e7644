using Forcelink.Emulator.Org;

namespace Forcelink.Emulator.Hosting;

/// <summary>Records every Salesforce request (not the admin API's) in the org's request log, however it ended.</summary>
internal sealed class RequestLogging(EmulatedOrg org)
{
    public RequestDelegate Middleware(RequestDelegate next) => async context =>
    {
        var path = context.Request.Path.Value ?? "/";
        var started = org.TimeProvider.GetTimestamp();
        var tokenPrefix = TokenPrefix(context);
        try
        {
            await next(context);
        }
        finally
        {
            var status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 0 : context.Response.StatusCode;
            org.Requests.Add(new RequestLogEntry(org.TimeProvider.GetUtcNow(), context.Request.Method, path, status,
                org.TimeProvider.GetElapsedTime(started).TotalMilliseconds, tokenPrefix));
        }
    };

    /// <summary>Enough of a token to tell sessions apart in the log without making it usable.</summary>
    private static string? TokenPrefix(HttpContext context)
    {
        var token = RequestReader.BearerToken(context);
        return token is null ? null : token.Length <= 20 ? "****" : token[..20] + "…";
    }
}
