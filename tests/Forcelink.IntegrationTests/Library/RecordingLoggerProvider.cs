using Microsoft.Extensions.Logging;

namespace Forcelink.IntegrationTests.Library;

/// <summary>Keeps every message logged through it, to check that no token, secret or assertion reaches a log.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    public List<string> Messages { get; } = [];

    public ILogger CreateLogger(string categoryName) => new Recorder(this);

    public void Dispose()
    {
    }

    private sealed class Recorder(RecordingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner.Messages)
            {
                owner.Messages.Add(formatter(state, exception) + exception);
            }
        }
    }
}
