using System.Runtime;
using System.Runtime.CompilerServices;
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
        StartJitProfile();
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
    /// Multicore JIT for the managed build: <c>deploy/build.sh --managed</c> records which methods a first invocation
    /// compiles (<see cref="JitProfile.RecordVariable"/>) and ships the list beside the program; replaying it compiles them on
    /// a second thread while the first waits on the network (docs/performance.md measures what that buys). The runtime
    /// rewrites the profile when the process exits, so it plays a copy in the temporary folder, never the package's (read-only
    /// on Lambda). Native AOT has no JIT: there the file is absent and the runtime ignores the calls.
    /// </summary>
    private static void StartJitProfile()
    {
        if (Environment.GetEnvironmentVariable(JitProfile.RecordVariable) is { Length: > 0 } recordTo)
        {
            ProfileOptimization.SetProfileRoot(recordTo);
            ProfileOptimization.StartProfile(JitProfile.FileName);
            return;
        }

        var shipped = Path.Combine(AppContext.BaseDirectory, JitProfile.FileName);
        if (RuntimeFeature.IsDynamicCodeCompiled && File.Exists(shipped))
        {
            try
            {
                var playFrom = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "forcelink-jit")).FullName;
                File.Copy(shipped, Path.Combine(playFrom, JitProfile.FileName), overwrite: true);
                ProfileOptimization.SetProfileRoot(playFrom);
                ProfileOptimization.StartProfile(JitProfile.FileName);
            }
            catch (IOException)
            {
                // Without a writable temporary folder the function only starts slower.
            }
            catch (UnauthorizedAccessException)
            {
            }
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
