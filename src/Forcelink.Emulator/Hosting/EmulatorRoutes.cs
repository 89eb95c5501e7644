using Forcelink.Emulator.Admin;
using Forcelink.Emulator.Api;
using Forcelink.Emulator.Org;

namespace Forcelink.Emulator.Hosting;

/// <summary>
/// The emulator's HTTP surface in one place: the loopback check for every request, the request log and faults for
/// Salesforce's paths (never the admin API's), then one endpoint per service and admin route.
/// </summary>
internal static class EmulatorRoutes
{
    public static void Map(WebApplication app, EmulatedOrg org, ServerAddress address)
    {
        var oauth = new OAuthEndpoint(org, address);
        var identity = new IdentityEndpoint(org, address);
        var rest = new RestEndpoint(org, new RestApi(org));
        var apexRest = new ApexRestEndpoint(org);
        var admin = new AdminApi(org);

        app.Use(LoopbackGuard.Middleware);
        app.UseWhen(context => !AdminApi.IsAdminPath(context.Request.Path), salesforce =>
        {
            salesforce.Use(new RequestLogging(org).Middleware);
            salesforce.Use(new FaultInjection(org).Middleware);
        });
        app.Use(RoutingPath.Middleware);
        app.UseRouting();
        app.Use(RoutingPath.RestoreMiddleware);

        // Each service answers every method itself, with Salesforce's own error for the ones it refuses.
        Exact(app, "/services/oauth2/token", oauth.TokenAsync);
        Exact(app, "/services/oauth2/revoke", oauth.RevokeAsync);
        Exact(app, "/services/data", RestEndpoint.VersionsAsync);
        Prefix(app, "/id", identity.HandleAsync);
        Prefix(app, "/services/data", rest.HandleAsync);

        // The calls whose bodies stream rather than pass through the org gate whole.
        app.MapPost("/services/data/{version}/sobjects/ContentVersion", Under("/services/data", rest.ContentVersionAsync));
        app.MapMethods("/services/data/{version}/sobjects/ContentVersion/{id}/VersionData", [HttpMethods.Get, HttpMethods.Head], Under("/services/data", rest.VersionDataAsync));
        app.MapPut("/services/data/{version}/jobs/ingest/{id}/batches", Under("/services/data", rest.BulkUploadAsync));
        Prefix(app, ApexRestApi.Prefix, apexRest.HandleAsync);
        admin.Map(app);
        app.MapFallback("{**path}", context => AdminApi.IsAdminPath(context.Request.Path) ? admin.NotFoundAsync(context) : NotFoundAsync(context));
    }

    /// <summary>Salesforce's answer to a path it does not serve.</summary>
    private static Task NotFoundAsync(HttpContext context) =>
        ResponseWriter.WriteResultAsync(context, ApiResult.NotFound(), null, context.RequestAborted);

    /// <summary>One path, with any trailing slashes, spelt exactly: routing alone would also take other cases.</summary>
    private static void Exact(WebApplication app, string path, RequestDelegate handler) =>
        app.Map(path, context => string.Equals((context.Request.Path.Value ?? "/").TrimEnd('/'), path, StringComparison.Ordinal)
            ? handler(context)
            : NotFoundAsync(context));

    /// <summary>Everything under <paramref name="prefix"/>/, spelt exactly.</summary>
    private static void Prefix(WebApplication app, string prefix, RequestDelegate handler) =>
        app.Map(prefix + "/{**rest}", Under(prefix, handler));

    /// <summary>The handler for paths under <paramref name="prefix"/>/ spelt exactly; Salesforce's answer for the rest.</summary>
    private static RequestDelegate Under(string prefix, RequestDelegate handler) =>
        context => (context.Request.Path.Value ?? "/").StartsWith(prefix + "/", StringComparison.Ordinal)
            ? handler(context)
            : NotFoundAsync(context);
}
