using System.Text.Json.Nodes;

namespace Forcelink.IntegrationTests.Emulator;

/// <summary>/composite/graph on the wire, against the shapes of recorded graph answers.</summary>
public sealed class CompositeGraphTests
{
    [Fact]
    public async Task Graph_Success_AnswersEachNodeAndIsSuccessful()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();

        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite/graph", token, """
            {"graphs":[{"graphId":"1","compositeRequest":[
              {"url":"/services/data/v62.0/sobjects/Account/","body":{"Name":"Cloudy Consulting"},"method":"POST","referenceId":"reference_id_account_1"},
              {"url":"/services/data/v62.0/sobjects/Contact/","body":{"FirstName":"Nellie","LastName":"Cashman","AccountId":"@{reference_id_account_1.id}"},"method":"POST","referenceId":"reference_id_contact_1"}]}]}
            """);

        Assert.Equal(200, status);
        var graph = body!["graphs"]![0]!;
        Assert.Equal(["graphId", "graphResponse", "isSuccessful"], graph.AsObject().Select(p => p.Key));
        Assert.True((bool?)graph["isSuccessful"]);
        var contact = graph["graphResponse"]!["compositeResponse"]![1]!;
        Assert.Equal(201, (int?)contact["httpStatusCode"]);
        Assert.StartsWith("/services/data/v62.0/sobjects/Contact/003", (string?)contact["httpHeaders"]!["Location"], StringComparison.Ordinal);
        var account = (string)graph["graphResponse"]!["compositeResponse"]![0]!["body"]!["id"]!;
        Assert.Equal(account, emulator.Host.Org.Store.Get((string)contact["body"]!["id"]!)!.Value.Fields["AccountId"]);
    }

    [Fact]
    public async Task Graph_NodeFails_GraphRolledBackOthersHalted_OtherGraphsKept()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();

        var (status, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite/graph", token, """
            {"graphs":[
              {"graphId":"bad","compositeRequest":[
                {"url":"/services/data/v62.0/sobjects/Account/","body":{"Name":"Rolled back"},"method":"POST","referenceId":"account"},
                {"url":"/services/data/v62.0/sobjects/Contact/","body":{"FirstName":"No last name"},"method":"POST","referenceId":"contact"},
                {"url":"/services/data/v62.0/sobjects/Case/","body":{"Subject":"Never run"},"method":"POST","referenceId":"case"}]},
              {"graphId":"good","compositeRequest":[
                {"url":"/services/data/v62.0/sobjects/Account/","body":{"Name":"Kept"},"method":"POST","referenceId":"account"}]}]}
            """);

        Assert.Equal(200, status);
        var bad = body!["graphs"]![0]!;
        Assert.False((bool?)bad["isSuccessful"]);
        var nodes = bad["graphResponse"]!["compositeResponse"]!.AsArray();
        Assert.Equal(["account", "contact", "case"], nodes.Select(n => (string?)n!["referenceId"]));
        Assert.All(nodes, n => Assert.Equal(400, (int?)n!["httpStatusCode"]));
        Assert.Equal(["PROCESSING_HALTED", "REQUIRED_FIELD_MISSING", "PROCESSING_HALTED"], nodes.Select(n => (string?)n!["body"]![0]!["errorCode"]));
        Assert.Equal("The transaction was rolled back since another operation in the same transaction failed.", (string?)nodes[0]!["body"]![0]!["message"]);
        Assert.True((bool?)body["graphs"]![1]!["isSuccessful"]);
        Assert.Equal(["Kept"], emulator.Host.Org.Store.Rows("Account", includeDeleted: false).Select(r => (string?)r["Name"]));
    }

    [Fact]
    public async Task Graph_ReferenceToAnotherGraph_FailsThatNode()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();

        var (_, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite/graph", token, """
            {"graphs":[
              {"graphId":"a","compositeRequest":[{"url":"/services/data/v62.0/sobjects/Account/","body":{"Name":"A"},"method":"POST","referenceId":"acc"}]},
              {"graphId":"b","compositeRequest":[{"url":"/services/data/v62.0/sobjects/Contact/","body":{"LastName":"B","AccountId":"@{acc.id}"},"method":"POST","referenceId":"con"}]}]}
            """);

        var node = body!["graphs"]![1]!["graphResponse"]!["compositeResponse"]![0]!;
        Assert.False((bool?)body["graphs"]![1]!["isSuccessful"]);
        Assert.StartsWith("Invalid reference specified.", (string?)node["body"]![0]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Graph_QueryNode_IsNotAGraphNode()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();

        var (_, body, _) = await emulator.CallAsync(HttpMethod.Post, "composite/graph", token, """
            {"graphs":[{"graphId":"q","compositeRequest":[{"url":"/services/data/v62.0/query?q=SELECT+Id+FROM+Lead","method":"GET","referenceId":"q1"}]}]}
            """);

        Assert.Equal("INVALID_INPUT", (string?)body!["graphs"]![0]!["graphResponse"]!["compositeResponse"]![0]!["body"]![0]!["errorCode"]);
    }

    [Fact]
    public async Task Graph_Limits_AndVersionsBefore50()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var graphs = new JsonArray([.. Enumerable.Range(0, 76).Select(i => (JsonNode?)new JsonObject
        {
            ["graphId"] = $"g{i}",
            ["compositeRequest"] = new JsonArray(new JsonObject { ["url"] = "/services/data/v62.0/sobjects/Account/", ["method"] = "POST", ["referenceId"] = "a", ["body"] = new JsonObject { ["Name"] = "x" } }),
        })]);

        var (tooMany, tooManyBody, _) = await emulator.CallAsync(HttpMethod.Post, "composite/graph", token, new JsonObject { ["graphs"] = graphs }.ToJsonString());
        var (old, _, _) = await emulator.CallAsync(HttpMethod.Post, "/services/data/v49.0/composite/graph", token, """{"graphs":[]}""");
        var (twice, twiceBody, _) = await emulator.CallAsync(HttpMethod.Post, "composite/graph", token, """
            {"graphs":[{"graphId":"x","compositeRequest":[]},{"graphId":"x","compositeRequest":[]}]}
            """);

        Assert.Equal((400, "LIMIT_EXCEEDED"), (tooMany, (string?)tooManyBody![0]!["errorCode"]));
        Assert.Equal(404, old);
        Assert.Equal((400, "INVALID_INPUT"), (twice, (string?)twiceBody![0]!["errorCode"]));
        Assert.Equal(0, emulator.Host.Org.Store.Count("Account", includeDeleted: true));
    }
}
