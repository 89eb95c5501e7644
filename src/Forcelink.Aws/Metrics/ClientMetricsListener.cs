using System.Diagnostics.Metrics;

namespace Forcelink.Aws.Metrics;

/// <summary>
/// Listens to the client's instruments on the <c>Forcelink</c> meter of one meter factory and hands
/// their totals since the last flush to the EMF writer: logins (each one of the user's 3,600 per hour), retries and the
/// org's API usage. The same figures reach OpenTelemetry users through the meter itself.
/// </summary>
internal sealed class ClientMetricsListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _logins;
    private long _retries;
    private long _apiUsageUsed = -1;
    private long _apiUsageLimit = -1;

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

    /// <summary>Records the totals since the last call, then starts counting again.</summary>
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
