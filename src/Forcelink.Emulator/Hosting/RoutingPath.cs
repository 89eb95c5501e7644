using Forcelink.Emulator.Admin;

namespace Forcelink.Emulator.Hosting;

/// <summary>
/// Routing sees a canonical path: Salesforce's without trailing slashes (its services answer with or without them),
/// the REST API's and the admin API's as their prefix and non-empty segments, as their handlers read them. Handlers see
/// the path as sent, restored once routing has chosen the endpoint.
/// </summary>
internal static class RoutingPath
{
    private const string RestPrefix = "/services/data/";

    private sealed record SentPath(PathString Path);

    public static RequestDelegate Middleware(RequestDelegate next) => context =>
    {
        var path = context.Request.Path;
        context.Features.Set(new SentPath(path));
        context.Request.Path = new PathString(Canonical(path));
        return next(context);
    };

    public static RequestDelegate RestoreMiddleware(RequestDelegate next) => context =>
    {
        if (context.Features.Get<SentPath>() is { } sent)
        {
            context.Request.Path = sent.Path;
        }

        return next(context);
    };

    private static string Canonical(PathString path)
    {
        if (AdminApi.IsAdminPath(path))
        {
            return AdminApi.RoutingPath(path);
        }

        var value = path.Value ?? "/";
        if (value.StartsWith(RestPrefix, StringComparison.Ordinal))
        {
            // The REST API reads its segments without empty ones, so routing does too.
            var segments = value[RestPrefix.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
            return segments.Length == 0 ? RestPrefix.TrimEnd('/') : RestPrefix + string.Join('/', segments);
        }

        var trimmed = value.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }
}
