using System.Net;
using Forcelink.Records;

namespace Forcelink.Tests.Conformance;

/// <summary>Recorded sObject Collections answers (restforce, commit 8f65abe) read by the client.</summary>
public sealed class CollectionsConformanceTests : IDisposable
{
    private const string Fixtures = "restforce/historic/composite_8f65abe/";
    private const string AccountId = "001D000000INjVeIAH";
    private readonly RecordedOrg _org = new();

    [ConformanceFact]
    public async Task CreateMany_ResultsCarryTheIds()
    {
        var fixture = ConformanceCorpus.ReadJson(Fixtures + "composite_sobjects_success_response.json").AsArray();
        _org.Http.On(HttpMethod.Post, RecordedOrg.Data + "composite/sobjects", _ => RecordedOrg.Reply(HttpStatusCode.OK, Fixtures + "composite_sobjects_success_response.json"));
        var accounts = fixture.Select(_ => Account()).ToList();

        var results = await _org.Client().CreateManyAsync(accounts);

        Assert.Equal(fixture.Select(r => r!["id"]!.GetValue<string>()), results.Select(r => r.Id));
        Assert.All(results, r => Assert.True(r.IsSuccess));
        Assert.All(results, r => Assert.Empty(r.Errors));
        Assert.Equal(results.Select(r => r.Id), accounts.Select(a => a.Id));
    }

    [ConformanceFact]
    public async Task DeleteMany_ResultsCarryTheIds()
    {
        var fixture = ConformanceCorpus.ReadJson(Fixtures + "composite_sobjects_destroy_success_response.json").AsArray();
        _org.Http.On(HttpMethod.Delete, RecordedOrg.Data + "composite/sobjects", _ => RecordedOrg.Reply(HttpStatusCode.OK, Fixtures + "composite_sobjects_destroy_success_response.json"));

        var results = await _org.Client().DeleteManyAsync(fixture.Select(_ => AccountId));

        Assert.Equal(fixture.Select(r => (r!["id"]!.GetValue<string>(), r["success"]!.GetValue<bool>())), results.Select(r => (r.Id!, r.IsSuccess)));
    }

    [ConformanceFact]
    public async Task DeleteManyRefused_IsTheCallsError()
    {
        _org.Http.On(HttpMethod.Delete, RecordedOrg.Data + "composite/sobjects", _ => RecordedOrg.Reply(HttpStatusCode.BadRequest, Fixtures + "composite_sobjects_destroy_bad_request_response.json"));

        var error = await Assert.ThrowsAsync<SalesforceException>(() => _org.Client().DeleteManyAsync([AccountId]));

        RecordConformanceTests.AssertRefusal(error, 400, "composite_sobjects_destroy_bad_request_response", Fixtures);
    }

    [ConformanceFact]
    public async Task CreateManyRefusedWithOneErrorObject_IsThatError()
    {
        _org.Http.On(HttpMethod.Post, RecordedOrg.Data + "composite/sobjects", _ => RecordedOrg.Reply(HttpStatusCode.BadRequest, Fixtures + "composite_sobjects_error_response.json"));

        var error = await Assert.ThrowsAsync<SalesforceException>(() => _org.Client().CreateManyAsync([Account()]));

        RecordConformanceTests.AssertRefusal(error, 400, "composite_sobjects_error_response", Fixtures);
    }

    private static SObject Account()
    {
        var account = new SObject("Account");
        account.Set("Name", "Foobar");
        return account;
    }

    public void Dispose() => _org.Dispose();
}
