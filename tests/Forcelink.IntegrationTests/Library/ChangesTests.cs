using Forcelink.Records;

namespace Forcelink.IntegrationTests.Library;

/// <summary>Changes since a time: the updated and deleted windows on the emulator's clock.</summary>
public sealed class ChangesTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task GetUpdatedAndDeleted_Window_ReturnsWhatChangedInItOnly()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var client = fixture.Client;
        var time = fixture.Emulator.Time;
        var before = await client.CreateAsync(new Lead { LastName = "Before", Company = "Acme" }).WaitAsync(Timeout);
        time.Advance(TimeSpan.FromMinutes(10));
        var windowStart = time.GetUtcNow();
        var created = await client.CreateAsync(new Lead { LastName = "Created", Company = "Acme" }).WaitAsync(Timeout);
        await client.UpdateAsync(new Lead { Id = before, Company = "Globex" }).WaitAsync(Timeout);
        var doomed = await client.CreateAsync(new Lead { LastName = "Doomed", Company = "Acme" }).WaitAsync(Timeout);
        time.Advance(TimeSpan.FromMinutes(2));
        await client.DeleteAsync<Lead>(doomed).WaitAsync(Timeout);
        time.Advance(TimeSpan.FromMinutes(3));

        var updated = await client.GetUpdatedAsync("Lead", windowStart, time.GetUtcNow()).WaitAsync(Timeout);
        var deleted = await client.GetDeletedAsync("Lead", windowStart, time.GetUtcNow()).WaitAsync(Timeout);

        Assert.Equal([before, created], updated.Ids.Order());
        Assert.Equal(time.GetUtcNow(), updated.LatestDateCovered);
        var gone = Assert.Single(deleted.Records);
        Assert.Equal(doomed, gone.Id);
        Assert.Equal(windowStart.AddMinutes(2), gone.DeletedDate);
        Assert.Equal(time.GetUtcNow().AddDays(-15), deleted.EarliestDateAvailable);
    }

    [Fact]
    public async Task GetUpdatedAsync_WindowStartsBeforeThirtyDays_IsInvalidReplicationDate()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var now = fixture.Emulator.Time.GetUtcNow();

        var error = await Assert.ThrowsAsync<SalesforceException>(() => fixture.Client.GetUpdatedAsync("Lead", now.AddDays(-31), now).WaitAsync(Timeout));

        Assert.Equal((400, "INVALID_REPLICATION_DATE"), (error.StatusCode, error.ErrorCode));
        Assert.Contains("startDate before org replication enabled date", error.Message, StringComparison.Ordinal);
        Assert.Contains("30 days", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetUpdatedAsync_WindowEndsInTheFuture_CoversUpToTheCurrentMinute()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var now = fixture.Emulator.Time.GetUtcNow();
        fixture.Emulator.Time.Advance(TimeSpan.FromSeconds(30));
        var id = await fixture.Client.CreateAsync(new Lead { LastName = "Now", Company = "Acme" }).WaitAsync(Timeout);

        var updated = await fixture.Client.GetUpdatedAsync("Lead", now.AddHours(-1), now.AddHours(1)).WaitAsync(Timeout);
        fixture.Emulator.Time.Advance(TimeSpan.FromMinutes(1));
        var next = await fixture.Client.GetUpdatedAsync("Lead", updated.LatestDateCovered, now.AddHours(1)).WaitAsync(Timeout);

        // The current minute is not over, so it is not covered: its changes come again in the next window, which starts
        // at latestDateCovered. A sync applies a change twice rather than never.
        Assert.Equal(now, updated.LatestDateCovered);
        Assert.Contains(id, updated.Ids);
        Assert.Contains(id, next.Ids);
        Assert.Equal(now.AddMinutes(1), next.LatestDateCovered);
    }
}
