using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Records;

namespace Forcelink.Tests.Rest;

/// <summary>Records keep their fields as plain values and hand out nodes on demand: what a caller sees must be what a
/// JSON object holding the same fields showed.</summary>
public sealed class SObjectTests
{
    private const string LeadJson = """{"attributes":{"type":"Lead","url":"/services/data/v62.0/sobjects/Lead/00Q5e00000AbCdEEAV"},"Id":"00Q5e00000AbCdEEAV","LastName":"Doe","NumberOfEmployees":250,"AnnualRevenue":1500000.0,"Score__c":1.0E8,"Big__c":123456789012345678901234567890123,"IsConverted":false,"Email":null,"CreatedDate":"2026-11-06T17:38:40.000+0000","Owner":{"attributes":{"type":"User"},"Name":"Ann"}}""";

    [Fact]
    public void RoundTrip_KeepsEveryValueAsSalesforceWroteIt()
    {
        var lead = JsonSerializer.Deserialize(LeadJson, RecordJsonContext.Default.Lead)!;

        var json = JsonSerializer.Serialize(lead, RecordJsonContext.Default.Lead);

        Assert.Equal(
            """{"attributes":{"type":"Lead"},"Id":"00Q5e00000AbCdEEAV","LastName":"Doe","NumberOfEmployees":250,"AnnualRevenue":1500000.0,"Score__c":1.0E8,"Big__c":123456789012345678901234567890123,"IsConverted":false,"Email":null,"CreatedDate":"2026-11-06T17:38:40.000\u002B0000","Owner":{"attributes":{"type":"User"},"Name":"Ann"}}""",
            json);
    }

    [Fact]
    public void TypedGetters_ReadPlainValues()
    {
        var lead = JsonSerializer.Deserialize(LeadJson, RecordJsonContext.Default.Lead)!;

        Assert.Equal(250, lead.NumberOfEmployees);
        Assert.Equal(1500000.0m, lead.GetDecimal("AnnualRevenue"));
        Assert.Equal(100000000m, lead.GetDecimal("Score__c"));
        Assert.Equal("1.0E8", lead.GetString("Score__c"));
        Assert.Null(lead.GetDecimal("Big__c"));
        Assert.False(lead.GetBoolean("IsConverted"));
        Assert.Equal("false", lead.GetString("IsConverted"));
        Assert.True(lead.Has("Email"));
        Assert.Null(lead.Email);
        Assert.Equal(new DateTimeOffset(2026, 11, 6, 17, 38, 40, TimeSpan.Zero), lead.CreatedDate);
        Assert.Equal("Ann", lead.GetRelated("Owner")!.GetString("Name"));
        Assert.Equal(["Id", "LastName", "NumberOfEmployees", "AnnualRevenue", "Score__c", "Big__c", "IsConverted", "Email", "CreatedDate", "Owner"], lead.FieldNames);
    }

    [Fact]
    public void Indexer_GivesNodesThatReadAsParsedJsonDoes_AndTheSameNodeEachTime()
    {
        var lead = JsonSerializer.Deserialize(LeadJson, RecordJsonContext.Default.Lead)!;

        lead.Set("Seen__c", "2026-11-06T17:38:40Z");

        var created = lead["CreatedDate"]!;

        Assert.Same(created, lead["CreatedDate"]);
        Assert.True(lead["Seen__c"]!.AsValue().TryGetValue<DateTime>(out _));
        Assert.Equal(250, lead["NumberOfEmployees"]!.GetValue<int>());
        Assert.Equal("1.0E8", lead["Score__c"]!.ToJsonString());
        Assert.Equal("Doe", lead.LastName);
        Assert.Null(lead["Email"]);
        Assert.Null(lead["Missing__c"]);
    }

    [Fact]
    public void Indexer_ANodeOfAnotherRecord_IsCopiedNotShared()
    {
        var lead = JsonSerializer.Deserialize(LeadJson, RecordJsonContext.Default.Lead)!;
        var other = new SObject("Lead");

        other["Owner"] = lead["Owner"];
        other["Owner"]!["Name"] = "Bob";

        Assert.Equal("Ann", lead["Owner"]!["Name"]!.GetValue<string>());
        Assert.Equal("Bob", other["Owner"]!["Name"]!.GetValue<string>());
    }

    [Fact]
    public void SetAndRemove_KeepOrder_AndAWideRecordFindsEveryField()
    {
        var record = new SObject("Wide__c");
        for (var i = 0; i < 40; i++)
        {
            record.Set($"F{i}__c", i);
        }

        record.Set("F3__c", "three");
        Assert.True(record.Remove("F10__c"));
        Assert.False(record.Remove("F10__c"));
        record.Set("F10__c", 10.5m);

        Assert.Equal(40, record.FieldNames.Count());
        Assert.Equal("F10__c", record.FieldNames.Last());
        Assert.Equal("three", record.GetString("F3__c"));
        Assert.Equal(10.5m, record.GetDecimal("F10__c"));
        Assert.Equal(39, record.GetInt32("F39__c"));
        Assert.Equal(0, record.GetInt32("F0__c"));
        Assert.False(record.Has("F40__c"));
    }

    [Fact]
    public void ToJson_WritesFieldsWithoutAttributes()
    {
        var lead = new Lead { LastName = "O'Brien", Company = "Acme" };
        lead.Set("Active__c", true);
        lead.Set("Seats__c", 3);
        lead["Notes__c"] = JsonValue.Create("<b>");

        Assert.Equal("""{"LastName":"O\u0027Brien","Company":"Acme","Active__c":true,"Seats__c":3,"Notes__c":"\u003Cb\u003E"}""", lead.ToJson());
    }

    [Fact]
    public void Read_EscapedKeys_AreTheSameNames()
    {
        var record = JsonSerializer.Deserialize("""{"attributes":{"type":"Lead"},"Last\u004eame":"Doe"}""", RecordJsonContext.Default.SObject)!;

        Assert.Equal("Lead", record.ObjectName);
        Assert.Equal("Doe", record.GetString("LastName"));
    }

    [Fact]
    public void Read_RecordsOfOtherShapesOneAfterAnother_EachKeepsItsOwnNames()
    {
        var longName = "A" + new string('b', 90);
        string[] bodies =
        [
            """{"attributes":{"type":"Lead"},"Id":"00Q000000000001AAA","LastName":"Doe","Company":"Acme"}""",
            """{"attributes":{"type":"Case"},"Id":"500000000000001AAA","Subject":"Help","Company":"Acme","LastName":"Roe"}""",
            "{\"LastName\":\"Poe\",\"Id\":\"00Q000000000002AAA\",\"attributes\":{\"type\":\"Lead\"},\"Last\\u004eame2\":\"x\",\"" + longName + "\":1}",
            """{"attributes":{"type":"Lead"},"Id":"00Q000000000003AAA","LastNamf":"Typo","Company":"Acme"}""",
        ];

        var records = bodies.Select(b => JsonSerializer.Deserialize(b, RecordJsonContext.Default.SObject)!).ToArray();

        Assert.Equal(["Id", "LastName", "Company"], records[0].FieldNames);
        Assert.Equal(["Id", "Subject", "Company", "LastName"], records[1].FieldNames);
        Assert.Equal("Case", records[1].ObjectName);
        Assert.Equal(["LastName", "Id", "LastName2", longName], records[2].FieldNames);
        Assert.Equal(1, records[2].GetInt32(longName));
        Assert.Equal(["Id", "LastNamf", "Company"], records[3].FieldNames);
        Assert.Null(records[3].GetString("LastName"));
    }

    [Fact]
    public void Read_NoType_IsRefusedForAnUntypedRecord()
    {
        var error = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"LastName":"Doe"}""", RecordJsonContext.Default.SObject));

        Assert.Contains("attributes.type", error.Message, StringComparison.Ordinal);
    }
}
