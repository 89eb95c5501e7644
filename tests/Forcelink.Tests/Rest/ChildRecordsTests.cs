using System.Net;
using Forcelink.Records;
using Forcelink.Soql;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.Rest;

public sealed class ChildRecordsTests : IDisposable
{
    private const string Data = "/services/data/v62.0/";

    // A child relationship Salesforce split: the first two children inline, the third behind the nested nextRecordsUrl.
    private const string SplitChildren = """
        {"totalSize":1,"done":true,"records":[{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001000000000001AAA"},
         "Id":"001000000000001AAA","Name":"Acme",
         "Parent":{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001000000000002AAA"},"Name":"Acme Group"},
         "Cases":{"totalSize":3,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01g000000000001AAA-2","records":[
           {"attributes":{"type":"Case","url":"/services/data/v62.0/sobjects/Case/500000000000001AAA"},"Id":"500000000000001AAA","CaseNumber":"00001000"},
           {"attributes":{"type":"Case","url":"/services/data/v62.0/sobjects/Case/500000000000002AAA"},"Id":"500000000000002AAA","CaseNumber":"00001001"}]},
         "Contacts":null}]}
        """;

    private const string RestOfTheCases = """
        {"totalSize":3,"done":true,"records":[
          {"attributes":{"type":"Case","url":"/services/data/v62.0/sobjects/Case/500000000000003AAA"},"Id":"500000000000003AAA","CaseNumber":"00001002"}]}
        """;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly StubHttpHandler _http = new();

    [Fact]
    public async Task GetChildren_SplitRelationship_HoldsTheInlineChildrenOnly()
    {
        var account = await QueryAccountAsync();

        Assert.Equal(["00001000", "00001001"], account.GetChildren<Case>("Cases").Select(c => c.CaseNumber));
        Assert.Single(_http.Requests);
    }

    [Fact]
    public async Task QueryChildrenAsync_SplitRelationship_FollowsTheNestedNextRecordsUrl()
    {
        using var client = CreateClient();
        var account = await QueryAccountAsync(client);

        var cases = await client.QueryChildrenAsync(account, "Cases").ToListAsync();

        Assert.Equal(["00001000", "00001001", "00001002"], cases.Select(c => c.GetString("CaseNumber")));
        Assert.Equal(Data + "query/01g000000000001AAA-2", _http.Requests[^1].Uri.AbsolutePath);
    }

    [Fact]
    public async Task GetChildren_NullRelationship_IsEmpty()
    {
        using var client = CreateClient();
        var account = await QueryAccountAsync(client);

        Assert.Empty(account.GetChildren("Contacts"));
        Assert.Empty(await client.QueryChildrenAsync(account, "Contacts").ToListAsync());
        Assert.Empty(account.GetChildren("Opportunities"));
        Assert.Single(_http.Requests);
    }

    [Fact]
    public async Task GetRelated_Typed_ReadsTheParent()
    {
        var account = await QueryAccountAsync();

        Assert.Equal("Acme Group", account.GetRelated<SObjectOf>("Parent")!.GetString("Name"));
        Assert.Null(account.GetRelated<SObjectOf>("Contacts"));
    }

    [Fact]
    public async Task ToWriteBody_ParentAndChildren_AreNeverSent()
    {
        var account = await QueryAccountAsync();

        var body = account.ToWriteBody();

        Assert.False(body.ContainsKey("Parent"));
        Assert.False(body.ContainsKey("Cases"));
        Assert.Equal("Acme", body["Name"]!.GetValue<string>());
    }

    private async Task<SObject> QueryAccountAsync(SalesforceClient? client = null)
    {
        using var owned = client is null ? CreateClient() : null;
        var records = await (client ?? owned!).QueryAsync(SoqlQuery.Raw("SELECT Name, Parent.Name, (SELECT CaseNumber FROM Cases), (SELECT Name FROM Contacts) FROM Account")).ToListAsync();
        return Assert.Single(records);
    }

    private SalesforceClient CreateClient()
    {
        _http.On(HttpMethod.Get, Data + "query/", _ => StubHttpHandler.Json(HttpStatusCode.OK, RestOfTheCases));
        _http.On(HttpMethod.Get, Data + "query", _ => StubHttpHandler.Json(HttpStatusCode.OK, SplitChildren));
        return new SalesforceClient(new FakeCredential(_time), new SalesforceClientOptions { ApiVersion = "62.0", TimeProvider = _time, Transport = _http });
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A typed record of any object, to exercise the typed accessors.</summary>
    private sealed class SObjectOf() : SObject("Account");
}
