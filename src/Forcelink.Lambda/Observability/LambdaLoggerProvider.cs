using Microsoft.Extensions.Logging;

namespace Forcelink.Lambda.Observability;

/// <summary>Routes <see cref="ILogger"/> events (the library's and ours) to the Lambda log lines.</summary>
internal sealed class LambdaLoggerProvider(LogLineWriter writer) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new LambdaLogger(categoryName, writer);

    public void Dispose()
    {
    }

    private sealed class LambdaLogger(string category, LogLineWriter writer) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => writer.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (!IsEnabled(logLevel))
            {
                return;
            }

            writer.Write(logLevel, category, formatter(state, exception), exception, state as IEnumerable<KeyValuePair<string, object?>>);
        }
    }
}

/// <summary>
/// The logger factory handed to the library: every logger writes Lambda log lines. Saves the Microsoft.Extensions.Logging
/// package (and its configuration machinery) in the AOT binary, since there is exactly one destination.
/// </summary>
internal sealed class LambdaLoggerFactory(LambdaLoggerProvider provider) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => provider.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("Forcelink's Lambda logs go to one destination, the function's output.");

    public void Dispose() => provider.Dispose();
}
