using System.Buffers;
using System.Text.Json;
using Forcelink.Lambda.Observability;
using Forcelink.Lambda.Runtime;
using Microsoft.Extensions.Logging;

namespace Forcelink.Lambda;

/// <summary>
/// THE SEAM for the operation layer: turns one event into one response with the shared <see cref="SalesforceClient"/>.
/// Until the event-to-operation adapters land, it answers every event with a 501 result. The integrator replaces the body
/// of <see cref="HandleAsync"/> (keeping its signature, which is <see cref="InvocationHandler"/>): parse the event into an
/// OperationRequest, run the OperationHandler, record <see cref="MetricNames.Latency"/> per Operation/Object, and serialize
/// the OperationResult. Unexpected exceptions should propagate: the runtime reports them as invocation errors.
/// </summary>
internal sealed partial class FunctionHandler(SalesforceClient client, EmbeddedMetrics metrics, ILogger<FunctionHandler> logger)
{
    private int _loginsSeen;

    public Task<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> eventJson, InvocationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        LogReceived(logger, eventJson.Length, context.RemainingTime.TotalMilliseconds);

        var body = NotImplementedYet(context.RequestId);
        RecordLogins();
        return Task.FromResult(body);
    }

    /// <summary>Logins since the last invocation: each is one of the user's 3,600 hourly Salesforce logins.</summary>
    private void RecordLogins()
    {
        var logins = client.LoginCount;
        metrics.Record(MetricNames.Logins, logins - _loginsSeen, MetricUnit.Count);
        _loginsSeen = logins;
    }

    private static ReadOnlyMemory<byte> NotImplementedYet(string requestId)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBoolean("ok", false);
            json.WriteNumber("statusCode", 501);
            json.WriteStartArray("errors");
            json.WriteStringValue("This Forcelink function does not handle events yet: the operation layer is not integrated in this build.");
            json.WriteEndArray();
            json.WriteString("requestId", requestId);
            json.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Event of {Bytes} bytes received; {RemainingMs} ms left")]
    private static partial void LogReceived(ILogger logger, int bytes, double remainingMs);
}
