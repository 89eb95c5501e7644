using Forcelink.Emulator.Hosting;

namespace Forcelink.IntegrationTests.Emulator;

/// <summary>The Organization object: one read-only record whose id is the org id (queried by the Salesforce CLI at login).</summary>
public sealed class OrganizationTests
{
    private const string CliQuery = "SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization";

    [Fact]
    public async Task Query_TheCliLoginQuery_ReturnsTheOrgsOwnRecord()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.Name = "Acme Corp");
        var token = await emulator.GetTokenAsync();

        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=" + Uri.EscapeDataString(CliQuery), token);

        Assert.Equal(200, status);
        Assert.Equal(1, (int?)body!["totalSize"]);
        var org = body["records"]![0]!;
        Assert.Equal($"/services/data/v62.0/sobjects/Organization/{emulator.Host.Org.OrgId}", (string?)org["attributes"]!["url"]);
        Assert.Equal("Acme Corp", (string?)org["Name"]);
        Assert.Equal("EMU1", (string?)org["InstanceName"]);
        Assert.False((bool?)org["IsSandbox"]);
        Assert.Null(org["TrialExpirationDate"]);
        Assert.Null(org["NamespacePrefix"]);
        Assert.Equal("Enterprise Edition", (string?)org["OrganizationType"]);
    }

    [Fact]
    public async Task Retrieve_SandboxOrg_IsSandboxWithSandboxInstance()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o => o.Org.Kind = OrgKind.Sandbox);
        using var login = await emulator.RequestTokenAsync(emulator.CreateAssertion(audience: "https://test.salesforce.com"));
        var token = (string)System.Text.Json.Nodes.JsonNode.Parse(await login.Content.ReadAsStringAsync())!["access_token"]!;

        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, $"sobjects/Organization/{emulator.Host.Org.OrgId15}", token);

        Assert.Equal(200, status);
        Assert.Equal(emulator.Host.Org.OrgId, (string?)body!["Id"]);
        Assert.True((bool?)body["IsSandbox"]);
        Assert.Equal("EMU1S", (string?)body["InstanceName"]);
        Assert.Equal(emulator.Host.Org.FindUser(EmulatorFixture.Username)!.Id, (string?)body["CreatedById"]);
        Assert.Null(body["IsDeleted"]);
    }

    [Fact]
    public async Task Writes_EvenAsAdministrator_AreRefused()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var id = emulator.Host.Org.OrgId;

        var (createStatus, create, _) = await emulator.CallAsync(HttpMethod.Post, "sobjects/Organization", token, new { Name = "Other" });
        var (updateStatus, update, _) = await emulator.CallAsync(HttpMethod.Patch, $"sobjects/Organization/{id}", token, new { Name = "Renamed" });
        var (deleteStatus, delete, _) = await emulator.CallAsync(HttpMethod.Delete, $"sobjects/Organization/{id}", token);
        var (_, describe, _) = await emulator.CallAsync(HttpMethod.Get, "sobjects/Organization/describe", token);

        Assert.Equal((403, "INSUFFICIENT_ACCESS_OR_READONLY"), (createStatus, (string?)create![0]!["errorCode"]));
        Assert.Equal((403, "INSUFFICIENT_ACCESS_OR_READONLY"), (updateStatus, (string?)update![0]!["errorCode"]));
        Assert.Equal((405, "METHOD_NOT_ALLOWED"), (deleteStatus, (string?)delete![0]!["errorCode"]));
        Assert.Equal((false, false, false, true, false), ((bool?)describe!["createable"], (bool?)describe["updateable"], (bool?)describe["deletable"], (bool?)describe["queryable"], (bool?)describe["searchable"]));
        Assert.Equal("Forcelink Emulator", emulator.Host.Org.Store.Get(id)!.Value.Fields["Name"]);
    }

    [Fact]
    public async Task Query_ReadOnlyUserAndAfterReset_StillSeesTheOrg()
    {
        await using var emulator = await EmulatorFixture.StartAsync(o =>
        {
            o.Org.Apps[0].Profiles.Add("Read Only");
            o.Org.Users.Add(new UserOptions { Username = "reader@example.com", Profile = "Read Only" });
        });
        emulator.Host.Org.Reset();
        var token = await emulator.GetTokenAsync("reader@example.com");

        var (status, body, _) = await emulator.CallAsync(HttpMethod.Get, "query?q=" + Uri.EscapeDataString("SELECT Id FROM Organization"), token);

        Assert.Equal(200, status);
        Assert.Equal(emulator.Host.Org.OrgId, (string?)body!["records"]![0]!["Id"]);
    }
}
