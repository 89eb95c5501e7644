using System.Net;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace Forcelink.Http;

/// <summary>
/// Retries transient failures with exponential backoff and jitter, bounded by count and by total time: 502, 503, 504,
/// <c>SERVER_UNAVAILABLE</c>, <c>UNABLE_TO_LOCK_ROW</c>, dropped connections and attempts that outlive
/// <see cref="SalesforceClientOptions.RequestTimeout"/>. Only requests marked idempotent are retried, except when the
/// connection was never made; <c>REQUEST_LIMIT_EXCEEDED</c> never is.
/// </summary>
/// <remarks>
/// A loop of its own rather than a resilience library: Polly.Core, used before, cost the managed function about 45 ms of
/// its cold start (building its pipeline validates the options through reflection, then its generic strategies are
/// compiled on first use), for a policy this small. Waits and attempt timeouts run on the injected clock.
/// </remarks>
internal sealed partial class RetryHandler : DelegatingHandler
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _timeProvider;
    private readonly int _maxRetries;
    private readonly TimeSpan _retryDelay;
    private readonly TimeSpan _maxRetryDuration;
    private readonly TimeSpan _requestTimeout;
    private readonly ILogger _logger;
    private readonly Action _onRetry;

    public RetryHandler(SalesforceClientOptions options, ILogger logger, Action onRetry, HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
        _timeProvider = options.TimeProvider;
        _maxRetries = options.MaxRetries;
        _retryDelay = options.RetryDelay;
        _maxRetryDuration = options.MaxRetryDuration;
        _requestTimeout = options.RequestTimeout;
        _logger = logger;
        _onRetry = onRetry;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            var (response, failure) = await AttemptAsync(request, cancellationToken).ConfigureAwait(false);
            var retry = attempt < _maxRetries
                && await ShouldRetryAsync(request, response, failure?.SourceException, started, cancellationToken).ConfigureAwait(false);
            if (!retry)
            {
                if (failure?.SourceException is AttemptTimeoutException)
                {
                    throw new SalesforceException(
                        $"Salesforce did not answer {request.Method} {request.RequestUri?.AbsolutePath} within {_requestTimeout.TotalSeconds:0} s (RequestTimeout).",
                        failure.SourceException);
                }

                failure?.Throw();
                return response!;
            }

            var delay = Backoff(attempt);
            var reason = failure is null ? $"HTTP {(int)response!.StatusCode}" : failure.SourceException.GetType().Name;
            LogRetry(_logger, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", reason, attempt + 1, delay.TotalMilliseconds);
            response?.Dispose();
            _onRetry();
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One attempt under its own timeout; its failure, if any, is returned to be judged, not thrown.</summary>
    private async Task<(HttpResponseMessage? Response, ExceptionDispatchInfo? Failure)> AttemptAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var timeout = Interlocked.Exchange(ref _spareTimeout, null) ?? new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
        timeout.CancelAfter(_requestTimeout);
        var link = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeout);
        try
        {
            return (await base.SendAsync(request, timeout.Token).ConfigureAwait(false), null);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, ExceptionDispatchInfo.Capture(new AttemptTimeoutException(e)));
        }
        catch (Exception e)
        {
            return (null, ExceptionDispatchInfo.Capture(e));
        }
        finally
        {
            // Kept only when unlinked before the caller cancelled (a late cancellation must not reach the next request
            // that reuses it) and never cancelled itself; otherwise left to the collector, as a callback may still run.
            var unlinked = !cancellationToken.CanBeCanceled || link.Unregister();
            if (unlinked && timeout.TryReset())
            {
                Interlocked.Exchange(ref _spareTimeout, timeout)?.Dispose();
            }
        }
    }

    // One timeout source kept for the next attempt (one per request would be two allocations and a timer each time).
    private CancellationTokenSource? _spareTimeout;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Interlocked.Exchange(ref _spareTimeout, null)?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The <paramref name="attempt"/>'s delay (0 for the first retry): <see cref="SalesforceClientOptions.RetryDelay"/>
    /// doubled per retry up to 30 s, of which a random half is waited, so that functions failing together do not retry in step.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var full = Math.Min(_retryDelay.TotalMilliseconds * Math.Pow(2, attempt), MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((full / 2) + (Random.Shared.NextDouble() * full / 2));
    }

    private async ValueTask<bool> ShouldRetryAsync(HttpRequestMessage request, HttpResponseMessage? response, Exception? exception, long started, CancellationToken cancellationToken)
    {
        var idempotent = request.Options.TryGetValue(RequestOptionsKeys.Idempotent, out var flag) && flag;
        if (_timeProvider.GetElapsedTime(started) >= _maxRetryDuration || cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        if (exception is not null)
        {
            return exception switch
            {
                HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => true,
                HttpRequestException or AttemptTimeoutException or IOException => idempotent,
                _ => false,
            };
        }

        if (!idempotent || response is null)
        {
            return false;
        }

        switch (response.StatusCode)
        {
            case HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout:
                return true;
            case HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadRequest or HttpStatusCode.InternalServerError:
                var errors = await ReadErrorsAsync(response, cancellationToken).ConfigureAwait(false);
                if (errors.Any(e => e.ErrorCode == "REQUEST_LIMIT_EXCEEDED"))
                {
                    return false;
                }

                return response.StatusCode == HttpStatusCode.ServiceUnavailable
                    || errors.Any(e => e.ErrorCode is "UNABLE_TO_LOCK_ROW" or "SERVER_UNAVAILABLE");
            default:
                return false;
        }
    }

    private static async Task<IReadOnlyList<SalesforceError>> ReadErrorsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return RestErrors.Parse(body);
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "{Method} {Path} failed transiently ({Reason}); retry {Attempt} in {DelayMs:F0} ms")]
    private static partial void LogRetry(ILogger logger, string method, string path, string reason, int attempt, double delayMs);

    /// <summary>An attempt that outlived <see cref="SalesforceClientOptions.RequestTimeout"/>, told apart from the caller's own cancellation.</summary>
    private sealed class AttemptTimeoutException(Exception inner) : TimeoutException("The attempt outlived RequestTimeout.", inner);
}
