using System.Text.Json.Nodes;

namespace Forcelink.IntegrationTests.Emulator;

/// <summary><c>POST composite/tree/{T}</c>: nested records created all or nothing, answered as Salesforce documents.</summary>
public sealed class SObjectTreeTests
{
    private const string Tree = """
        {"records":[
          {"attributes":{"type":"Account","referenceId":"ref1"},"Name":"SampleAccount1","Industry":"Banking",
           "Contacts":{"records":[
             {"attributes":{"type":"Contact","referenceId":"ref2"},"LastName":"Smith","Title":"President"},
             {"attributes":{"type":"Contact","referenceId":"ref3"},"LastName":"Evans","Title":"Vice President"}]},
           "Cases":{"records":[{"attributes":{"type":"Case","referenceId":"ref5"},"Subject":"Printer"}]}},
          {"attributes":{"type":"Account","referenceId":"ref4"},"Name":"SampleAccount2"}]}
        """;

    [Fact]
    public async Task Tree_AccountsWithContactsAndCases_201ParentsFirst()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite/tree/Account", token, Tree);

        Assert.Equal(201, status);
        Assert.False((bool)body!["hasErrors"]!);
        var results = body["results"]!.AsArray();
        Assert.Equal(["ref1", "ref4", "ref2", "ref3", "ref5"], results.Select(r => (string)r!["referenceId"]!));
        Assert.All(results, r => Assert.Equal(["referenceId", "id"], r!.AsObject().Select(p => p.Key)));
        string Id(string reference) => (string)results.Single(r => (string?)r!["referenceId"] == reference)!["id"]!;

        var store = emulator.Host.Org.Store;
        Assert.Equal("SampleAccount1", store.Get(Id("ref1"))!.Value.Fields["Name"]);
        Assert.Equal(Id("ref1"), store.Get(Id("ref2"))!.Value.Fields["AccountId"]);
        Assert.Equal(Id("ref1"), store.Get(Id("ref3"))!.Value.Fields["AccountId"]);
        Assert.Equal(Id("ref1"), store.Get(Id("ref5"))!.Value.Fields["AccountId"]);
        Assert.StartsWith("500", Id("ref5"), StringComparison.Ordinal);
        Assert.Equal(1, emulator.Host.Org.ApiUsed);
    }

    [Fact]
    public async Task Tree_OneRecordInvalid_400NothingCreated()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite/tree/Account", token, Tree.Replace("\"LastName\":\"Evans\",", "", StringComparison.Ordinal));

        Assert.Equal(400, status);
        Assert.Equal(EmulatorFixture.Compact("""
            {"hasErrors":true,"results":[{"referenceId":"ref3","errors":[
              {"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [LastName]","fields":["LastName"]}]}]}
            """), body!.ToJsonString());
        Assert.Equal(0, emulator.Host.Org.Store.Count("Account", true) + emulator.Host.Org.Store.Count("Contact", true));
    }

    [Fact]
    public async Task Tree_DuplicateReferenceIds_OneResultForEach()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite/tree/Account", token, Tree.Replace("ref4", "ref1", StringComparison.Ordinal));

        Assert.Equal(400, status);
        Assert.Equal(EmulatorFixture.Compact("""
            {"hasErrors":true,"results":[
              {"referenceId":"ref1","errors":[{"statusCode":"INVALID_INPUT","message":"Duplicate ReferenceId provided in the request.","fields":[]}]},
              {"referenceId":"ref1","errors":[{"statusCode":"INVALID_INPUT","message":"Duplicate ReferenceId provided in the request.","fields":[]}]}]}
            """), body!.ToJsonString());
    }

    [Fact]
    public async Task Tree_UnknownRelationshipOrWrongType_400()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite/tree/Account", token, """
            {"records":[{"attributes":{"type":"Account","referenceId":"a"},"Name":"A","Contactz":{"records":[]}},
                        {"attributes":{"type":"Lead","referenceId":"b"},"LastName":"L"}]}
            """);
        Assert.Equal(400, status);
        Assert.Equal(EmulatorFixture.Compact("""
            {"hasErrors":true,"results":[
              {"referenceId":"a","errors":[{"statusCode":"INVALID_FIELD","message":"No such relation 'Contactz' on entity 'Account'","fields":[]}]},
              {"referenceId":"b","errors":[{"statusCode":"INVALID_INPUT","message":"The record's attributes.type is Lead, but records here must be Account.","fields":[]}]}]}
            """), body!.ToJsonString());
    }

    [Fact]
    public async Task Tree_Over200Records_400LimitExceeded()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var records = new JsonArray();
        for (var i = 0; i < 201; i++)
        {
            records.Add(new JsonObject { ["attributes"] = new JsonObject { ["type"] = "Account", ["referenceId"] = $"r{i}" }, ["Name"] = $"A{i}" });
        }

        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite/tree/Account", token, new JsonObject { ["records"] = records }.ToJsonString());
        Assert.Equal(400, status);
        Assert.Equal("LIMIT_EXCEEDED", (string?)body![0]!["errorCode"]);
        Assert.Equal(0, emulator.Host.Org.Store.Count("Account", true));
        Assert.Equal(404, (await emulator.CallAsync(HttpMethod.Post, "composite/tree/Acount", token, Tree)).Status);
        Assert.Equal(405, (await emulator.CallAsync(HttpMethod.Get, "composite/tree/Account", token)).Status);
    }
}
