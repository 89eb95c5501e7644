using Forcelink.Records;
using Forcelink.Models;

namespace Forcelink.IntegrationTests.Library;

public sealed class CompositeGraphTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SendCompositeGraphAsync_LeadWithItsCase_SavedTogetherWithReferences()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var graph = new CompositeGraph("intake1")
            .Create("NewAccount", new SObject("Account") { ["Name"] = "Acme" })
            .Create("NewContact", new SObject("Contact") { ["LastName"] = "Doe", ["AccountId"] = CompositeRequest.Reference("NewAccount") })
            .Create("NewCase", new Case { Subject = "Onboarding", ContactId = CompositeRequest.Reference("NewContact") })
            .Get("ReadCase", "Case", CompositeRequest.Reference("NewCase"), "CaseNumber", "ContactId");

        var result = await fixture.Client.SendCompositeGraphAsync(graph).WaitAsync(Timeout);

        Assert.True(result.IsSuccessful);
        Assert.Equal("intake1", result.GraphId);
        Assert.All(result.Results.Take(3), r => Assert.Equal(201, r.StatusCode));
        Assert.Equal(result["NewContact"]!.Id, (string?)result["ReadCase"]!.Body!["ContactId"]);
        Assert.Equal("00001000", (string?)result["ReadCase"]!.Body!["CaseNumber"]);
    }

    [Fact]
    public async Task SendCompositeGraphsAsync_OneGraphFails_OnlyThatGraphIsRolledBack()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var good = new CompositeGraph("good").Create("Lead1", new Lead { LastName = "Kept", Company = "Acme" });
        var bad = new CompositeGraph("bad")
            .Create("Lead2", new Lead { LastName = "Rolled back", Company = "Acme" })
            .Create("Lead3", new Lead { Company = "No last name" })
            .Create("Lead4", new Lead { LastName = "Never run", Company = "Acme" });

        var results = await fixture.Client.SendCompositeGraphsAsync([good, bad]).WaitAsync(Timeout);

        Assert.True(results[0].IsSuccessful);
        Assert.False(results[1].IsSuccessful);
        Assert.Equal("REQUIRED_FIELD_MISSING", Assert.Single(results[1].Errors).ErrorCode);
        Assert.Equal(["PROCESSING_HALTED", "REQUIRED_FIELD_MISSING", "PROCESSING_HALTED"], results[1].Results.Select(r => r.Errors[0].ErrorCode));
        Assert.Equal(["Kept"], fixture.Emulator.Host.Org.Store.Rows("Lead", includeDeleted: false).Select(r => (string?)r["LastName"]));
    }
}
