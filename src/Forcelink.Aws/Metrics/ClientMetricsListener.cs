using System.Diagnostics.Metrics;

namespace Forcelink.Aws.Metrics;

/// <summary>
/// Listens to the client's instruments on the <c>Forcelink</c> meter of one meter factory and hands
/// their totals since the last flush to the EMF writer: logins (each one of the user's 3,600 per hour), retries and the
/// org's API usage. The same figures reach OpenTelemetry users through the meter itself.
/// </summary>
public sealed class ClientMetricsListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _logins;
    private long _retries;
    private long _apiUsageUsed = -1;
    private long _apiUsageLimit = -1;

    /// <summary>Starts listening.</summary>
    /// <param name="scope">The meter factory given to the client as <see cref="SalesforceClientOptions.MeterFactory"/>; only its instruments are counted.</param>
    public ClientMetricsListener(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, scope) && instrument.Meter.Name == SalesforceClient.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>Records the totals since the last call (<c>Logins</c>, <c>Retries</c>, <c>ApiUsageUsed</c>, <c>ApiUsageMax</c>), then starts counting again.</summary>
    /// <param name="metrics">The writer to record them in.</param>
    public void WriteTo(EmbeddedMetrics metrics)
    {
        metrics.Record(MetricNames.Logins, Interlocked.Exchange(ref _logins, 0), MetricUnit.Count);
        metrics.Record(MetricNames.Retries, Interlocked.Exchange(ref _retries, 0), MetricUnit.Count);
        if (Interlocked.Read(ref _apiUsageUsed) is var used and >= 0 && Interlocked.Read(ref _apiUsageLimit) is var limit and >= 0)
        {
            metrics.Record(MetricNames.ApiUsageUsed, used, MetricUnit.Count);
            metrics.Record(MetricNames.ApiUsageMax, limit, MetricUnit.Count);
        }
    }

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
            case SalesforceClient.LoginsInstrument:
                Interlocked.Add(ref _logins, value);
                break;
            case SalesforceClient.RetriesInstrument:
                Interlocked.Add(ref _retries, value);
                break;
            case SalesforceClient.ApiUsageUsedInstrument:
                Interlocked.Exchange(ref _apiUsageUsed, value);
                break;
            case SalesforceClient.ApiUsageLimitInstrument:
                Interlocked.Exchange(ref _apiUsageLimit, value);
                break;
            default:
                break;
        }
    }
}
