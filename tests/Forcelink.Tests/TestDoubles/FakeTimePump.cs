using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.TestDoubles;

/// <summary>Moves fake time in steps while work waits on it (job polling); gives in-memory I/O a moment on the real clock
/// between steps. Nothing is timed: a step only fires timers the work already set.</summary>
public static class FakeTimePump
{
    public static async Task<T> RunAsync<T>(Task<T> work, FakeTimeProvider time, TimeSpan? step = null)
    {
        await RunAsync((Task)work, time, step);
        return await work;
    }

    public static async Task RunAsync(Task work, FakeTimeProvider time, TimeSpan? step = null)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!work.IsCompleted && !limit.IsCancellationRequested)
        {
            await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(2), TimeProvider.System, CancellationToken.None));
            if (!work.IsCompleted)
            {
                time.Advance(step ?? TimeSpan.FromMilliseconds(250));
            }
        }

        await work.WaitAsync(TimeSpan.FromSeconds(20));
    }
}
