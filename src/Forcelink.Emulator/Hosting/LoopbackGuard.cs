using System.Text.Json;
using Forcelink.Emulator.Admin;

namespace Forcelink.Emulator.Hosting;

/// <summary>
/// Kestrel listens on 127.0.0.1 only, but a web page can still reach it through DNS rebinding (its own host name
/// re-pointed at 127.0.0.1); such requests carry that name in Host, which no local client sends.
/// </summary>
internal static class LoopbackGuard
{
    public static RequestDelegate Middleware(RequestDelegate next) => context =>
        IsLoopbackHost(context.Request.Host) ? next(context) : RefuseAsync(context, context.RequestAborted);

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

    private static Task RefuseAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var message = $"Host '{context.Request.Host}' is not a loopback name or address. The emulator is a development tool and answers only "
            + "requests addressed to localhost, 127.0.0.0/8 or [::1] (any port), so that a web page cannot reach it through DNS rebinding.";
        var body = AdminApi.IsAdminPath(context.Request.Path)
            ? JsonSerializer.Serialize(new { error = message }, ResponseWriter.SerializerOptions)
            : JsonSerializer.Serialize(new[] { new { message, errorCode = "FORBIDDEN" } }, ResponseWriter.SerializerOptions);
        return ResponseWriter.WriteAsync(context, 403, ResponseWriter.JsonContentType, body, cancellationToken);
    }
}
