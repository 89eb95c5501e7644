namespace Forcelink.Lambda.Runtime;

/// <summary>What the Runtime API says about one invocation, from the headers of <c>GET /runtime/invocation/next</c>.</summary>
internal sealed class InvocationContext(
    string requestId,
    DateTimeOffset deadline,
    string? invokedFunctionArn,
    string? traceId,
    TimeProvider timeProvider)
{
    public string RequestId { get; } = requestId;

    /// <summary>When Lambda stops the invocation (<c>Lambda-Runtime-Deadline-Ms</c>).</summary>
    public DateTimeOffset Deadline { get; } = deadline;

    public string? InvokedFunctionArn { get; } = invokedFunctionArn;

    /// <summary>The X-Ray trace header (<c>Lambda-Runtime-Trace-Id</c>), also copied into <c>_X_AMZN_TRACE_ID</c>.</summary>
    public string? TraceId { get; } = traceId;

    public TimeSpan RemainingTime
    {
        get
        {
            var remaining = Deadline - timeProvider.GetUtcNow();
            return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }
    }
}
