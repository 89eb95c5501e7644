using System.Net;
using Forcelink.Records;

namespace Forcelink.Tests.Conformance;

/// <summary>Recorded describeGlobal and replication answers (restforce) read by the client.</summary>
public sealed class ReplicationConformanceTests : IDisposable
{
    private const string Fixtures = "restforce/spec/fixtures/sobject/";
    private readonly RecordedOrg _org = new();

    [ConformanceFact]
    public async Task Updated_IdsAndLatestDateCovered()
    {
        var fixture = ConformanceCorpus.Restforce("sobject/get_updated_success_response");
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "sobjects/Whizbang/updated/", _ => RecordedOrg.Reply(HttpStatusCode.OK, Fixtures + "get_updated_success_response.json"));

        var updated = await _org.Client().GetUpdatedAsync("Whizbang", _org.Time.GetUtcNow().AddDays(-2), _org.Time.GetUtcNow());

        Assert.Equal(fixture["ids"]!.AsArray().Select(i => i!.GetValue<string>()), updated.Ids);
        Assert.Equal(Date(fixture["latestDateCovered"]!.GetValue<string>()), updated.LatestDateCovered);
    }

    [ConformanceFact]
    public async Task Deleted_RecordsWithTheirDatesAndTheWindow()
    {
        var fixture = ConformanceCorpus.Restforce("sobject/get_deleted_success_response");
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "sobjects/Whizbang/deleted/", _ => RecordedOrg.Reply(HttpStatusCode.OK, Fixtures + "get_deleted_success_response.json"));

        var deleted = await _org.Client().GetDeletedAsync("Whizbang", _org.Time.GetUtcNow().AddDays(-2), _org.Time.GetUtcNow());

        Assert.Equal(
            fixture["deletedRecords"]!.AsArray().Select(r => (r!["id"]!.GetValue<string>(), Date(r["deletedDate"]!.GetValue<string>()))),
            deleted.Records.Select(r => (r.Id, r.DeletedDate)));
        Assert.Equal(Date(fixture["earliestDateAvailable"]!.GetValue<string>()), deleted.EarliestDateAvailable);
        Assert.Equal(Date(fixture["latestDateCovered"]!.GetValue<string>()), deleted.LatestDateCovered);
    }

    [ConformanceTheory]
    [InlineData("describe_sobjects_success_response")]
    [InlineData("list_sobjects_success_response")]
    public async Task DescribeGlobal_EveryObjectWithItsFlags(string name)
    {
        var fixture = ConformanceCorpus.Restforce("sobject/" + name);
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "sobjects", _ => RecordedOrg.Reply(HttpStatusCode.OK, Fixtures + name + ".json"));

        var global = await _org.Client().DescribeGlobalAsync();

        Assert.Equal(fixture["encoding"]!.GetValue<string>(), global.Encoding);
        Assert.Equal(fixture["maxBatchSize"]!.GetValue<int>(), global.MaxBatchSize);
        var objects = fixture["sobjects"]!.AsArray();
        Assert.Equal(objects.Count, global.Objects.Count);
        for (var i = 0; i < objects.Count; i++)
        {
            var expected = objects[i]!;
            var actual = global.Objects[i];
            Assert.Equal(
                (expected["name"]!.GetValue<string>(), expected["label"]!.GetValue<string>(), expected["keyPrefix"]?.GetValue<string>(), expected["custom"]!.GetValue<bool>()),
                (actual.Name, actual.Label, actual.KeyPrefix, actual.Custom));
            Assert.Equal(
                (expected["createable"]!.GetValue<bool>(), expected["updateable"]!.GetValue<bool>(), expected["deletable"]!.GetValue<bool>(), expected["queryable"]!.GetValue<bool>(),
                 expected["replicateable"]!.GetValue<bool>(), expected["triggerable"]!.GetValue<bool>(), expected["undeletable"]!.GetValue<bool>()),
                (actual.Createable, actual.Updateable, actual.Deletable, actual.Queryable, actual.Replicateable, actual.Triggerable, actual.Undeletable));
            Assert.Same(actual, global.Find(actual.Name));
            Assert.Same(actual, global.FindByKeyPrefix(actual.KeyPrefix!));
        }
    }

    private static DateTimeOffset Date(string text)
    {
        Assert.True(SalesforceDateTime.TryParse(text, out var value), text);
        return value;
    }

    public void Dispose() => _org.Dispose();
}
