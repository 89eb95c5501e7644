using Forcelink.Aws;

namespace Forcelink.Lambda.S3;

/// <summary>
/// Brings a load that outlives its invocation back to the function: a message to the queue the function is triggered
/// by, held back by SQS for the delay. SQS keeps it through failures (retried, then dead-lettered with the S3 events);
/// nothing polls while no load runs, and no table is needed: the load's state is its <c>summary.json</c>.
/// </summary>
internal sealed class S3FollowUp(AwsJsonClient sqs, Uri queueUrl, TimeSpan delay)
{
    public Uri QueueUrl => queueUrl;

    /// <summary>Sends the follow-up; <see langword="null"/> when SQS took it, else why not.</summary>
    public async Task<string?> SendAsync(S3ObjectRef load, CancellationToken cancellationToken = default)
    {
        var entry = new SqsBatchEntry("followup", S3LoadEvent.FollowUpBody(load), [], DelaySeconds: (int)delay.TotalSeconds);
        var result = await sqs.SendMessageBatchAsync(queueUrl, [entry], cancellationToken).ConfigureAwait(false);
        return result.Sent.Contains(entry.Id) ? null : result.Failed.GetValueOrDefault(entry.Id) ?? "not sent";
    }
}
