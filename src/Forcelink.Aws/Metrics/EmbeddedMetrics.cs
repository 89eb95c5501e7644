using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Forcelink.Aws.Metrics;

/// <summary>
/// Collects metrics during an invocation and writes them as CloudWatch Embedded Metric Format lines on flush:
/// one JSON line per dimension set, which Lambda's log pipeline turns into metrics without any API call. Thread-safe.
/// </summary>
/// <param name="output">Where the lines go: in Lambda, standard output (<see cref="Console.Out"/>).</param>
/// <param name="timeProvider">The clock of each line's timestamp.</param>
/// <param name="requestId">The invocation's request id, written with each line; by default none.</param>
/// <param name="metricNamespace">The CloudWatch namespace; by default <c>Forcelink</c>.</param>
public sealed class EmbeddedMetrics(TextWriter output, TimeProvider timeProvider, Func<string?>? requestId = null, string metricNamespace = EmbeddedMetrics.DefaultNamespace)
{
    /// <summary>The CloudWatch namespace used when none is given.</summary>
    public const string DefaultNamespace = "Forcelink";

    // EMF limits per directive and per metric value array.
    private const int MaxMetricsPerLine = 100;
    private const int MaxValuesPerMetric = 100;

    private readonly Lock _gate = new();
    private readonly List<MetricGroup> _groups = [];

    /// <summary>Records one value; values of the same metric and dimensions are written together.</summary>
    /// <param name="name">The metric name, such as <c>Latency</c>.</param>
    /// <param name="value">The value, in <paramref name="unit"/>.</param>
    /// <param name="unit">The CloudWatch unit.</param>
    /// <param name="dimensions">Dimension names and values, such as <c>("Operation", "Create"), ("Object", "Lead")</c>.</param>
    public void Record(string name, double value, MetricUnit unit, params ReadOnlySpan<(string Name, string Value)> dimensions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return;
        }

        lock (_gate)
        {
            MetricGroup? group = null;
            foreach (var candidate in _groups)
            {
                if (candidate.Matches(dimensions))
                {
                    group = candidate;
                    break;
                }
            }

            if (group is null)
            {
                group = new MetricGroup(dimensions);
                _groups.Add(group);
            }

            group.Add(name, unit, value);
        }
    }

    /// <summary>The client's instruments, whose totals each flush writes; <see langword="null"/> when there is no client yet.</summary>
    public ClientMetricsListener? Client { get; set; }

    /// <summary>Writes everything recorded since the last flush, then forgets it.</summary>
    public void Flush()
    {
        Client?.WriteTo(this);
        List<string> lines = [];
        lock (_gate)
        {
            var timestamp = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var group in _groups)
            {
                foreach (var chunk in group.Metrics.Chunk(MaxMetricsPerLine))
                {
                    lines.Add(FormatLine(timestamp, group.Dimensions, chunk));
                }
            }

            _groups.Clear();
        }

        foreach (var line in lines)
        {
            output.Write(line + "\n");
        }

        output.Flush();
    }

    private string FormatLine(long timestamp, (string Name, string Value)[] dimensions, Metric[] metrics)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", timestamp);
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", metricNamespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            foreach (var (name, _) in dimensions)
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var metric in metrics)
            {
                json.WriteStartObject();
                json.WriteString("Name", metric.Name);
                json.WriteString("Unit", UnitName(metric.Unit));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();

            foreach (var (name, value) in dimensions)
            {
                json.WriteString(name, value);
            }

            foreach (var metric in metrics)
            {
                if (metric.Values.Count == 1)
                {
                    json.WriteNumber(metric.Name, metric.Values[0]);
                }
                else
                {
                    json.WriteStartArray(metric.Name);
                    foreach (var value in metric.Values.Take(MaxValuesPerMetric))
                    {
                        json.WriteNumberValue(value);
                    }

                    json.WriteEndArray();
                }
            }

            if (requestId?.Invoke() is { } id)
            {
                json.WriteString("requestId", id);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string UnitName(MetricUnit unit) => unit switch
    {
        MetricUnit.Count => "Count",
        MetricUnit.Milliseconds => "Milliseconds",
        MetricUnit.Percent => "Percent",
        _ => "None",
    };

    private sealed class MetricGroup(ReadOnlySpan<(string Name, string Value)> dimensions)
    {
        public (string Name, string Value)[] Dimensions { get; } = [.. dimensions];

        public List<Metric> Metrics { get; } = [];

        public bool Matches(ReadOnlySpan<(string Name, string Value)> other) => Dimensions.AsSpan().SequenceEqual(other);

        public void Add(string name, MetricUnit unit, double value)
        {
            foreach (var (dimension, _) in Dimensions)
            {
                if (dimension == name)
                {
                    return;
                }
            }

            Metric? metric = null;
            foreach (var candidate in Metrics)
            {
                if (candidate.Name == name)
                {
                    metric = candidate;
                    break;
                }
            }

            if (metric is null)
            {
                metric = new Metric(name, unit);
                Metrics.Add(metric);
            }

            metric.Values.Add(value);
        }
    }

    private sealed class Metric(string name, MetricUnit unit)
    {
        public string Name { get; } = name;

        public MetricUnit Unit { get; } = unit;

        public List<double> Values { get; } = [];
    }
}

/// <summary>CloudWatch units used by Forcelink metrics; the names are written as they are.</summary>
public enum MetricUnit
{
    /// <summary>No unit.</summary>
    None,

    /// <summary>A count.</summary>
    Count,

    /// <summary>Milliseconds.</summary>
    Milliseconds,

    /// <summary>A percentage.</summary>
    Percent,
}

/// <summary>The metric names Forcelink writes.</summary>
internal static class MetricNames
{
    public const string Latency = "Latency";
    public const string Invocations = "Invocations";
    public const string InvocationErrors = "InvocationErrors";
    public const string Logins = "Logins";
    public const string Retries = "Retries";
    public const string ApiUsageUsed = "ApiUsageUsed";
    public const string ApiUsageMax = "ApiUsageMax";
    public const string CertificateDaysToExpiry = "CertificateDaysToExpiry";

    /// <summary>Poison SQS messages sent to the failure queue and so deleted from their own.</summary>
    public const string PoisonMessages = "PoisonMessages";

    /// <summary>Poison SQS messages the failure queue did not take: they stay failed items (alarm on it).</summary>
    public const string FailureQueueErrors = "FailureQueueErrors";
}
