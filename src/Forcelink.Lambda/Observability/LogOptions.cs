using Microsoft.Extensions.Logging;

namespace Forcelink.Lambda.Observability;

/// <summary>Log format and level, as Lambda's advanced logging controls pass them (<c>AWS_LAMBDA_LOG_FORMAT</c>, <c>AWS_LAMBDA_LOG_LEVEL</c>).</summary>
internal sealed record LogOptions(LogFormat Format, LogLevel MinimumLevel)
{
    public static LogOptions Default { get; } = new(LogFormat.Json, LogLevel.Information);

    /// <summary>Reads the settings; unknown values fall back to the defaults, since logging must work before anything is validated.</summary>
    public static LogOptions FromEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        var format = getVariable("AWS_LAMBDA_LOG_FORMAT")?.Trim().ToUpperInvariant() switch
        {
            "TEXT" => LogFormat.Text,
            _ => LogFormat.Json,
        };
        var level = getVariable("AWS_LAMBDA_LOG_LEVEL")?.Trim().ToUpperInvariant() switch
        {
            "TRACE" => LogLevel.Trace,
            "DEBUG" => LogLevel.Debug,
            "WARN" or "WARNING" => LogLevel.Warning,
            "ERROR" => LogLevel.Error,
            "FATAL" or "CRITICAL" => LogLevel.Critical,
            _ => LogLevel.Information,
        };
        return new LogOptions(format, level);
    }

    /// <summary>The level names Lambda's JSON log filter understands.</summary>
    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        _ => "FATAL",
    };
}

internal enum LogFormat
{
    Json,
    Text,
}
