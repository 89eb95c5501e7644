using Forcelink.Cli;
using Forcelink.Emulator.Hosting;

namespace Forcelink.IntegrationTests.Cli;

/// <summary><c>forcelink import</c> checks the header against the object's describe before it sends anything.</summary>
public sealed class ImportColumnsTests
{
    [Fact]
    public async Task Import_UnknownAndReadOnlyColumns_AreAllListedWithLineOne_AndNothingIsSent()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), "LastName,Compnay,Company,CreatedDate\r\nDoe,x,Acme,2024-01-01T00:00:00Z\r\n");

        var run = await org.RunAsync("import", "Lead", "leads.csv");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains($"nothing was imported: the header of {org.Session.PathOf("leads.csv")} does not fit Lead (2 problems):", run.Error);
        Assert.Contains("- line 1 (the header): column 2 'Compnay' is not a field of Lead", run.Error);
        Assert.Contains("- line 1 (the header): column 4 'CreatedDate' cannot be set by this user on Lead records", run.Error);
        Assert.DoesNotContain(org.Host.Org.RequestLog, e => e.Method == "POST" && e.Path.Contains("/composite/", StringComparison.Ordinal));
        Assert.False(File.Exists(org.Session.PathOf("leads.remaining.csv")));
    }

    [Fact]
    public async Task Import_UpsertOnAFieldThatIsNotAnExternalId_IsRefusedBeforeSending()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), "Email,LastName,Company\r\ndoe@example.com,Doe,Acme\r\n");

        var run = await org.RunAsync("import", "Lead", "leads.csv", "--external-id", "Email");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains("column 1 'Email' is not an external id field, so it cannot be upserted on", run.Error);
        Assert.DoesNotContain(org.Host.Org.RequestLog, e => e.Path.Contains("/composite/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Import_UnknownObject_SaysSoAsAUsageError()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), "LastName\r\nDoe\r\n");

        var run = await org.RunAsync("import", "Leed", "leads.csv");

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Contains("'Leed' is not an object this user can see", run.Error);
    }

    [Fact]
    public async Task Import_CustomExternalIdAndWritableColumns_PassTheCheck()
    {
        await using var org = await CliOrg.StartAsync((options, _) =>
            options.Org.CustomFields["Lead"] = [new CustomFieldOptions { Name = "Ext_Id__c", ExternalId = true }]);
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), "Ext_Id__c,LastName,Company\r\nE-1,Doe,Acme\r\n");

        var run = await org.RunAsync("import", "Lead", "leads.csv", "--external-id", "Ext_Id__c");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
    }
}
