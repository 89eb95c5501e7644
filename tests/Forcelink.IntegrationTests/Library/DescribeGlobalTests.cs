using Forcelink.Emulator.Hosting;
using Forcelink.IntegrationTests.Emulator;

namespace Forcelink.IntegrationTests.Library;

public sealed class DescribeGlobalTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task DescribeGlobalAsync_Emulator_ListsObjectsWithKeyPrefixesAndCapabilities()
    {
        await using var fixture = await ClientFixture.StartAsync();

        var global = await fixture.Client.DescribeGlobalAsync().WaitAsync(Timeout);

        Assert.Equal("UTF-8", global.Encoding);
        Assert.Equal(200, global.MaxBatchSize);
        var lead = global.Find("Lead")!;
        Assert.Equal(("00Q", "Leads", true, true, true, true), (lead.KeyPrefix, lead.LabelPlural, lead.Createable, lead.Queryable, lead.Replicateable, lead.Deletable));
        Assert.Equal("Case", global.FindByKeyPrefix("500")!.Name);
        Assert.True(global.Find("Invoice__c")!.Custom);
        Assert.Equal("ContentVersion", global.FindByKeyPrefix("068")!.Name);
        Assert.False(global.Find("Organization")!.Createable);
    }

    [Fact]
    public async Task DescribeGlobalAsync_Cached_UntilRefreshed()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var org = fixture.Emulator.Host.Org;

        await fixture.Client.DescribeGlobalAsync().WaitAsync(Timeout);
        await fixture.Client.DescribeGlobalAsync().WaitAsync(Timeout);
        await fixture.Client.DescribeGlobalAsync(refresh: true).WaitAsync(Timeout);

        Assert.Equal(2, org.RequestLog.Count(e => e.Path == $"/services/data/v{EmulatorFixture.ApiVersion}/sobjects"));
    }

    [Fact]
    public async Task DescribeGlobalAsync_ReadOnlyUser_SeesWhatItMayDo()
    {
        await using var fixture = await ClientFixture.StartAsync(options =>
            options.Org.Users.Add(new UserOptions { Username = "reader@example.com", Profile = "Read Only" }));
        fixture.Emulator.Host.Org.Options.Apps[0].Profiles.Add("Read Only");
        using var reader = fixture.CreateClient(username: "reader@example.com");

        var global = await reader.DescribeGlobalAsync().WaitAsync(Timeout);

        Assert.False(global.Find("Lead")!.Createable);
        Assert.True(global.Find("Lead")!.Queryable);
        Assert.Null(global.Find("Invoice__c"));
    }
}
