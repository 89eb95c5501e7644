using Forcelink.Operations;

namespace Forcelink.Lambda.Failures;

/// <summary>What becomes of an SQS message whose operation failed.</summary>
internal enum FailureDisposition
{
    /// <summary>
    /// Named in <c>batchItemFailures</c>: SQS delivers it again after the visibility timeout, and after the queue's
    /// maxReceiveCount moves it to the queue's dead-letter queue.
    /// </summary>
    Retry,

    /// <summary>
    /// It can never succeed as sent: it goes to the failure queue with its error and is then left out of
    /// <c>batchItemFailures</c>, so SQS deletes it. Without a failure queue, or when sending there fails, it is retried.
    /// </summary>
    Poison,
}

/// <summary>Tells retryable failures from poison messages: the one place the rule is written (docs/fleet.md has the table).</summary>
internal static class FailureClassifier
{
    /// <summary>
    /// <see cref="OperationResult.Retryable"/> already answers the question a redelivery asks: is sending the same request
    /// again, unchanged, safe, and can it succeed? Yes for a busy or unreachable Salesforce, a failed login, a row lock, an
    /// operation never started, a key in use by a running attempt, or a lost answer a repeat cannot duplicate. Everything
    /// else needs a changed request or setup (a validation error, a refusal, a policy denial, a malformed message), or
    /// must not run again (a create whose outcome is unknown and which nothing can recognise when repeated): delivering
    /// it again only spends invocations and API calls until the dead-letter queue, where its error would be lost.
    /// </summary>
    public static FailureDisposition Classify(OperationResult failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (failure.IsSuccess)
        {
            throw new ArgumentException("A successful operation has no failure to classify.", nameof(failure));
        }

        return failure.Retryable ? FailureDisposition.Retry : FailureDisposition.Poison;
    }
}
