using BenchmarkDotNet.Attributes;
using Forcelink.Soql;

namespace Forcelink.Benchmarks;

/// <summary>Building a query with three bound values: Forcelink's interpolated-string binding against plain string
/// interpolation with a hand-written quote escape (the unsafe habit it replaces).</summary>
[MemoryDiagnoser]
public class SoqlBindingBenchmarks
{
    private readonly string _email = "o'brien@example.com";
    private readonly DateTimeOffset _since = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string[] _statuses = ["Open - Not Contacted", "Working - Contacted"];

    [Benchmark(Description = "Forcelink: bound SoqlQuery")]
    public string Forcelink() =>
        new SoqlQuery($"SELECT Id, Name FROM Lead WHERE Email = {_email} AND CreatedDate > {_since} AND Status IN {_statuses}").Text;

    [Benchmark(Baseline = true, Description = "string interpolation + Replace(\"'\")")]
    public string Concatenation() =>
        $"SELECT Id, Name FROM Lead WHERE Email = '{_email.Replace("'", "\\'", StringComparison.Ordinal)}' AND CreatedDate > {_since.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} AND Status IN ('{string.Join("','", _statuses)}')";
}
