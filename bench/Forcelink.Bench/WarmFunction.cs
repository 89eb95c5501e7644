using System.Diagnostics;
using System.Text;
using Forcelink.Emulator.Hosting;
using Forcelink.IntegrationTests.Lambda;

namespace Forcelink.Bench;

/// <summary>
/// A warm <c>get</c> answered by the deployed function, process against process: one fresh runtime process (the AOT
/// bootstrap, the managed build, or the jsforce custom runtime) logs in on its first event, answers
/// <c>warmUp</c> gets of one record uncounted, then <c>counted</c> more, each timed from the moment the event leaves the
/// Runtime API for the runtime to the moment the runtime's <c>/response</c> arrives.
/// </summary>
/// <remarks>
/// How the time is taken: the runtime reaches the fake Runtime API through a <see cref="RuntimeApiTap"/>, which notes on
/// the wire when the event's first bytes leave for the runtime and when the first bytes of its <c>/response</c> come
/// back: what Lambda bills as the invocation's duration, with the fake's own work on either side (queuing the event,
/// recording the response) outside it. The counted events are handed out one at a time, each once the runtime has
/// called <c>GET /next</c> again (<see cref="FakeRuntimeApi.NextCalls"/>) and is parked there, as a warm Lambda runtime
/// is when an invocation arrives, so the runtime's own <c>/next</c> round trip is outside the interval and each
/// interval holds exactly one event. The emulator's own time for each GET is taken from its request log, so rows can
/// also show each side without it.
/// </remarks>
internal static class WarmFunction
{
    public static async Task<WarmFunctionRun> MeasureAsync(
        EmulatorHost emulator, string fileName, string[] arguments, Dictionary<string, string> environment, string recordId, int warmUp, int counted)
    {
        var getEvent = Encoding.UTF8.GetBytes($$"""{"operation":"get","object":"Lead","id":"{{recordId}}","fields":["Id","LastName","Company","Status"]}""");
        await using var api = await FakeRuntimeApi.StartAsync();
        for (var i = 0; i < warmUp; i++)
        {
            api.Enqueue(getEvent, TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(10));
        }

        await using var tap = RuntimeApiTap.Start(api.Authority);
        var start = Child.StartInfo(fileName, arguments, environment);
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = tap.Authority;
        start.Environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var exited = process.WaitForExitAsync();
            for (var i = 0; i < warmUp; i++)
            {
                var posted = api.NextPostAsync(TimeSpan.FromSeconds(60));
                if (await Task.WhenAny(posted, exited) != posted && !posted.IsCompleted)
                {
                    throw new InvalidOperationException($"{fileName} exited {process.ExitCode} after {i} events:\n{await stderr}");
                }

                Check(await posted, null);
            }

            var invocations = new double[counted];
            var inEmulator = new double[counted];
            for (var i = 0; i < counted; i++)
            {
                while (api.NextCalls <= warmUp + i)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System);
                }

                var requestId = Guid.NewGuid().ToString();
                var queued = Stopwatch.GetTimestamp();
                api.Enqueue(getEvent, TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(10), requestId);
                var post = await api.NextPostAsync(TimeSpan.FromSeconds(60));
                Check(post, requestId);
                var (handedOut, answered) = (tap.HandedOut, tap.Answered);
                if (handedOut < queued || answered < handedOut)
                {
                    throw new InvalidOperationException($"{fileName}: the tap saw no event leave or no answer come back for event {i}.");
                }

                invocations[i] = Stopwatch.GetElapsedTime(handedOut, answered).TotalMicroseconds;

                // This process is the emulator's only client: its last request is this invocation's GET.
                var served = emulator.Org.RequestLog[^1];
                if (served.Method != "GET" || !served.Path.EndsWith(recordId, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{fileName}: the emulator's last request was {served.Method} {served.Path}, not the get.");
                }

                inEmulator[i] = served.DurationMilliseconds * 1000;
            }

            return new WarmFunctionRun(invocations, inEmulator);
        }
        catch (TimeoutException e)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{fileName} stopped answering:\n{await stderr}", e);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            await stdout;
        }

        void Check(RecordedPost post, string? requestId)
        {
            if (post.Kind != PostKind.Response || !post.Body.Contains("\"ok\":true", StringComparison.Ordinal)
                || (requestId is not null && post.RequestId != requestId))
            {
                throw new InvalidOperationException($"{fileName} answered {post.Kind} to {post.RequestId}: {post.Body}");
            }
        }
    }
}

/// <summary>One process's counted invocations (µs, in order) and the emulator's time for each one's GET (µs).</summary>
internal sealed record WarmFunctionRun(double[] Invocations, double[] InEmulator)
{
    public double Median => MedianOf(Invocations);

    /// <summary>The median of each invocation's time less its GET's time in the emulator: the runtime's own share.</summary>
    public double MedianOutsideEmulator => MedianOf([.. Invocations.Select((t, i) => t - InEmulator[i])]);

    public double MedianInEmulator => MedianOf(InEmulator);

    /// <summary>
    /// The medians of the first and second half of the counted calls, to show drift (the machine's load moving, a process
    /// still warming). Equal halves do not prove the warm-up long enough: after 2,000 gets they were equal while the
    /// managed build was still half again as slow as after 8,000.
    /// </summary>
    public (double First, double Second) Halves => (MedianOf(Invocations[..(Invocations.Length / 2)]), MedianOf(Invocations[(Invocations.Length / 2)..]));

    /// <summary>The middle value, or the mean of the two middle values of an even count (two runs, say).</summary>
    public static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
