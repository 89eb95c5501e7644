using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Forcelink.Models;

namespace Forcelink.Http;

/// <summary>Observes every response on the wire: logs it (path only, never the query string or headers) and records
/// the <c>Sforce-Limit-Info</c> API usage. The last handler of the pipeline, in front of the transport.</summary>
/// <remarks>Not a <see cref="DelegatingHandler"/>, which disposes its inner handler: a transport the user gave
/// (<see cref="SalesforceClientOptions.Transport"/>) is theirs to dispose, and the client disposes the one it created.</remarks>
internal sealed partial class TelemetryHandler(ILogger logger, TimeProvider timeProvider, ForcelinkMetrics metrics, Action<ApiUsage> onApiUsage, HttpMessageHandler transport)
    : HttpMessageHandler
{
    private readonly HttpMessageInvoker _transport = new(transport, disposeHandler: false);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _transport.Dispose();
        }

        base.Dispose(disposing);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var response = await _transport.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var elapsed = timeProvider.GetElapsedTime(started);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            // The path is a new string each time it is read: only when it is logged.
            LogResponse(logger, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", (int)response.StatusCode, elapsed.TotalMilliseconds);
        }

        metrics.RecordRequest(request.Method.Method, (int)response.StatusCode);
        if (response.Headers.NonValidated.TryGetValues("Sforce-Limit-Info", out var values) && values.Count > 0
            && TryParseApiUsage(FirstValue(values), out var usage))
        {
            onApiUsage(usage);
            metrics.RecordApiUsage(usage);
        }

        Activity.Current?.SetTag("http.response.status_code", (int)response.StatusCode);
        return response;
    }

    private static string FirstValue(System.Net.Http.Headers.HeaderStringValues values)
    {
        foreach (var value in values)
        {
            return value;
        }

        return "";
    }

    /// <summary>Reads <c>api-usage=used/max</c>, tolerating further <c>; key=value</c> parts. Every response carries it, so it is
    /// read in place, without splitting it into strings.</summary>
    internal static bool TryParseApiUsage(string? header, out ApiUsage usage)
    {
        usage = new ApiUsage(0, 0);
        if (header is null)
        {
            return false;
        }

        foreach (var range in header.AsSpan().Split(';'))
        {
            var part = header.AsSpan(range).Trim();
            if (!part.StartsWith("api-usage=", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var numbers = part["api-usage=".Length..];
            var slash = numbers.IndexOf('/');
            if (slash >= 0
                && numbers[(slash + 1)..].IndexOf('/') < 0
                && long.TryParse(numbers[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var used)
                && long.TryParse(numbers[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var max))
            {
                usage = new ApiUsage(used, max);
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Debug, Message = "{Method} {Path} -> {StatusCode} in {ElapsedMs:F1} ms")]
    private static partial void LogResponse(ILogger logger, string method, string path, int statusCode, double elapsedMs);
}
