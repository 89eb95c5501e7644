using System.Runtime.InteropServices;
using Forcelink.Lambda.Configuration;
using Forcelink.Lambda.Observability;
using Forcelink.Lambda.Runtime;
using Microsoft.Extensions.Logging;
using Forcelink.Aws.Metrics;

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
        using var meters = new FunctionMeterFactory();
        using var clientMetrics = new ClientMetricsListener(meters);
        var metrics = new EmbeddedMetrics(output, timeProvider, () => invocation.RequestId) { Client = clientMetrics };
        var runtime = new LambdaRuntime(
            new RuntimeApiClient(loopback, runtimeApi, timeProvider),
            timeProvider,
            loggerFactory.CreateLogger<LambdaRuntime>(),
            invocation,
            metrics,
            runOnce: string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariables.RunOnce), "true", StringComparison.OrdinalIgnoreCase));

        FunctionRoot? root = null;
        try
        {
            return await runtime.RunAsync(
                async cancellationToken =>
                {
                    var options = FunctionOptions.FromEnvironment(Environment.GetEnvironmentVariable);
                    options.Client.MeterFactory = meters;
                    root = await FunctionRoot.CreateAsync(options, loopback, metrics, timeProvider, loggerFactory, cancellationToken);
                    return root.Handler.HandleAsync;
                },
                stop.Token);
        }
        finally
        {
            root?.Dispose();
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

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Could not cap the GC heap at the function's {Megabytes} MB")]
    private static partial void LogHeapLimitFailed(ILogger logger, int megabytes, Exception exception);

    [LoggerMessage(EventId = 1, Level = LogLevel.Critical,
        Message = "{Variable} is not set: this program is a Lambda custom runtime (bootstrap); run it in Lambda, or locally against a Runtime API emulator")]
    private static partial void LogNoRuntimeApi(ILogger logger, string variable);
}
