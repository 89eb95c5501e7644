using System.Diagnostics.Metrics;
using Forcelink.Models;

namespace Forcelink;

/// <summary>
/// The instruments of one client on the <c>Forcelink</c> meter: from <see cref="SalesforceClientOptions.MeterFactory"/>
/// when given (so a host can listen to its own client only), else one meter shared by the process.
/// </summary>
internal sealed class ForcelinkMetrics
{
    private static readonly Meter SharedMeter = new(SalesforceClient.MeterName, ForcelinkInfo.Version);

    public ForcelinkMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(new MeterOptions(SalesforceClient.MeterName) { Version = ForcelinkInfo.Version }) ?? SharedMeter;
        Logins = meter.CreateCounter<long>(SalesforceClient.LoginsInstrument, "{login}",
            "Logins at the token endpoint by this process (a token read from a shared store is not one).");
        Retries = meter.CreateCounter<long>(SalesforceClient.RetriesInstrument, "{retry}", "Requests sent again after a transient failure.");
        Requests = meter.CreateCounter<long>(SalesforceClient.RequestsInstrument, "{request}", "REST requests answered by Salesforce, by method and status code.");
        ApiUsageUsed = meter.CreateGauge<long>(SalesforceClient.ApiUsageUsedInstrument, "{request}", "The org's API requests in the last 24 hours (Sforce-Limit-Info).");
        ApiUsageLimit = meter.CreateGauge<long>(SalesforceClient.ApiUsageLimitInstrument, "{request}", "The org's daily API request limit (Sforce-Limit-Info).");
    }

    public Counter<long> Logins { get; }

    public Counter<long> Retries { get; }

    public Counter<long> Requests { get; }

    public Gauge<long> ApiUsageUsed { get; }

    public Gauge<long> ApiUsageLimit { get; }

    public void RecordRequest(string method, int statusCode)
    {
        // The status code's tag is boxed: only when a listener collects the counter.
        if (Requests.Enabled)
        {
            Requests.Add(1, new KeyValuePair<string, object?>("http.request.method", method), new KeyValuePair<string, object?>("http.response.status_code", statusCode));
        }
    }

    public void RecordApiUsage(ApiUsage usage)
    {
        ApiUsageUsed.Record(usage.Used);
        ApiUsageLimit.Record(usage.Max);
    }
}
