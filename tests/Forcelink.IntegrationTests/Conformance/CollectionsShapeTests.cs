using Forcelink.Tests.Conformance;

namespace Forcelink.IntegrationTests.Conformance;

/// <summary>The emulator's sObject Collections answers against restforce's recorded ones (commit 8f65abe).</summary>
public sealed class CollectionsShapeTests
{
    private const string Fixtures = "restforce/historic/composite_8f65abe/";

    [ConformanceFact]
    public async Task CreateMany_SameShape()
    {
        await using var org = await ConformanceOrg.StartAsync();

        var (status, body) = await org.CallAsync(HttpMethod.Post, "composite/sobjects",
            new { allOrNone = false, records = new[] { new Dictionary<string, object> { ["attributes"] = new { type = "Account" }, ["Name"] = "Foobar" } } });

        Assert.Equal(200, status);
        ConformanceOrg.AssertShape(ConformanceCorpus.ReadJson(Fixtures + "composite_sobjects_success_response.json"), body);
    }

    [ConformanceFact]
    public async Task DeleteMany_SameShape()
    {
        await using var org = await ConformanceOrg.StartAsync();
        var id = (await org.AddAsync("Account", new { Name = "Foobar" }))[0];

        var (status, body) = await org.CallAsync(HttpMethod.Delete, $"composite/sobjects?ids={id}");

        Assert.Equal(200, status);
        ConformanceOrg.AssertShape(ConformanceCorpus.ReadJson(Fixtures + "composite_sobjects_destroy_success_response.json"), body);
    }

    [ConformanceFact]
    public async Task DeleteManyWithoutIds_SameError()
    {
        await using var org = await ConformanceOrg.StartAsync();

        var (status, body) = await org.CallAsync(HttpMethod.Delete, "composite/sobjects");

        ConformanceOrg.AssertError(ConformanceCorpus.ReadJson(Fixtures + "composite_sobjects_destroy_bad_request_response.json"), 400, status, body);
    }
}
