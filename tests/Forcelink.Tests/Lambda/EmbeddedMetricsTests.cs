using Forcelink.Lambda.Observability;
using Forcelink.Lambda.Runtime;
using Microsoft.Extensions.Time.Testing;
using Forcelink.Aws.Metrics;

namespace Forcelink.Tests.Lambda;

public sealed class EmbeddedMetricsTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 23, 6, 23, 123, TimeSpan.Zero);
    private readonly StringWriter _output = new();
    private readonly FakeTimeProvider _time = new(Now);
    private readonly CurrentInvocation _invocation = new();

    public void Dispose() => _output.Dispose();

    private EmbeddedMetrics CreateSut() => new(_output, _time, () => _invocation.RequestId);

    [Fact]
    public void Flush_OneMetricWithDimensions_ExactEmfLine()
    {
        var sut = CreateSut();
        _invocation.Begin(new InvocationContext("req-1", Now, null, null, _time));

        sut.Record(MetricNames.Latency, 12.5, MetricUnit.Milliseconds, ("Operation", "Create"), ("Object", "Lead"));
        sut.Flush();

        Assert.Equal(
            "{\"_aws\":{\"Timestamp\":" + Now.ToUnixTimeMilliseconds() + ",\"CloudWatchMetrics\":[{\"Namespace\":\"Forcelink\"," +
            "\"Dimensions\":[[\"Operation\",\"Object\"]],\"Metrics\":[{\"Name\":\"Latency\",\"Unit\":\"Milliseconds\"}]}]}," +
            "\"Operation\":\"Create\",\"Object\":\"Lead\",\"Latency\":12.5,\"requestId\":\"req-1\"}\n",
            _output.ToString());
    }

    [Fact]
    public void Flush_GroupsByDimensionsAndCollectsRepeatedValues()
    {
        var sut = CreateSut();

        sut.Record(MetricNames.Logins, 1, MetricUnit.Count);
        sut.Record(MetricNames.Latency, 10, MetricUnit.Milliseconds, ("Operation", "Get"));
        sut.Record(MetricNames.Latency, 30, MetricUnit.Milliseconds, ("Operation", "Get"));
        sut.Record(MetricNames.Retries, 2, MetricUnit.Count);
        sut.Flush();

        var ms = Now.ToUnixTimeMilliseconds();
        Assert.Equal(
            "{\"_aws\":{\"Timestamp\":" + ms + ",\"CloudWatchMetrics\":[{\"Namespace\":\"Forcelink\",\"Dimensions\":[[]]," +
            "\"Metrics\":[{\"Name\":\"Logins\",\"Unit\":\"Count\"},{\"Name\":\"Retries\",\"Unit\":\"Count\"}]}]},\"Logins\":1,\"Retries\":2}\n" +
            "{\"_aws\":{\"Timestamp\":" + ms + ",\"CloudWatchMetrics\":[{\"Namespace\":\"Forcelink\",\"Dimensions\":[[\"Operation\"]]," +
            "\"Metrics\":[{\"Name\":\"Latency\",\"Unit\":\"Milliseconds\"}]}]},\"Operation\":\"Get\",\"Latency\":[10,30]}\n",
            _output.ToString());
    }

    [Fact]
    public void Flush_Twice_SecondWritesNothing()
    {
        var sut = CreateSut();
        sut.Record(MetricNames.Invocations, 1, MetricUnit.Count);

        sut.Flush();
        var first = _output.ToString();
        sut.Flush();

        Assert.Equal(first, _output.ToString());
    }
}
