using Forcelink.Cli;

namespace Forcelink.IntegrationTests.Cli;

public sealed class EmulatorCommandTests
{
    [Fact]
    public async Task Emulator_PrintsWhatOrgEmulatorUses_ThenServesItUntilCancelled()
    {
        using var session = new CliSession();
        var output = new SignallingWriter("Certificate:");
        using var stop = new CancellationTokenSource();

        var running = session.RunAsync(output, stop.Token, "emulator", "--port", "0");
        await output.Signalled.WaitAsync(TimeSpan.FromSeconds(60));
        var login = await session.RunAsync("--org", "emulator", "login");
        var created = await session.RunAsync("--org", "emulator", "lead", "create", "--field", "LastName=Doe", "--field", "Company=Acme");
        await stop.CancelAsync();
        var run = await running;

        Assert.Contains("Consumer key: 3MVG9", output.ToString());
        Assert.Contains("forcelink/emulator/server.key", output.ToString());
        Assert.True(login.ExitCode == ExitCodes.Success, login.ToString());
        Assert.Contains("integration@forcelink.emulator", login.Output);
        Assert.True(created.ExitCode == ExitCodes.Success, created.ToString());
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("Emulator stopped.", output.ToString());
    }

    /// <summary>Completes <see cref="Signalled"/> once the text written so far contains the marker, so the test waits for output instead of sleeping.</summary>
    private sealed class SignallingWriter(string marker) : StringWriter
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
}
