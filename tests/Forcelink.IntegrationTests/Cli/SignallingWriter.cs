namespace Forcelink.IntegrationTests.Cli;

/// <summary>Completes <see cref="Signalled"/> once the text written so far contains the marker, so the test waits for output instead of sleeping.</summary>
internal sealed class SignallingWriter(string marker) : StringWriter
{
    private readonly TaskCompletionSource _signalled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Signalled => _signalled.Task;

    public override void Write(char value)
    {
        base.Write(value);
        Check();
    }

    public override void Write(string? value)
    {
        base.Write(value);
        Check();
    }

    public override void Write(char[] buffer, int index, int count)
    {
        base.Write(buffer, index, count);
        Check();
    }

    public override Task WriteLineAsync(string? value)
    {
        base.WriteLine(value);
        Check();
        return Task.CompletedTask;
    }

    private void Check()
    {
        if (ToString().Contains(marker, StringComparison.Ordinal))
        {
            _signalled.TrySetResult();
        }
    }
}
