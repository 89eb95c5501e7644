using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Forcelink.Lambda.Observability;

/// <summary>
/// Writes one log event per line on the function's output: a JSON object in Lambda's JSON log format
/// (<c>timestamp</c>, <c>level</c>, <c>message</c>, <c>requestId</c>, then fields), or a tab-separated text line.
/// Each newline starts a new CloudWatch event, so nothing written here ever spans lines. Every string is masked.
/// </summary>
internal sealed class LogLineWriter(TextWriter output, LogOptions options, TimeProvider timeProvider, CurrentInvocation invocation)
{
    private static readonly HashSet<string> ReservedNames = new(StringComparer.Ordinal)
    {
        "timestamp", "level", "message", "requestId", "traceId", "logger", "errorType", "errorMessage", "stackTrace",
    };

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Log lines are read by people and CloudWatch, never embedded in HTML: keep quotes and non-ASCII readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Lock _gate = new();

    public LogOptions Options { get; } = options;

    public bool IsEnabled(LogLevel level) => level != LogLevel.None && level >= Options.MinimumLevel;

    public void Write(
        LogLevel level,
        string? category,
        string message,
        Exception? exception = null,
        IEnumerable<KeyValuePair<string, object?>>? fields = null)
    {
        if (!IsEnabled(level))
        {
            return;
        }

        var line = Options.Format == LogFormat.Json
            ? FormatJson(level, category, message, exception, fields)
            : FormatText(level, message, exception);
        lock (_gate)
        {
            // One write per line, so nothing written concurrently can land inside it.
            output.Write(line + "\n");
            output.Flush();
        }
    }

    private string Timestamp() =>
        timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private string FormatJson(
        LogLevel level, string? category, string message, Exception? exception, IEnumerable<KeyValuePair<string, object?>>? fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", Timestamp());
            json.WriteString("level", LogOptions.LevelName(level));
            json.WriteString("message", SecretMask.Apply(message));
            if (invocation.RequestId is { } requestId)
            {
                json.WriteString("requestId", requestId);
            }

            if (invocation.TraceId is { } traceId)
            {
                json.WriteString("traceId", traceId);
            }

            if (!string.IsNullOrEmpty(category))
            {
                json.WriteString("logger", category);
            }

            foreach (var (name, value) in fields ?? [])
            {
                if (name == "{OriginalFormat}" || ReservedNames.Contains(name))
                {
                    continue;
                }

                WriteField(json, name, value);
            }

            if (exception is not null)
            {
                json.WriteString("errorType", exception.GetType().Name);
                json.WriteString("errorMessage", SecretMask.Apply(exception.Message));
                json.WriteStartArray("stackTrace");
                foreach (var frame in Runtime.ErrorReport.StackFrames(exception))
                {
                    json.WriteStringValue(frame);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteField(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case bool b:
                json.WriteBoolean(name, b);
                break;
            case int or long or short or byte or uint or ulong or ushort or sbyte:
                json.WriteNumber(name, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                json.WriteNumber(name, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case TimeSpan span:
                json.WriteNumber(name, span.TotalMilliseconds);
                break;
            case DateTimeOffset moment:
                json.WriteString(name, moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteString(name, SecretMask.Apply(Convert.ToString(value, CultureInfo.InvariantCulture)));
                break;
        }
    }

    private string FormatText(LogLevel level, string message, Exception? exception)
    {
        var text = new StringBuilder()
            .Append(Timestamp()).Append('\t')
            .Append(invocation.RequestId ?? "-").Append('\t')
            .Append(LogOptions.LevelName(level)).Append('\t')
            .Append(SecretMask.Apply(message));
        if (exception is not null)
        {
            text.Append('\t').Append(exception.GetType().Name).Append(": ").Append(SecretMask.Apply(exception.Message));
            foreach (var frame in Runtime.ErrorReport.StackFrames(exception))
            {
                text.Append(" | ").Append(frame);
            }
        }

        // A carriage return keeps a multi-line message in one CloudWatch event and still displays as a break.
        return text.Replace("\r\n", "\r").Replace('\n', '\r').ToString();
    }
}
