using System.Runtime.InteropServices;
using Forcelink.Authentication;
using Forcelink.Lambda.Configuration;
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
        var metrics = new EmbeddedMetrics(output, timeProvider, invocation);
        var runtime = new LambdaRuntime(
            new RuntimeApiClient(loopback, runtimeApi, timeProvider),
            timeProvider,
            loggerFactory.CreateLogger<LambdaRuntime>(),
            invocation,
            metrics,
            runOnce: string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariables.RunOnce), "true", StringComparison.OrdinalIgnoreCase));

        RsaSigningKey? signingKey = null;
        SalesforceClient? client = null;
        try
        {
            return await runtime.RunAsync(
                async cancellationToken =>
                {
                    var options = FunctionOptions.FromEnvironment(Environment.GetEnvironmentVariable);
                    var keyReader = new PrivateKeyReader(() => new ParametersSecretsClient(
                        loopback,
                        ParametersSecretsClient.DefaultAddress(options.ExtensionPort),
                        options.SessionToken!,
                        timeProvider,
                        loggerFactory.CreateLogger<ParametersSecretsClient>()));
                    signingKey = await keyReader.ReadAsync(options.PrivateKey, options.PrivateKeyPassphrase, cancellationToken);

                    var credential = new JwtBearerCredential(
                        options.Credential, signingKey, tokenHttpClient, timeProvider, loggerFactory.CreateLogger<JwtBearerCredential>());
                    options.Client.TimeProvider = timeProvider;
                    options.Client.LoggerFactory = loggerFactory;
                    options.Client.Transport = salesforceTransport;
                    client = new SalesforceClient(credential, options.Client);

                    LogInitialized(logger, options.Credential.Username!, options.Credential.LoginUrl, options.PrivateKey, signingKey);
                    return new FunctionHandler(client, new OperationHandler(client, options.Policy), metrics, timeProvider, loggerFactory.CreateLogger<FunctionHandler>()).HandleAsync;
                },
                stop.Token);
        }
        finally
        {
            client?.Dispose();
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

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Could not cap the GC heap at the function's {Megabytes} MB")]
    private static partial void LogHeapLimitFailed(ILogger logger, int megabytes, Exception exception);

    [LoggerMessage(EventId = 1, Level = LogLevel.Critical,
        Message = "{Variable} is not set: this program is a Lambda custom runtime (bootstrap); run it in Lambda, or locally against a Runtime API emulator")]
    private static partial void LogNoRuntimeApi(ILogger logger, string variable);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Forcelink function initialized: {Username} via {LoginUrl}, key from {KeySource} ({Key})")]
    private static partial void LogInitialized(ILogger logger, string username, Uri loginUrl, PrivateKeySource keySource, RsaSigningKey key);
}
