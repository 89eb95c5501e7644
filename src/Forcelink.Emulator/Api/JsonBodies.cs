using System.Text;
using System.Text.Json;

namespace Forcelink.Emulator.Api;

/// <summary>Request bodies read as JSON elements that outlive their documents.</summary>
internal static class JsonBodies
{
    public static JsonElement Parse(string? body) => Detached(string.IsNullOrWhiteSpace(body) ? "{}" : body);

    /// <summary>Parses into an element that outlives its document. The document is disposed so its pooled buffers go back
    /// to the pool: left undisposed, every 30 KB collections body rented fresh arrays and fed the large-object heap.</summary>
    public static JsonElement Detached(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <inheritdoc cref="Detached(string)"/>
    public static JsonElement Detached(ReadOnlyMemory<byte> utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        return document.RootElement.Clone();
    }

    public static string Utf8(byte[]? body) => body is null ? "" : Encoding.UTF8.GetString(body);
}
