using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Forcelink.Models;

/// <summary>
/// The successful answer to a <see cref="RestRequest"/>, with its body still on the wire: read it once, as JSON or as a
/// stream, then dispose the result to release the connection. Failures never get here: they are thrown as
/// <see cref="SalesforceException"/>.
/// </summary>
public sealed class RestResult : IDisposable
{
    private readonly HttpResponseMessage _response;

    internal RestResult(HttpResponseMessage response) => _response = response;

    /// <summary>The HTTP status, such as 200, 201 or 204.</summary>
    public int StatusCode => (int)_response.StatusCode;

    /// <summary>The media type of the body, such as <c>application/json</c>; <see langword="null"/> when there is no body.</summary>
    public string? ContentType => _response.Content.Headers.ContentType?.MediaType;

    /// <summary>The body's length when the server sent it; <see langword="null"/> for a chunked body.</summary>
    public long? ContentLength => _response.Content.Headers.ContentLength;

    /// <summary>Every response and content header, several values of one header joined with commas.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers =>
        [.. _response.Headers.Concat(_response.Content.Headers).Select(h => KeyValuePair.Create(h.Key, string.Join(",", h.Value)))];

    /// <summary>A response or content header, such as <c>Location</c> or <c>ETag</c>; several values are joined with commas.</summary>
    public string? Header(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _response.Headers.TryGetValues(name, out var values) || _response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : null;
    }

    /// <summary>The body as a stream read from the connection as it arrives, for large downloads.</summary>
    public Task<Stream> ReadStreamAsync(CancellationToken cancellationToken = default) => _response.Content.ReadAsStreamAsync(cancellationToken);

    /// <summary>The body as JSON; <see langword="null"/> when there is none (204, or an empty body).</summary>
    /// <exception cref="SalesforceException">The body is not JSON.</exception>
    public async Task<JsonNode?> ReadJsonAsync(CancellationToken cancellationToken = default)
    {
        if (_response.StatusCode == System.Net.HttpStatusCode.NoContent || _response.Content.Headers.ContentLength is 0)
        {
            return null;
        }

        var text = await ReadTextAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            // A chunked body can be empty without saying so in advance (an Apex method returning void).
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw NotJson(e);
        }
    }

    /// <summary>The body as a source-generated type, such as <c>ReadJsonAsync(MyJsonContext.Default.Intake)</c>.</summary>
    /// <exception cref="SalesforceException">The body is not JSON of that shape.</exception>
    public async Task<T?> ReadJsonAsync<T>(JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var stream = await ReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                throw NotJson(e);
            }
        }
    }

    /// <summary>The body as text (UTF-8 unless the server says otherwise).</summary>
    public Task<string> ReadTextAsync(CancellationToken cancellationToken = default) => _response.Content.ReadAsStringAsync(cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _response.Dispose();

    private SalesforceException NotJson(JsonException e) => new(
        $"Salesforce answered {_response.RequestMessage?.Method} {_response.RequestMessage?.RequestUri?.AbsolutePath} with a body that is not JSON " +
        $"({ContentType ?? "no content type"}: {e.Message}); read it with ReadTextAsync or ReadStreamAsync.",
        StatusCode,
        $"ERROR_HTTP_{StatusCode}",
        innerException: e);
}
