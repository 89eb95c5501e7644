using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Forcelink.Http;
using Forcelink.Serialization;
using Microsoft.Extensions.Logging;

namespace Forcelink.Authentication;

/// <summary>
/// What every flow does at <c>/services/oauth2/token</c>: post a form, retry transient failures with backoff, parse the
/// token, and turn a refusal into a <see cref="SalesforceException"/> that says what to change. The flows differ only in
/// the form they post, which <c>createRequest</c> builds anew for each attempt (a JWT assertion must be fresh).
/// </summary>
internal sealed partial class TokenExchange
{
    // Salesforce answers a token request in well under a second: an attempt this slow has lost its answer.
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(8);

    private readonly HttpClient _httpClient;
    private readonly TimeProvider _timeProvider;
    private readonly int _maxRetries;
    private readonly TimeSpan _maxRetryDuration;
    private readonly TokenRequestFacts _facts;
    private readonly string _who;

    // "who" is how logs name the login: the username, or the app for the client credentials flow; never a secret.
    public TokenExchange(HttpClient httpClient, TimeProvider timeProvider, ILogger logger, int maxRetries, TimeSpan maxRetryDuration, TokenRequestFacts facts, string who)
    {
        _httpClient = httpClient;
        _timeProvider = timeProvider;
        Logger = logger;
        _maxRetries = maxRetries;
        _maxRetryDuration = maxRetryDuration;
        _facts = facts;
        _who = who;
    }

    // Set once, before the first login, when the credential adopts its client's logger factory.
    public ILogger Logger { get; set; }

    public static Uri TokenEndpointOf(Uri loginUrl) => new(loginUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/services/oauth2/token");

    public async Task<(TokenOutcome Outcome, DateTimeOffset? ServerDate)> ExchangeWithRetriesAsync(Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        var startedAt = _timeProvider.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var (outcome, serverDate) = await ExchangeAsync(createRequest, cancellationToken).ConfigureAwait(false);
            if (outcome is not TokenOutcome.Unavailable { Failure: var failure })
            {
                return (outcome, serverDate);
            }

            var delay = RetryDelay(attempt);
            var elapsed = _timeProvider.GetElapsedTime(startedAt);
            if (attempt > _maxRetries || elapsed + delay > _maxRetryDuration)
            {
                LogGaveUp(Logger, _who, failure.Reason, attempt);
                throw failure.ToException(attempt, elapsed, _facts);
            }

            // The wait starts before it is announced, so whoever reads the announcement can rely on the wait being under way.
            var backoff = Task.Delay(delay, _timeProvider, cancellationToken);
            LogRetry(Logger, _who, failure.Reason, attempt, delay.TotalMilliseconds);
            await backoff.ConfigureAwait(false);
        }
    }

    /// <summary>Exponential (1, 2, 4 s, at most 8 s), each drawn from its upper half so that a fleet does not retry in step.</summary>
    private static TimeSpan RetryDelay(int attempt)
    {
        var ceiling = FirstRetryDelay * Math.Pow(2, Math.Min(attempt - 1, 10));
        if (ceiling > LongestRetryDelay)
        {
            ceiling = LongestRetryDelay;
        }

        // Whole milliseconds, so the wait the log reports is the wait there is.
        return TimeSpan.FromMilliseconds(Math.Round((ceiling * (0.5 + (Random.Shared.NextDouble() / 2))).TotalMilliseconds));
    }

    private async Task<(TokenOutcome Outcome, DateTimeOffset? ServerDate)> ExchangeAsync(Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        var requestedAt = _timeProvider.GetUtcNow();
        using var request = createRequest();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var attemptTimeout = new CancellationTokenSource(AttemptTimeout, _timeProvider);
        using var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attemptTimeout.Token);
        HttpResponseMessage response;
        try
        {
            response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, attemptCancellation.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (!IsTransient(e))
        {
            throw new SalesforceException(
                $"Could not reach the token endpoint {_facts.TokenEndpoint}: {e.Message}. Check the login URL and that this function can reach the internet (VPC NAT or endpoint).",
                e) { IsLoginFailure = true };
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // Also when the request was sent and only the answer was lost: a second login costs one of 3,600 an hour.
            return (new TokenOutcome.Unavailable(TransientTokenFailure.Unreachable(e)), null);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            var limit = attemptTimeout.IsCancellationRequested ? AttemptTimeout : (TimeSpan?)null;
            return (new TokenOutcome.Unavailable(TransientTokenFailure.NoAnswer(e, limit)), null);
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var serverDate = response.Headers.Date;
            var statusCode = (int)response.StatusCode;
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var token = ParseSuccess(body, requestedAt);
                LogLoggedIn(Logger, _who, token.InstanceUrl, token.OrganizationId ?? "?");
                return (new TokenOutcome.Granted(token), serverDate);
            }

            if (statusCode is 500 or 502 or 503 or 504)
            {
                return (new TokenOutcome.Unavailable(ParseUnavailable(statusCode, body, mediaType)), serverDate);
            }

            var refused = ParseFailure(statusCode, body, mediaType);
            LogRefused(Logger, _who, statusCode, refused.ErrorCode ?? "?");
            var isExpired = refused.ErrorCode == "invalid_grant"
                && refused.Description?.Contains("expired authorization code", StringComparison.OrdinalIgnoreCase) == true;
            return (new TokenOutcome.Refused(refused, isExpired), serverDate);
        }
    }

    /// <summary>A name that does not resolve or a TLS failure points at the login URL or the network setup; retrying only delays saying so.</summary>
    private static bool IsTransient(HttpRequestException e) => e.HttpRequestError is not (
        HttpRequestError.NameResolutionError
        or HttpRequestError.SecureConnectionError
        or HttpRequestError.UserAuthenticationError
        or HttpRequestError.ConfigurationLimitExceeded
        or HttpRequestError.VersionNegotiationError
        or HttpRequestError.ExtendedConnectNotSupported);

    private AccessToken ParseSuccess(byte[] body, DateTimeOffset requestedAt)
    {
        TokenResponse? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(body, ForcelinkJsonContext.Default.TokenResponse);
        }
        catch (JsonException e)
        {
            throw new SalesforceException(
                $"The token endpoint {_facts.TokenEndpoint} answered 200 with a body that is not JSON. Check that the login URL is Salesforce's login host or My Domain.",
                200, "ERROR_HTTP_200", innerException: e);
        }

        if (parsed?.AccessToken is not { Length: > 0 } accessToken
            || !Uri.TryCreate(parsed.InstanceUrl, UriKind.Absolute, out var instanceUrl))
        {
            throw new SalesforceException(
                $"The token endpoint {_facts.TokenEndpoint} answered 200 without access_token and instance_url. Check that the login URL is Salesforce's login host or My Domain.",
                200, "ERROR_HTTP_200");
        }

        var issuedAt = long.TryParse(parsed.IssuedAt, out var milliseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : requestedAt;
        Uri.TryCreate(parsed.Id, UriKind.Absolute, out var identityUrl);
        var scopes = parsed.Scope?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return new AccessToken(accessToken, instanceUrl, issuedAt, identityUrl, scopes, parsed.TokenType ?? "Bearer");
    }

    private SalesforceException ParseFailure(int statusCode, byte[] body, string? mediaType)
    {
        OAuthErrorBody? error = null;
        if (mediaType is null || mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                error = JsonSerializer.Deserialize(body, ForcelinkJsonContext.Default.OAuthErrorBody);
            }
            catch (JsonException)
            {
            }
        }

        if (error?.Error is { Length: > 0 } code)
        {
            var description = error.ErrorDescription ?? "";
            return new SalesforceException(
                TokenErrorExplanation.Explain(code, description, _facts),
                statusCode,
                code,
                [new SalesforceError(code, description, [])]) { IsLoginFailure = true };
        }

        var title = HtmlTitle(body);
        return new SalesforceException(
            TokenErrorExplanation.ExplainNonJson(statusCode, title, _facts),
            statusCode,
            $"ERROR_HTTP_{statusCode}",
            [new SalesforceError($"ERROR_HTTP_{statusCode}", title ?? "(not JSON)", [])]) { IsLoginFailure = true };
    }

    private static TransientTokenFailure ParseUnavailable(int statusCode, byte[] body, string? mediaType)
    {
        var isJson = mediaType is null || mediaType.Contains("json", StringComparison.OrdinalIgnoreCase);
        if (isJson && RestErrors.Parse(body) is [var first, ..] errors)
        {
            return TransientTokenFailure.Answered(statusCode, first.ErrorCode, first.Message, errors);
        }

        if (isJson)
        {
            try
            {
                if (JsonSerializer.Deserialize(body, ForcelinkJsonContext.Default.OAuthErrorBody) is { Error: { Length: > 0 } code } error)
                {
                    var description = error.ErrorDescription ?? "";
                    return TransientTokenFailure.Answered(statusCode, code, description, [new SalesforceError(code, description, [])]);
                }
            }
            catch (JsonException)
            {
            }
        }

        var isHtml = mediaType?.Contains("html", StringComparison.OrdinalIgnoreCase) == true;
        return TransientTokenFailure.Page(statusCode, HtmlTitle(body), isHtml);
    }

    private static string? HtmlTitle(byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 8192));
        var match = TitlePattern().Match(text);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value).Trim() : null;
    }

    [GeneratedRegex("<title[^>]*>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex TitlePattern();

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Salesforce login for {Username} succeeded: instance {InstanceUrl}, org {OrganizationId}")]
    private static partial void LogLoggedIn(ILogger logger, string username, Uri instanceUrl, string organizationId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Salesforce login for {Username} refused: HTTP {StatusCode} {ErrorCode}")]
    private static partial void LogRefused(ILogger logger, string username, int statusCode, string errorCode);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Salesforce login for {Username} failed transiently ({Reason}) on attempt {Attempt}; trying again in {DelayMs:F0} ms")]
    private static partial void LogRetry(ILogger logger, string username, string reason, int attempt, double delayMs);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Salesforce login for {Username} failed transiently ({Reason}) on each of {Attempts} attempts; giving up")]
    private static partial void LogGaveUp(ILogger logger, string username, string reason, int attempts);
}

internal abstract record TokenOutcome
{
    public sealed record Granted(AccessToken Token) : TokenOutcome;

    public sealed record Refused(SalesforceException Exception, bool IsExpiredAssertion) : TokenOutcome;

    public sealed record Unavailable(TransientTokenFailure Failure) : TokenOutcome;
}
