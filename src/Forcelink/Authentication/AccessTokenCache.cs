using Microsoft.Extensions.Logging;

namespace Forcelink.Authentication;

/// <summary>
/// Keeps one token per credential. Single flight: however many callers need a token at once, one exchange runs and
/// they all await it. A token is renewed <c>refreshMargin</c> before its assumed end (issue time + the org's session
/// timeout); a token that failed with 401 is dropped only if it is still the current one, so a burst of 401s
/// causes one new login, not one per request.
/// </summary>
internal sealed partial class AccessTokenCache
{
    private readonly SalesforceCredential _credential;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _lifetime;
    private readonly TimeSpan _refreshMargin;
    private readonly ILogger _logger;
    private readonly ForcelinkMetrics? _metrics;
    private readonly Lock _lock = new();
    private readonly List<string> _instancePrefixes = [];
    private Entry? _current;
    private AccessToken? _rejected;
    private Task<Entry>? _pending;

    public AccessTokenCache(SalesforceCredential credential, TimeProvider timeProvider, TimeSpan lifetime, TimeSpan refreshMargin, ILogger logger, ForcelinkMetrics? metrics = null)
    {
        _metrics = metrics;
        _credential = credential;
        _timeProvider = timeProvider;
        _lifetime = lifetime;
        _refreshMargin = refreshMargin;
        _logger = logger;
    }

    /// <summary>How many token exchanges this cache has started.</summary>
    public int ExchangeCount { get; private set; }

    public async ValueTask<AccessToken> GetTokenAsync(CancellationToken cancellationToken)
    {
        Entry? stale;
        Task<Entry> pending;
        lock (_lock)
        {
            var now = _timeProvider.GetUtcNow();
            if (_current is { } current && now < current.RefreshOn)
            {
                return current.Token;
            }

            stale = _current is { } c && now < c.ExpiresOn ? c : null;
            pending = _pending ??= StartExchange(_current?.Token ?? _rejected);
        }

        try
        {
            var entry = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
            return entry.Token;
        }
        catch (SalesforceException e) when (stale is not null)
        {
            // Renewal ahead of time failed, but the current token has not reached its end yet: keep working with it.
            LogRenewalFailed(_logger, e.ErrorCode ?? "?", e);
            return stale.Token;
        }
    }

    /// <summary>The current token when it is valid and not yet due for renewal, without waiting for anything.</summary>
    public bool TryGetCurrent([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AccessToken? token)
    {
        lock (_lock)
        {
            token = _current is { } current && _timeProvider.GetUtcNow() < current.RefreshOn ? current.Token : null;
            return token is not null;
        }
    }

    /// <summary>The prefix of an instance an earlier token of this cache was for, when <paramref name="uri"/> starts with one.</summary>
    public string? FormerInstancePrefix(string uri)
    {
        lock (_lock)
        {
            return _instancePrefixes.Find(prefix => uri.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && uri.Length > prefix.Length && uri[prefix.Length] == '/');
        }
    }

    /// <summary>Drops <paramref name="failed"/> if it is still the current token; a newer token stays.</summary>
    public void Invalidate(AccessToken failed)
    {
        lock (_lock)
        {
            if (_current is { } current && ReferenceEquals(current.Token, failed))
            {
                _current = null;
                _rejected = failed;
            }
        }
    }

    private Task<Entry> StartExchange(AccessToken? replacing)
    {
        ExchangeCount++;
        return ExchangeAsync(replacing);
    }

    private async Task<Entry> ExchangeAsync(AccessToken? replacing)
    {
        // Leave the caller's lock before doing any work.
        await Task.Yield();
        try
        {
            var startedAt = _timeProvider.GetUtcNow();

            // Not tied to one caller's token: the exchange serves every waiter, and each waiter can stop waiting on its own.
            var token = await _credential.GetTokenAsync(replacing, CancellationToken.None).ConfigureAwait(false);
            if (!token.FromStore)
            {
                _metrics?.Logins.Add(1);
            }

            // A token shared by other processes (a fleet-wide token store) may have been issued well before this
            // exchange: its end follows its issue. A token past its lifetime (a fixed one from elsewhere) counts as new.
            var issuedAt = token.IssuedAt < startedAt && token.IssuedAt > startedAt - _lifetime ? token.IssuedAt : startedAt;
            var expiresOn = issuedAt + _lifetime;
            var entry = new Entry(token, expiresOn, expiresOn - _refreshMargin);
            lock (_lock)
            {
                _current = entry;
                _rejected = null;
                _pending = null;
                if (!_instancePrefixes.Contains(token.InstancePrefix, StringComparer.OrdinalIgnoreCase))
                {
                    // Requests are built on the instance of the token at hand; one sent after a login moved the org is moved with it.
                    _instancePrefixes.Add(token.InstancePrefix);
                }
            }

            return entry;
        }
        catch
        {
            lock (_lock)
            {
                _pending = null;
            }

            throw;
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Renewing the Salesforce token ahead of time failed ({ErrorCode}); the current token stays in use until its end")]
    private static partial void LogRenewalFailed(ILogger logger, string errorCode, Exception exception);

    private sealed record Entry(AccessToken Token, DateTimeOffset ExpiresOn, DateTimeOffset RefreshOn);
}
