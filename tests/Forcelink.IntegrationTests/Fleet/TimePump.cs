using Microsoft.Extensions.Time.Testing;

namespace Forcelink.IntegrationTests.Fleet;

/// <summary>
/// Lets fake time pass while real I/O (loopback HTTP, dynalite) completes: containers waiting for another one's lease
/// back off on the fake clock, so a test advances it in small steps until the work is done. Nothing is timed.
/// </summary>
internal static class TimePump
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<T> RunAsync<T>(Task<T> work, FakeTimeProvider time, TimeSpan? step = null)
    {
        await RunAsync((Task)work, time, step);
        return await work;
    }

    public static async Task RunAsync(Task work, FakeTimeProvider time, TimeSpan? step = null)
    {
        using var limit = new CancellationTokenSource(Timeout);
        while (!work.IsCompleted && !limit.IsCancellationRequested)
        {
            // Give the I/O a moment on the real clock; only when the work is still waiting does fake time move on.
            await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System, CancellationToken.None));
            if (!work.IsCompleted)
            {
                time.Advance(step ?? TimeSpan.FromMilliseconds(100));
            }
        }

        await work.WaitAsync(Timeout);
    }
}
