using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Forcelink.Serialization;
using Microsoft.Extensions.Logging;

namespace Forcelink.Authentication;

/// <summary>
/// Sends each request to the token's instance with <c>Authorization: Bearer</c>. Requests address the instance through
/// <see cref="InstanceBaseAddress"/>; the handler replaces it with the token's <c>instance_url</c>, so a token and the
/// host it is valid for never part. On 401 <c>INVALID_SESSION_ID</c> it drops that token, logs in again and re-sends
/// once; a second 401 is returned to the caller, never retried in a loop.
/// </summary>
internal sealed partial class BearerTokenHandler : DelegatingHandler
{
    /// <summary>Stands for the org's instance in request URIs until a token says which host that is.</summary>
    public static readonly Uri InstanceBaseAddress = new("https://instance.forcelink.invalid/");

    // Salesforce sends these 401s after app or IP policy changes; a new login gets the same answer (jsforce isSessionExpired).
    private static readonly string[] NotRenewable =
    [
        "This session is not valid for use with the REST API",
        "Connected app is not attached to Agent",
    ];

    private readonly AccessTokenCache _cache;
    private readonly ILogger _logger;

    public BearerTokenHandler(AccessTokenCache cache, ILogger logger, HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
        _cache = cache;
        _logger = logger;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        var token = await _cache.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        Authorize(request, original, token);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !await IsRenewableAsync(response, cancellationToken).ConfigureAwait(false))
        {
            return response;
        }

        response.Dispose();
        _cache.Invalidate(token);
        LogRenewing(_logger, request.Method.Method, request.RequestUri!.AbsolutePath);
        var renewed = await _cache.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        Authorize(request, original, renewed);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private void Authorize(HttpRequestMessage request, Uri original, AccessToken token)
    {
        var target = Rebase(Resolve(original, token), token);
        if (!TransportSecurity.IsAllowed(target))
        {
            throw new InvalidOperationException(
                $"Refusing to send a bearer token over plain HTTP to {target.GetLeftPart(UriPartial.Authority)}: Salesforce instances use https; " +
                "plain http is allowed only for a local emulator on 127.0.0.1 or localhost.");
        }

        request.RequestUri = target;
        if (string.Equals(target.Host, token.InstanceUrl.Host, StringComparison.OrdinalIgnoreCase))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        }
        else
        {
            // Never hand the token to a host it was not issued for.
            request.Headers.Authorization = null;
        }
    }

    internal static Uri Resolve(Uri original, AccessToken token)
    {
        if (!original.IsAbsoluteUri || !string.Equals(original.Host, InstanceBaseAddress.Host, StringComparison.OrdinalIgnoreCase))
        {
            return original;
        }

        // HttpClient made the request's URI from the base address: its text after the base is the path and query,
        // without the string PathAndQuery would build.
        var text = original.OriginalString;
        var pathAndQuery = text.StartsWith(InstanceBaseAddress.OriginalString, StringComparison.Ordinal)
            ? text.AsSpan(InstanceBaseAddress.OriginalString.Length - 1)
            : original.PathAndQuery.AsSpan();
        return new Uri(string.Concat(token.InstancePrefix, pathAndQuery));
    }

    /// <summary>A request built on an instance this client held a token for, moved onto <paramref name="token"/>'s instance
    /// when a new login answered with another one; any other URI unchanged.</summary>
    private Uri Rebase(Uri original, AccessToken token)
    {
        if (!original.IsAbsoluteUri || string.Equals(original.Host, token.InstanceUrl.Host, StringComparison.OrdinalIgnoreCase)
            || _cache.FormerInstancePrefix(original.OriginalString) is not { } former)
        {
            return original;
        }

        return new Uri(string.Concat(token.InstancePrefix, original.OriginalString.AsSpan(former.Length)));
    }

    private static async Task<bool> IsRenewableAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        List<RestErrorBody>? errors;
        try
        {
            errors = JsonSerializer.Deserialize(body, ForcelinkJsonContext.Default.ListRestErrorBody);
        }
        catch (JsonException)
        {
            return false;
        }

        return errors is { Count: > 0 }
            && errors.Any(e => e.ErrorCode == "INVALID_SESSION_ID")
            && !errors.Any(e => e.Message is { } m && NotRenewable.Any(n => m.Contains(n, StringComparison.OrdinalIgnoreCase)));
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Salesforce session expired during {Method} {Path}; logging in again and re-sending once")]
    private static partial void LogRenewing(ILogger logger, string method, string path);
}
