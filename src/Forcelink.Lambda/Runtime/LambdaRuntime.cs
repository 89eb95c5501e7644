using Forcelink.Lambda.Observability;
using Microsoft.Extensions.Logging;
using Forcelink.Aws.Metrics;

namespace Forcelink.Lambda.Runtime;

/// <summary>
/// The custom runtime: initializes once (reporting a failure to <c>/runtime/init/error</c>), then gets each event, runs the
/// handler with a token cancelled just before the deadline, and posts its response or its error. Ends on cancellation,
/// after one event in run-once mode, or when the Runtime API fails (any 500 means the environment is gone).
/// </summary>
internal sealed partial class LambdaRuntime
{
    public const int ExitSuccess = 0;
    public const int ExitInitFailed = 1;
    public const int ExitRuntimeApiFailed = 2;
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

    /// <summary>How long before the deadline the handler's token is cancelled, leaving time to report.</summary>
    public static readonly TimeSpan DeadlineMargin = TimeSpan.FromMilliseconds(500);

    // CancellationTokenSource cannot wait longer than about 49 days; an invocation never lasts more than 15 minutes.
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    private readonly RuntimeApiClient _client;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CurrentInvocation _invocation;
    private readonly EmbeddedMetrics? _metrics;
    private readonly bool _runOnce;

    public LambdaRuntime(
        RuntimeApiClient client,
        TimeProvider timeProvider,
        ILogger<LambdaRuntime> logger,
        CurrentInvocation invocation,
        EmbeddedMetrics? metrics = null,
        bool runOnce = false)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(invocation);
        _client = client;
        _timeProvider = timeProvider;
        _logger = logger;
        _invocation = invocation;
        _metrics = metrics;
        _runOnce = runOnce;
    }

    /// <summary>Runs the function until <paramref name="cancellationToken"/> is cancelled; returns the process exit code.</summary>
    /// <param name="initialize">Builds the handler once; an exception is reported as an init error with its message.</param>
    /// <param name="cancellationToken">Stops the loop cleanly (exit code 0).</param>
    public async Task<int> RunAsync(Func<CancellationToken, Task<InvocationHandler>> initialize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(initialize);
        InvocationHandler handler;
        try
        {
            handler = await initialize(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitSuccess;
        }
#pragma warning disable CA1031 // Whatever stops initialization must reach Lambda as an init error before the process exits.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return await ReportInitErrorAsync(exception, cancellationToken);
        }

        try
        {
            do
            {
                await InvokeOnceAsync(handler, cancellationToken);
            }
            while (!_runOnce);

            return ExitSuccess;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitSuccess;
        }
        catch (Exception exception) when (exception is RuntimeApiException or HttpRequestException)
        {
            LogRuntimeApiFailed(_logger, exception);
            return ExitRuntimeApiFailed;
        }
    }

    private async Task<int> ReportInitErrorAsync(Exception exception, CancellationToken cancellationToken)
    {
        LogInitFailed(_logger, exception);
        try
        {
            await _client.SendInitErrorAsync(ErrorReport.FromException(exception), cancellationToken);
        }
        catch (Exception reportFailure) when (reportFailure is RuntimeApiException or HttpRequestException or OperationCanceledException)
        {
            LogRuntimeApiFailed(_logger, reportFailure);
        }

        return ExitInitFailed;
    }

    private async Task InvokeOnceAsync(InvocationHandler handler, CancellationToken cancellationToken)
    {
        using var invocation = await _client.GetNextInvocationAsync(cancellationToken);
        var (eventJson, context) = (invocation.EventJson, invocation.Context);

        // X-Ray instrumentation reads the trace header from this variable, per invocation (custom runtime contract).
        Environment.SetEnvironmentVariable(TraceIdVariable, context.TraceId);
        _invocation.Begin(context);
        try
        {
            var remaining = context.RemainingTime - DeadlineMargin;
            using var deadline = new CancellationTokenSource(
                remaining <= TimeSpan.Zero ? TimeSpan.Zero : remaining < LongestWait ? remaining : LongestWait, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);

            var started = _timeProvider.GetTimestamp();
            ReadOnlyMemory<byte> response;
            try
            {
                response = await handler(eventJson, context, linked.Token);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                _metrics?.Record(MetricNames.InvocationErrors, 1, MetricUnit.Count);
                LogInvocationFailed(_logger, exception.GetType().Name, exception);
                await ReportInvocationErrorAsync(context.RequestId, ErrorReport.FromException(exception), cancellationToken);
                return;
            }
            finally
            {
                _metrics?.Record(MetricNames.Invocations, 1, MetricUnit.Count);
                _metrics?.Record(MetricNames.Latency, _timeProvider.GetElapsedTime(started).TotalMilliseconds, MetricUnit.Milliseconds, ("Operation", "Invoke"));
            }

            try
            {
                await _client.SendResponseAsync(context.RequestId, response, cancellationToken);
            }
            catch (RuntimeApiException exception) when (exception.IsPayloadTooLarge)
            {
                LogResponseTooLarge(_logger, response.Length);
                await ReportInvocationErrorAsync(
                    context.RequestId,
                    new ErrorReport(
                        $"The response has {response.Length} bytes, more than Lambda accepts (6 MB): return less data, for example a smaller query page.",
                        "Function.ResponseSizeTooLarge",
                        []),
                    cancellationToken);
            }
            catch (RuntimeApiException exception) when (!exception.IsFatal)
            {
                // Lambda refused this one answer (400, 403...): the environment is still sound, so serve the next event.
                LogAnswerRefused(_logger, exception);
            }
        }
        finally
        {
            _metrics?.Flush();
            _invocation.End();
        }
    }

    private async Task ReportInvocationErrorAsync(string requestId, ErrorReport error, CancellationToken cancellationToken)
    {
        try
        {
            await _client.SendInvocationErrorAsync(requestId, error, cancellationToken);
        }
        catch (RuntimeApiException exception) when (!exception.IsFatal)
        {
            LogAnswerRefused(_logger, exception);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Critical, Message = "Initialization failed; reporting it to Lambda and exiting")]
    private static partial void LogInitFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "The invocation failed with {ErrorType}; reported to Lambda as an invocation error")]
    private static partial void LogInvocationFailed(ILogger logger, string errorType, Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Critical, Message = "The Runtime API failed; the runtime exits")]
    private static partial void LogRuntimeApiFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "The response of {Bytes} bytes is too large for Lambda; reported as an invocation error")]
    private static partial void LogResponseTooLarge(ILogger logger, int bytes);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "The Runtime API refused the answer to this invocation; serving the next one")]
    private static partial void LogAnswerRefused(ILogger logger, Exception exception);
}
