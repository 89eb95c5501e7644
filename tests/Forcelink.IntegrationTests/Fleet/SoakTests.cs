using Forcelink.Fleet.Testing;

namespace Forcelink.IntegrationTests.Fleet;

/// <summary>The suite's soak: the small run of <see cref="SoakRun"/>; <c>bench/soak.sh</c> runs the full one.</summary>
public sealed class SoakTests(DynamoDbFixture dynamoDb) : IClassFixture<DynamoDbFixture>
{
    [Fact]
    public async Task Soak_FaultsKillsAndRevocations_EveryOperationTakesEffectExactlyOnce()
    {
        var result = await SoakRun.RunAsync(SoakSettings.Small, dynamoDb.Dynalite);

        Assert.True(result.Passed, result.ToMarkdown() + Environment.NewLine + string.Join(Environment.NewLine, result.Problems));
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.Duplicated);
        Assert.Equal(0, result.Unhandled);
        Assert.Equal(SoakSettings.Small.Revocations + 1, result.FleetLogins);

        // The run met what it is for: faults hit, containers died mid-batch, and messages came again.
        Assert.True(result.FaultsHit > 0 && result.Killed > 0 && result.Redeliveries > 0, result.ToMarkdown());
    }
}
