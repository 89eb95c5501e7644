using Amazon.DynamoDBv2;
using Amazon.KeyManagementService;
using Forcelink.Lambda.Configuration;
using Forcelink.Lambda.Failures;
using Forcelink.Lambda.S3;
using Forcelink.Operations;
using Microsoft.Extensions.Logging;
using Forcelink.Aws.Metrics;
using Forcelink.Aws.Fleet;
using Forcelink.Aws.Secrets;
using Forcelink.Aws;

namespace Forcelink.Lambda;

/// <summary>
/// Everything the function builds once in its init phase from its settings, and disposes together: the signing key,
/// the credential (shared through the token table when there is one), one <see cref="SalesforceClient"/>, the
/// idempotency store, the failure queue and the <see cref="FunctionHandler"/> over them.
/// </summary>
internal sealed partial class FunctionRoot : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    private FunctionRoot()
    {
    }

    public FunctionHandler Handler { get; private set; } = null!;

    /// <param name="options">The validated settings; their client options already carry the meter factory.</param>
    /// <param name="loopback">The client for the Parameters and Secrets extension on localhost.</param>
    /// <param name="metrics">The EMF writer.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="loggerFactory">The function's logging.</param>
    /// <param name="cancellationToken">Stops the init.</param>
    public static async Task<FunctionRoot> CreateAsync(
        FunctionOptions options,
        HttpClient loopback,
        EmbeddedMetrics metrics,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken = default)
    {
        var root = new FunctionRoot();
        try
        {
            await root.BuildAsync(options, loopback, metrics, timeProvider, loggerFactory, cancellationToken).ConfigureAwait(false);
            return root;
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        // The client before its transport, the key last: the reverse of how they were made.
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private async Task BuildAsync(FunctionOptions options, HttpClient loopback, EmbeddedMetrics metrics, TimeProvider timeProvider, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger<FunctionRoot>();
        var salesforceTransport = Own(SalesforceClientOptions.CreateDefaultTransport());
        var tokenHttpClient = Own(new HttpClient(salesforceTransport, disposeHandler: false));

        // The failure queue is called during invocations, so its client lives as long as the process; a call that does not
        // answer in time leaves its messages in their own queue.
        var sqsHttp = Own(new HttpClient { Timeout = TimeSpan.FromSeconds(5) });
        using var awsHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        Func<ParametersSecretsClient> secrets = () => new ParametersSecretsClient(
            loopback,
            ParametersSecretsClient.DefaultAddress(options.ExtensionPort),
            options.SessionToken,
            options.AwsCredentials is { } aws && options.AwsRegion is { } region
                ? new AwsJsonClient(awsHttp, aws, region, Environment.GetEnvironmentVariable, timeProvider, loggerFactory.CreateLogger<AwsJsonClient>())
                : null,
            timeProvider,
            loggerFactory.CreateLogger<ParametersSecretsClient>());
        var (credential, signingKey) = await FunctionCredential.CreateAsync(options, secrets, tokenHttpClient, timeProvider, loggerFactory, metrics, cancellationToken).ConfigureAwait(false);
        if (signingKey is not null)
        {
            Own(signingKey);
        }

        var fleet = options.Fleet;
        AmazonDynamoDBClient? dynamoDb = null;
        if (fleet.TokenTable is not null || fleet.IdempotencyTable is not null)
        {
            // Region and credentials come from the execution role's environment (AWS_REGION, AWS_ACCESS_KEY_ID, ...).
            // Fail fast: a table that does not answer quickly is worked around (direct login, 503 for keyed creates).
            dynamoDb = Own(new AmazonDynamoDBClient(new AmazonDynamoDBConfig { MaxErrorRetry = 2, Timeout = TimeSpan.FromSeconds(3) }));
        }

        if (fleet.TokenTable is { } tokenTable)
        {
            KmsTokenCipher? cipher = null;
            if (fleet.TokenKmsKeyId is { } keyId)
            {
                var kms = Own(new AmazonKeyManagementServiceClient(new AmazonKeyManagementServiceConfig { MaxErrorRetry = 2, Timeout = TimeSpan.FromSeconds(3) }));
                cipher = new KmsTokenCipher(kms, keyId);
            }

            credential = new SharedTokenCredential(
                credential,
                new TokenTable(dynamoDb!, tokenTable, cipher),
                // The client credentials flow's user is the app's Run As user, not known here: one token per app.
                TokenItem.KeyFor(options.LoginUrl, options.ConsumerKey, options.Credential?.Username ?? "(client credentials)"),
                options.Client.TokenLifetime,
                options.Client.TokenRefreshMargin,
                SharedTokenCredential.DefaultLeaseDuration,
                timeProvider,
                loggerFactory.CreateLogger<SharedTokenCredential>());
        }

        options.Client.TimeProvider = timeProvider;
        options.Client.LoggerFactory = loggerFactory;
        options.Client.Transport = salesforceTransport;
        var client = Own(new SalesforceClient(credential, options.Client));
        var operations = new IdempotentOperationHandler(
            new OperationHandler(client, options.Policy) { IdempotencyFields = options.IdempotencyFields },
            fleet.IdempotencyTable is { } idempotencyTable ? new IdempotencyTable(dynamoDb!, idempotencyTable) : null,
            fleet.FunctionName,
            IdempotentOperationHandler.DefaultExpiry,
            timeProvider,
            loggerFactory.CreateLogger<IdempotentOperationHandler>());

        FailureQueue? failureQueue = null;
        if (options.FailureQueueUrl is { } failureQueueUrl)
        {
            var sqs = new AwsJsonClient(sqsHttp, options.AwsCredentials!, options.AwsRegion!, Environment.GetEnvironmentVariable, timeProvider, loggerFactory.CreateLogger<AwsJsonClient>());

            // A bad endpoint override stops the init here, not the first batch with a poison message.
            var (endpoint, _) = sqs.QueueEndpoint(failureQueueUrl);
            failureQueue = new FailureQueue(sqs, failureQueueUrl, fleet.FunctionName, timeProvider, loggerFactory.CreateLogger<FailureQueue>());
            LogFailureQueue(logger, failureQueueUrl, endpoint.Host);
        }
        else
        {
            LogNoFailureQueue(logger, EnvironmentVariables.FailureQueueUrl);
        }

        S3Loader? s3Loader = null;
        if (S3LoadOptions.FromEnvironment(Environment.GetEnvironmentVariable) is { } s3)
        {
            var followUp = s3.QueueUrl is { } loadQueue && options.AwsCredentials is { } role && options.AwsRegion is { } awsRegion
                ? new S3FollowUp(new AwsJsonClient(sqsHttp, role, awsRegion, Environment.GetEnvironmentVariable, timeProvider, loggerFactory.CreateLogger<AwsJsonClient>()), loadQueue, s3.FollowUpDelay)
                : null;
            s3Loader = new S3Loader(client, new S3ObjectStore(Own(S3ObjectStore.CreateClient(Environment.GetEnvironmentVariable))), s3, followUp, metrics, timeProvider, loggerFactory.CreateLogger<S3Loader>());
            LogS3Loads(logger, s3.Bucket, s3.Prefix, s3.ResultsPrefix, followUp?.QueueUrl.AbsoluteUri ?? "(none: a running load's message is delivered again)");
        }

        LogFleet(logger, fleet.TokenTable ?? "(memory)", fleet.TokenKmsKeyId is null ? "table encryption at rest" : "KMS", fleet.IdempotencyTable ?? "(none)");
        Handler = new FunctionHandler(operations, metrics, timeProvider, loggerFactory.CreateLogger<FunctionHandler>(), failureQueue, s3Loader);
    }

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Poison SQS messages go to the failure queue {QueueUrl} (through {Endpoint}) and are then deleted from their own")]
    private static partial void LogFailureQueue(ILogger logger, Uri queueUrl, string endpoint);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information,
        Message = "{Variable} is not set: poison SQS messages stay failed items until their queue's redrive policy moves them to its dead-letter queue (their errors are only in these logs)")]
    private static partial void LogNoFailureQueue(ILogger logger, string variable);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "CSV files dropped at s3://{Bucket}/{Prefix} are loaded; results go to {ResultsPrefix}; follow-ups through {QueueUrl}")]
    private static partial void LogS3Loads(ILogger logger, string bucket, string prefix, string resultsPrefix, string queueUrl);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Tokens shared through {TokenTable} ({Protection}); idempotency records in {IdempotencyTable}")]
    private static partial void LogFleet(ILogger logger, string tokenTable, string protection, string idempotencyTable);
}
