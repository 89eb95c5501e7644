using System.Net;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Forcelink.Http;

/// <summary>
/// Retries transient failures with exponential backoff and jitter (Polly), bounded by count and by total time: 502, 503,
/// 504, <c>SERVER_UNAVAILABLE</c>, <c>UNABLE_TO_LOCK_ROW</c>, dropped connections and timeouts. Only requests marked
/// idempotent are retried, except when the connection was never made; <c>REQUEST_LIMIT_EXCEEDED</c> never is.
/// </summary>
internal sealed partial class RetryHandler : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("Forcelink.Request");

    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _maxRetryDuration;
    private readonly ILogger _logger;
    private readonly Action _onRetry;

    public RetryHandler(SalesforceClientOptions options, ILogger logger, Action onRetry, HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
        _timeProvider = options.TimeProvider;
        _maxRetryDuration = options.MaxRetryDuration;
        _logger = logger;
        _onRetry = onRetry;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldHandle = ShouldRetryAsync,
                OnRetry = OnRetryAsync,
            });
        }

        builder.AddTimeout(options.RequestTimeout);
        _pipeline = builder.Build();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        var started = _timeProvider.GetTimestamp();
        context.Properties.Set(StartedKey, started);
        try
        {
            var outcome = await _pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        var response = await state.Self.SendCoreAsync(state.Request, ctx.CancellationToken).ConfigureAwait(false);
                        return Outcome.FromResult(response);
                    }
                    catch (Exception e)
                    {
                        return Outcome.FromException<HttpResponseMessage>(e);
                    }
                },
                context,
                (Self: this, Request: request)).ConfigureAwait(false);
            if (outcome.Exception is TimeoutRejectedException timeout)
            {
                throw new SalesforceException(
                    $"Salesforce did not answer {request.Method} {request.RequestUri?.AbsolutePath} within {timeout.Timeout.TotalSeconds:0} s (RequestTimeout).",
                    timeout);
            }

            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static readonly ResiliencePropertyKey<long> StartedKey = new("Forcelink.Started");

    private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    private async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args)
    {
        var request = args.Context.Properties.GetValue(RequestKey, null!);
        var idempotent = request.Options.TryGetValue(RequestOptionsKeys.Idempotent, out var flag) && flag;
        var elapsed = _timeProvider.GetElapsedTime(args.Context.Properties.GetValue(StartedKey, 0L));
        if (elapsed >= _maxRetryDuration || args.Context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        if (args.Outcome.Exception is { } exception)
        {
            return exception switch
            {
                HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => true,
                HttpRequestException or TimeoutRejectedException or IOException => idempotent,
                _ => false,
            };
        }

        if (!idempotent || args.Outcome.Result is not { } response)
        {
            return false;
        }

        switch (response.StatusCode)
        {
            case HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout:
                return true;
            case HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadRequest or HttpStatusCode.InternalServerError:
                var errors = await ReadErrorsAsync(response, args.Context.CancellationToken).ConfigureAwait(false);
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

    private ValueTask OnRetryAsync(OnRetryArguments<HttpResponseMessage> args)
    {
        var request = args.Context.Properties.GetValue(RequestKey, null!);
        var reason = args.Outcome.Exception?.GetType().Name ?? $"HTTP {(int)args.Outcome.Result!.StatusCode}";
        LogRetry(_logger, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", reason, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds);
        args.Outcome.Result?.Dispose();
        _onRetry();
        return ValueTask.CompletedTask;
    }

    private static async Task<IReadOnlyList<SalesforceError>> ReadErrorsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return RestErrors.Parse(body);
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "{Method} {Path} failed transiently ({Reason}); retry {Attempt} in {DelayMs:F0} ms")]
    private static partial void LogRetry(ILogger logger, string method, string path, string reason, int attempt, double delayMs);
}
