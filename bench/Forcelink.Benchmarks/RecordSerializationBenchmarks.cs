using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using Forcelink.Records;

namespace Forcelink.Benchmarks;

/// <summary>Reading and writing one Lead: Forcelink's records (which keep undeclared fields and track what was set) against a
/// plain source-generated POCO, the fastest System.Text.Json can do.</summary>
[MemoryDiagnoser]
public class RecordSerializationBenchmarks
{
    private const string Json = """{"attributes":{"type":"Lead","url":"/services/data/v62.0/sobjects/Lead/00Q5e00000AbCdEEAV"},"Id":"00Q5e00000AbCdEEAV","FirstName":"Jane","LastName":"Doe","Company":"Acme","Email":"jane.doe@example.com","Phone":"555-0100","Status":"Open - Not Contacted","NumberOfEmployees":250,"AnnualRevenue":1500000.0,"CreatedDate":"2026-11-06T17:38:40.000+0000","Ext_Id__c":"42"}""";

    [Benchmark(Description = "Forcelink: Lead round trip")]
    public string Forcelink()
    {
        var lead = JsonSerializer.Deserialize(Json, RecordJsonContext.Default.Lead)!;
        lead.Status = "Working - Contacted";
        return JsonSerializer.Serialize(lead, RecordJsonContext.Default.Lead);
    }

    // Records held their fields in a JsonObject until the second performance round; this is that object's round trip
    // alone, kept as the measure of what their own field store (RecordFields) saved.
    [Benchmark(Description = "JsonObject round trip (the records' storage)")]
    public string JsonObjectRoundTrip()
    {
        var json = JsonNode.Parse(Json)!.AsObject();
        json["Status"] = "Working - Contacted";
        return json.ToJsonString();
    }

    [Benchmark(Baseline = true, Description = "STJ source-generated POCO round trip")]
    public string Poco()
    {
        var lead = JsonSerializer.Deserialize(Json, PocoContext.Default.PocoLead)!;
        lead.Status = "Working - Contacted";
        return JsonSerializer.Serialize(lead, PocoContext.Default.PocoLead);
    }
}

public sealed class PocoLead
{
    public string? Id { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? Company { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    public string? Status { get; set; }

    public int? NumberOfEmployees { get; set; }

    public decimal? AnnualRevenue { get; set; }

    public string? CreatedDate { get; set; }

    [JsonPropertyName("Ext_Id__c")]
    public string? ExtId { get; set; }
}

[JsonSerializable(typeof(PocoLead))]
internal sealed partial class PocoContext : JsonSerializerContext;
