using Forcelink.Aws;
using System.Globalization;

namespace Forcelink.Lambda.S3;

/// <summary>
/// The settings of CSV loads from S3 (docs/deploy.md, "Loading CSV files from S3"): the one bucket, where files are
/// dropped and where results go, the largest file taken, where a load that outlives its invocation is picked up again.
/// Loads are off unless <see cref="BucketVariable"/> is set.
/// </summary>
internal sealed class S3LoadOptions
{
    public const string BucketVariable = "FORCELINK_S3_BUCKET";
    public const string PrefixVariable = "FORCELINK_S3_PREFIX";
    public const string ResultsPrefixVariable = "FORCELINK_S3_RESULTS_PREFIX";
    public const string MaxBytesVariable = "FORCELINK_S3_MAX_BYTES";
    public const string QueueUrlVariable = "FORCELINK_S3_QUEUE_URL";
    public const string FollowUpDelayVariable = "FORCELINK_S3_FOLLOW_UP_SECONDS";
    public const string ReserveVariable = "FORCELINK_S3_RESERVE_SECONDS";

    /// <summary>The bucket files are loaded from; events about any other bucket are refused.</summary>
    public required string Bucket { get; init; }

    /// <summary>Where files are dropped: keys are <c>{Prefix}{operation}/{Object}[/{ExternalIdField}]/{file}</c>.</summary>
    /// <value>The default is <c>loads/</c>.</value>
    public string Prefix { get; init; } = "loads/";

    /// <summary>Where each file's results go: <c>{ResultsPrefix}{key}/summary.json</c> and the three CSVs beside it.</summary>
    /// <value>The default is <c>results/</c>; it must not be under <see cref="Prefix"/>, so results never trigger a load.</value>
    public string ResultsPrefix { get; init; } = "results/";

    /// <summary>The largest object loaded; a larger one gets a summary saying so.</summary>
    /// <value>The default is 2 GiB.</value>
    public long MaxBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>The SQS queue the function is triggered by, to which it sends a load that outlives its invocation.</summary>
    /// <value>The default (<see langword="null"/>) sends none: such a load is recorded as running, and its next delivery finishes it.</value>
    public Uri? QueueUrl { get; init; }

    /// <summary>How long a load that is still running waits before the function looks at it again (SQS DelaySeconds, at most 900).</summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan FollowUpDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time kept back from the invocation's deadline to record where a load stands, or to write its results.</summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan Reserve { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The settings from the environment, or <see langword="null"/> when <see cref="BucketVariable"/> is not set.</summary>
    /// <exception cref="FunctionConfigurationException">A setting is present but not valid; the message names it and how to fix it.</exception>
    public static S3LoadOptions? FromEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        if (getVariable(BucketVariable) is not { Length: > 0 } bucket)
        {
            return null;
        }

        var prefix = Folder(getVariable(PrefixVariable), "loads/");
        var results = Folder(getVariable(ResultsPrefixVariable), "results/");
        if (results.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(results, StringComparison.Ordinal))
        {
            throw new FunctionConfigurationException(
                $"{ResultsPrefixVariable} ('{results}') and {PrefixVariable} ('{prefix}') overlap, so results would be loaded as files: give them separate prefixes, such as loads/ and results/.");
        }

        Uri? queue = null;
        if (getVariable(QueueUrlVariable) is { Length: > 0 } queueText
            && (!Uri.TryCreate(queueText, UriKind.Absolute, out queue) || queue.Scheme is not ("https" or "http")))
        {
            throw new FunctionConfigurationException($"{QueueUrlVariable} must be an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/forcelink-loads.");
        }

        return new S3LoadOptions
        {
            Bucket = bucket,
            Prefix = prefix,
            ResultsPrefix = results,
            MaxBytes = Number(getVariable, MaxBytesVariable, 1, long.MaxValue, 2L * 1024 * 1024 * 1024),
            QueueUrl = queue,
            FollowUpDelay = TimeSpan.FromSeconds(Number(getVariable, FollowUpDelayVariable, 0, 900, 60)),
            Reserve = TimeSpan.FromSeconds(Number(getVariable, ReserveVariable, 1, 600, 60)),
        };
    }

    // A prefix is a folder: empty, or ending in '/'.
    private static string Folder(string? value, string fallback) => value switch
    {
        null => fallback,
        "" or "/" => "",
        _ => value.TrimStart('/').EndsWith('/') ? value.TrimStart('/') : value.TrimStart('/') + "/",
    };

    private static long Number(Func<string, string?> getVariable, string name, long min, long max, long fallback)
    {
        if (getVariable(name) is not { Length: > 0 } text)
        {
            return fallback;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new FunctionConfigurationException($"{name} must be a whole number from {min} to {max}, not '{text}'.");
        }

        return value;
    }
}
