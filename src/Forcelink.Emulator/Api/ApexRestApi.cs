using System.Text.Json;
using System.Text.RegularExpressions;
using Forcelink.Emulator.Hosting;
using Forcelink.Emulator.Org;

namespace Forcelink.Emulator.Api;

/// <summary>
/// <c>/services/apexrest/</c>: the Apex REST services configured in <see cref="OrgOptions.ApexRest"/>, matched as Salesforce
/// matches <c>urlMapping</c> (case-sensitive, '*' for any text, an exact mapping before a wildcard one, the longest first).
/// Errors have Apex REST's shape, <c>errorCode</c> before <c>message</c>.
/// </summary>
internal sealed class ApexRestApi(EmulatedOrg org)
{
    public const string Prefix = "/services/apexrest";

    public ApiResult Handle(string method, string path, IReadOnlyDictionary<string, string> query, string? body, Session session)
    {
        var route = org.Options.ApexRest
            .Select(r => (Route: r, Pattern: Pattern(r.UrlMapping)))
            .Where(r => r.Pattern.IsMatch(path))
            .OrderBy(r => r.Route.UrlMapping.Contains('*', StringComparison.Ordinal))
            .ThenByDescending(r => r.Route.UrlMapping.Length)
            .Select(r => r.Route)
            .FirstOrDefault();
        if (route is null)
        {
            return Error(404, "NOT_FOUND", "Could not find a match for URL");
        }

        if (!route.Methods.Contains(method, StringComparer.Ordinal))
        {
            return Error(405, "METHOD_NOT_ALLOWED", $"HTTP Method '{method}' not allowed. Allowed are {string.Join(",", route.Methods)}");
        }

        if (!route.Echo)
        {
            return route.Response is { } response
                ? ApiResult.Json(route.Status, response.WriteTo)
                : new ApiResult(route.Status);
        }

        return ApiResult.Json(route.Status, w =>
        {
            w.WriteStartObject();
            w.WriteString("httpMethod", method);
            w.WriteString("requestURI", path);
            w.WriteString("resourcePath", Prefix + route.UrlMapping);
            w.WriteStartObject("params");
            foreach (var (name, value) in query)
            {
                w.WriteString(name, value);
            }

            w.WriteEndObject();
            w.WritePropertyName("requestBody");
            WriteBody(w, body);
            w.WriteString("userId", session.User.Id);
            w.WriteEndObject();
        });
    }

    private static void WriteBody(Utf8JsonWriter w, string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            w.WriteNullValue();
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            document.RootElement.WriteTo(w);
        }
        catch (JsonException)
        {
            w.WriteStringValue(body);
        }
    }

    public static ApiResult Error(int status, string code, string message) => ApiResult.Json(status, w =>
    {
        w.WriteStartArray();
        w.WriteStartObject();
        w.WriteString("errorCode", code);
        w.WriteString("message", message);
        w.WriteEndObject();
        w.WriteEndArray();
    });

    private static Regex Pattern(string urlMapping)
    {
        // "/LeadIntake/*" also matches "/LeadIntake" itself, as a trailing wildcard does in Apex.
        var escaped = Regex.Escape(urlMapping.EndsWith("/*", StringComparison.Ordinal) ? urlMapping[..^2] : urlMapping).Replace("\\*", ".*", StringComparison.Ordinal);
        var tail = urlMapping.EndsWith("/*", StringComparison.Ordinal) ? "(/.*)?" : "/?";
        return new Regex($"^{escaped}{tail}$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
