using System.Text;

namespace Forcelink.Emulator.Hosting;

/// <summary>What the emulator reads off an HTTP request: its body as text and its bearer token.</summary>
internal static class RequestReader
{
    public static async Task<string> ReadBodyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>The token of an <c>Authorization: Bearer</c> (or Salesforce's older <c>OAuth</c>) header.</summary>
    public static string? BearerToken(HttpContext context)
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
}
