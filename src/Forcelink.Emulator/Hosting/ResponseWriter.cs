using System.Text;
using System.Text.Json;
using Forcelink.Emulator.Api;

namespace Forcelink.Emulator.Hosting;

/// <summary>Writes answers onto HTTP responses: an <see cref="ApiResult"/> or a body of a given media type; never a body to HEAD.</summary>
internal static class ResponseWriter
{
    public const string JsonContentType = "application/json;charset=UTF-8";

    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        WriteIndented = false,
    };

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
}
