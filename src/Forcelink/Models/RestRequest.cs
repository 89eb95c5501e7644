using System.Text.Json.Nodes;

namespace Forcelink.Models;

/// <summary>
/// A call to any REST resource the client does not wrap, sent through the same pipeline as every other call (token cache,
/// retries, API usage, <see cref="SalesforceException"/>). The path is one of:
/// <list type="bullet">
/// <item>a resource below the API version, such as <c>sobjects/Lead/describe</c> or <c>limits</c>: sent to <c>/services/data/vNN.N/</c>
/// with the client's version;</item>
/// <item>a path from <c>/services/data/</c>, such as <c>/services/data/v62.0/sobjects</c> (a leading slash is optional);</item>
/// <item>an Apex REST path from <c>/services/apexrest/</c>, such as <c>/services/apexrest/LeadIntake/42</c>, or <see cref="Apex"/>.</item>
/// </list>
/// A query string may follow the path. Any other host or path is refused: the bearer token goes only to the org's REST API.
/// </summary>
public sealed class RestRequest
{
    private static readonly string[] Roots = ["services/data/", "services/apexrest/"];

    /// <summary>Creates a call.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The resource: relative to <c>/services/data/vNN.N/</c>, or a path from <c>/services/data/</c> or <c>/services/apexrest/</c>.</param>
    /// <exception cref="ArgumentException">The path is empty, a full URL, outside those two roots, or climbs with <c>..</c>.</exception>
    public RestRequest(HttpMethod method, string path)
    {
        ArgumentNullException.ThrowIfNull(method);
        Method = method;
        Path = CheckPath(path);
    }

    /// <summary>Creates a call to an Apex REST service: <paramref name="path"/> is below <c>/services/apexrest/</c>, such as
    /// <c>LeadIntake/42?source=web</c> for <c>@RestResource(urlMapping='/LeadIntake/*')</c>.</summary>
    public static RestRequest Apex(HttpMethod method, string path) => new(method, ApexPath(path));

    /// <summary>The HTTP method.</summary>
    public HttpMethod Method { get; }

    /// <summary>The path as given, without its leading slash.</summary>
    public string Path { get; }

    /// <summary>Whether <see cref="Path"/> is below <c>/services/data/vNN.N/</c> rather than a path from <c>/services/</c>.</summary>
    internal bool IsVersionRelative => !Roots.Any(r => Path.StartsWith(r, StringComparison.Ordinal)) && Path != "services/data";

    /// <summary>A JSON body, sent as <c>application/json</c>. Use <c>JsonSerializer.SerializeToNode(value, context.Type)</c> for a
    /// source-generated type.</summary>
    /// <value>The default (<see langword="null"/>) sends no JSON body.</value>
    public JsonNode? Json { get; set; }

    /// <summary>A body streamed as it is read, never held whole in memory, for large uploads. The stream is not disposed.</summary>
    /// <value>The default (<see langword="null"/>) sends no streamed body. Set at most one of <see cref="Json"/> and <see cref="Content"/>.</value>
    public Stream? Content { get; set; }

    /// <summary>The media type of <see cref="Content"/>.</summary>
    /// <value>The default is <c>application/octet-stream</c>; a JSON body is always <c>application/json</c>.</value>
    public string ContentType { get; set; } = "application/octet-stream";

    /// <summary>Extra request headers, such as <c>Sforce-Auto-Assign: FALSE</c> or <c>If-Match</c>. <c>Authorization</c> is refused:
    /// the pipeline sets it.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether sending the call twice has the effect of sending it once, which makes it safe to retry after a transient
    /// failure (502, 503, 504, <c>UNABLE_TO_LOCK_ROW</c>, a dropped connection, a timeout).</summary>
    /// <value>The default (<see langword="null"/>) trusts the HTTP method: GET, HEAD, PUT, DELETE and OPTIONS are retried, POST and
    /// PATCH are not (an Apex POST may create records). A streamed <see cref="Content"/> that cannot seek is never retried, whatever
    /// this says: it cannot be read twice.</value>
    public bool? Idempotent { get; set; }

    internal static string ApexPath(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return "/services/apexrest/" + path.TrimStart('/');
    }

    internal bool IsRetryable =>
        (Content is null || Content.CanSeek)
        && (Idempotent ?? (Method == HttpMethod.Get || Method == HttpMethod.Head || Method == HttpMethod.Put || Method == HttpMethod.Delete || Method == HttpMethod.Options));

    internal void Validate()
    {
        if (Json is not null && Content is not null)
        {
            throw new ArgumentException("The request has both a JSON body and a streamed Content: set one of them.");
        }

        if (Headers.ContainsKey("Authorization"))
        {
            throw new ArgumentException("The request sets an Authorization header: leave it to the client, which sends the cached access token.");
        }
    }

    private static string CheckPath(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (path.Contains("://", StringComparison.Ordinal) || path.StartsWith("//", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'{path}' is a full URL: give a path instead (such as /services/data/v62.0/limits or /services/apexrest/LeadIntake); the client sends it to the token's own instance.",
                nameof(path));
        }

        var trimmed = path.TrimStart('/');
        var pathPart = trimmed.Split('?', 2)[0];
        if (pathPart.Split('/').Any(segment => segment is ".." or "."))
        {
            throw new ArgumentException($"'{path}' has a '.' or '..' segment: name the resource directly.", nameof(path));
        }

        if (pathPart.StartsWith("services/", StringComparison.Ordinal) && pathPart != "services/data"
            && !Roots.Any(r => pathPart.StartsWith(r, StringComparison.Ordinal)))
        {
            throw new ArgumentException(
                $"'{path}' is outside the REST API: only paths from /services/data/ and /services/apexrest/ are sent (the OAuth endpoints belong to the credential).",
                nameof(path));
        }

        return trimmed;
    }
}
