using System.Globalization;
using Forcelink.Tests.Conformance;

namespace Forcelink.IntegrationTests.Conformance;

/// <summary>The emulator's replication resources (<c>updated</c>, <c>deleted</c>) against restforce's recorded answers.</summary>
public sealed class ReplicationShapeTests
{
    [ConformanceFact]
    public async Task UpdatedAndDeleted_SameShape()
    {
        await using var org = await ConformanceOrg.StartAsync();
        var ids = await org.AddAsync("Account", new { Name = "Kept" }, new { Name = "Gone" });
        var (deleteStatus, _) = await org.CallAsync(HttpMethod.Delete, $"sobjects/Account/{ids[1]}");
        var now = org.Emulator.Time.GetUtcNow();
        org.Emulator.Time.Advance(TimeSpan.FromMinutes(2));
        var window = $"?start={Uri.EscapeDataString(Format(now.AddHours(-1)))}&end={Uri.EscapeDataString(Format(now.AddMinutes(1)))}";

        var (updatedStatus, updated) = await org.CallAsync(HttpMethod.Get, "sobjects/Account/updated/" + window);
        var (deletedStatus, deleted) = await org.CallAsync(HttpMethod.Get, "sobjects/Account/deleted/" + window);

        Assert.Equal((204, 200, 200), (deleteStatus, updatedStatus, deletedStatus));
        ConformanceOrg.AssertShape(ConformanceCorpus.Restforce("sobject/get_updated_success_response"), updated);
        ConformanceOrg.AssertShape(ConformanceCorpus.Restforce("sobject/get_deleted_success_response"), deleted);
        Assert.Contains(ids[0], updated!["ids"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Equal([ids[1]], deleted!["deletedRecords"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$", deleted["latestDateCovered"]!.GetValue<string>());
    }

    private static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
