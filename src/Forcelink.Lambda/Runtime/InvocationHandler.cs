namespace Forcelink.Lambda.Runtime;

/// <summary>
/// Handles one event and returns the response JSON. Throwing reports an invocation error to Lambda (which drives retries and
/// dead-letter queues); <paramref name="cancellationToken"/> is cancelled shortly before the deadline.
/// </summary>
internal delegate Task<ReadOnlyMemory<byte>> InvocationHandler(
    ReadOnlyMemory<byte> eventJson,
    InvocationContext context,
    CancellationToken cancellationToken);
