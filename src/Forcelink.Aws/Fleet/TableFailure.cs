using Amazon.Runtime;

namespace Forcelink.Aws.Fleet;

/// <summary>
/// Which exceptions mean "the table (or KMS) cannot be used right now", so the caller degrades (direct login, 503 for
/// keyed creates) instead of failing the invocation. A cancellation counts only when the caller did not ask for it:
/// then it is the SDK's own timeout.
/// </summary>
internal static class TableFailure
{
    public static bool Is(Exception exception, CancellationToken cancellationToken) =>
        exception is AmazonServiceException or AmazonClientException or HttpRequestException or IOException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);
}
