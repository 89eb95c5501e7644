using System.Runtime.InteropServices;
using Amazon.DynamoDBv2;
using Amazon.KeyManagementService;
using Forcelink.Lambda.Configuration;
using Forcelink.Lambda.Failures;
using Forcelink.Lambda.Fleet;
using Forcelink.Lambda.Observability;
using Forcelink.Lambda.Runtime;
using Forcelink.Operations;
using Microsoft.Extensions.Logging;

namespace Forcelink.Lambda;

/// <summary>
/// The composition root: logging and the Runtime API first (so a failure can be reported), then, once in the init phase,
/// configuration, the signing key, the credential and one <see cref="SalesforceClient"/> reused by every invocation.
/// </summary>
internal static partial class Program
{
    public static async Task<int> Main()
    {
        var timeProvider = TimeProvider.System;
        var invocation = new CurrentInvocation();
        var output = Console.Out;
        var logWriter = new LogLineWriter(output, LogOptions.FromEnvironment(Environment.GetEnvironmentVariable), timeProvider, invocation);
        using var loggerFactory = new LambdaLoggerFactory(new LambdaLoggerProvider(logWriter));
        var logger = loggerFactory.CreateLogger(typeof(Program).FullName!);

        if (Environment.GetEnvironmentVariable(EnvironmentVariables.RuntimeApi) is not { Length: > 0 } runtimeApi)
        {
            LogNoRuntimeApi(logger, EnvironmentVariables.RuntimeApi);
            return LambdaRuntime.ExitInitFailed;
        }

        LimitHeapToFunctionMemory(logger);
        using var stop = new CancellationTokenSource();

        // Lambda sends SIGTERM before shutting an environment down (when extensions are registered): stop between invocations.
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        using var loopback = RuntimeApiClient.CreateHttpClient();
        using var salesforceTransport = SalesforceClient.CreateTransport();
        using var tokenHttpClient = new HttpClient(salesforceTransport, disposeHandler: false);

        // The failure queue is called during invocations, so its client lives as long as the process; a call that does not
        // answer in time leaves its messages in their own queue.
        using var sqsHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var meters = new FunctionMeterFactory();
        using var clientMetrics = new ClientMetricsListener(meters);
        var metrics = new EmbeddedMetrics(output, timeProvider, invocation) { Client = clientMetrics };
        var runtime = new LambdaRuntime(
            new RuntimeApiClient(loopback, runtimeApi, timeProvider),
            timeProvider,
            loggerFactory.CreateLogger<LambdaRuntime>(),
            invocation,
            metrics,
            runOnce: string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariables.RunOnce), "true", StringComparison.OrdinalIgnoreCase));

        IDisposable? signingKey = null;
        SalesforceClient? client = null;
        AmazonDynamoDBClient? dynamoDb = null;
        AmazonKeyManagementServiceClient? kms = null;
        try
        {
            return await runtime.RunAsync(
                async cancellationToken =>
                {
                    var options = FunctionOptions.FromEnvironment(Environment.GetEnvironmentVariable);
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
                    (var credential, signingKey) = await FunctionCredential.CreateAsync(options, secrets, tokenHttpClient, timeProvider, loggerFactory, metrics, cancellationToken);
                    var fleet = options.Fleet;
                    if (fleet.TokenTable is not null || fleet.IdempotencyTable is not null)
                    {
                        // Region and credentials come from the execution role's environment (AWS_REGION, AWS_ACCESS_KEY_ID, ...).
                        // Fail fast: a table that does not answer quickly is worked around (direct login, 503 for keyed creates).
                        dynamoDb = new AmazonDynamoDBClient(new AmazonDynamoDBConfig { MaxErrorRetry = 2, Timeout = TimeSpan.FromSeconds(3) });
                    }

                    SharedTokenCredential? shared = null;
                    if (fleet.TokenTable is { } tokenTable)
                    {
                        KmsTokenCipher? cipher = null;
                        if (fleet.TokenKmsKeyId is { } keyId)
                        {
                            kms = new AmazonKeyManagementServiceClient(new AmazonKeyManagementServiceConfig { MaxErrorRetry = 2, Timeout = TimeSpan.FromSeconds(3) });
                            cipher = new KmsTokenCipher(kms, keyId);
                        }

                        credential = shared = new SharedTokenCredential(
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
                    options.Client.MeterFactory = meters;
                    client = new SalesforceClient(credential, options.Client);
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

                    LogFleet(logger, fleet.TokenTable ?? "(memory)", fleet.TokenKmsKeyId is null ? "table encryption at rest" : "KMS", fleet.IdempotencyTable ?? "(none)");
                    return new FunctionHandler(operations, metrics, timeProvider, loggerFactory.CreateLogger<FunctionHandler>(), failureQueue).HandleAsync;
                },
                stop.Token);
        }
        finally
        {
            client?.Dispose();
            dynamoDb?.Dispose();
            kms?.Dispose();
            signingKey?.Dispose();
        }
    }

    /// <summary>
    /// The GC cannot see the function's memory size (the sandbox reports the host's memory), so it would grow the heap past
    /// it and Lambda would kill the process; cap the heap at the configured size, as Amazon.Lambda.RuntimeSupport does.
    /// </summary>
    private static void LimitHeapToFunctionMemory(ILogger logger)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var megabytes)
            || megabytes <= 0)
        {
            return;
        }

        try
        {
            AppContext.SetData("GCHeapHardLimit", (ulong)megabytes * 1024 * 1024);
            GC.RefreshMemoryLimit();
        }
        catch (InvalidOperationException exception)
        {
            LogHeapLimitFailed(logger, megabytes, exception);
        }
    }

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Poison SQS messages go to the failure queue {QueueUrl} (through {Endpoint}) and are then deleted from their own")]
    private static partial void LogFailureQueue(ILogger logger, Uri queueUrl, string endpoint);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information,
        Message = "{Variable} is not set: poison SQS messages stay failed items until their queue's redrive policy moves them to its dead-letter queue (their errors are only in these logs)")]
    private static partial void LogNoFailureQueue(ILogger logger, string variable);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Tokens shared through {TokenTable} ({Protection}); idempotency records in {IdempotencyTable}")]
    private static partial void LogFleet(ILogger logger, string tokenTable, string protection, string idempotencyTable);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Could not cap the GC heap at the function's {Megabytes} MB")]
    private static partial void LogHeapLimitFailed(ILogger logger, int megabytes, Exception exception);

    [LoggerMessage(EventId = 1, Level = LogLevel.Critical,
        Message = "{Variable} is not set: this program is a Lambda custom runtime (bootstrap); run it in Lambda, or locally against a Runtime API emulator")]
    private static partial void LogNoRuntimeApi(ILogger logger, string variable);
}
