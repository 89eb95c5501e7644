using Forcelink.Cli;

namespace Forcelink.IntegrationTests.Cli;

public sealed class EmulatorCommandTests
{
    [Fact]
    public async Task Emulator_PrintsWhatOrgEmulatorUses_ThenServesItUntilCancelled()
    {
        using var session = new CliSession();
        var output = new SignallingWriter("Certificate:");
        using var stop = new CancellationTokenSource();

        var running = session.RunAsync(output, stop.Token, "emulator", "--port", "0");
        await output.Signalled.WaitAsync(TimeSpan.FromSeconds(60));
        var login = await session.RunAsync("--org", "emulator", "login");
        var created = await session.RunAsync("--org", "emulator", "lead", "create", "--field", "LastName=Doe", "--field", "Company=Acme");
        await stop.CancelAsync();
        var run = await running;

        Assert.Contains("Consumer key: 3MVG9", output.ToString());
        Assert.Contains("forcelink/emulator/server.key", output.ToString());
        Assert.True(login.ExitCode == ExitCodes.Success, login.ToString());
        Assert.Contains("integration@forcelink.emulator", login.Output);
        Assert.True(created.ExitCode == ExitCodes.Success, created.ToString());
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("Emulator stopped.", output.ToString());
    }

    [Fact]
    public async Task Emulator_WithTheExampleSeed_KeepsOrgEmulatorAndAddsTheSeededFields()
    {
        using var session = new CliSession();
        session.Environment["FORCELINK_POLICY"] = """{"Lead":{"fields":["FirstName","LastName","Company","Email","Status","Ext_Id__c"]},"Case":{}}""";
        var output = new SignallingWriter("Certificate:");
        using var stop = new CancellationTokenSource();

        var running = session.RunAsync(output, stop.Token, "emulator", "--port", "0", "--seed", ExampleSeed);
        await output.Signalled.WaitAsync(TimeSpan.FromSeconds(60));
        var upserted = await session.RunAsync("--org", "emulator", "lead", "upsert", "--external-id-field", "Ext_Id__c", "--external-id", "42", "--field", "LastName=Doe", "--field", "Company=Acme", "--json");
        var again = await session.RunAsync("--org", "emulator", "lead", "upsert", "--external-id-field", "Ext_Id__c", "--external-id", "42", "--field", "Status=Working - Contacted", "--json");
        var seeded = await session.RunAsync("--org", "emulator", "query", "SELECT Ext_Id__c, LastName FROM Lead WHERE Ext_Id__c = 'L-1'");
        var invoices = await session.RunAsync("--org", "emulator", "query", "SELECT Number__c FROM Invoice__c");
        await stop.CancelAsync();
        var run = await running;

        Assert.True(upserted.ExitCode == ExitCodes.Success, upserted.ToString());
        Assert.Contains("\"created\":true", upserted.Output);
        Assert.True(again.ExitCode == ExitCodes.Success, again.ToString());
        Assert.Contains("\"created\":false", again.Output);
        Assert.True(seeded.ExitCode == ExitCodes.Success, seeded.ToString());
        Assert.Contains("Seeded", seeded.Output);
        Assert.Contains("INV-1", invoices.Output);
        Assert.Equal(ExitCodes.Success, run.ExitCode);
    }

    [Theory]
    [InlineData("{ \"users\": [ { \"username\": ", "not a valid seed file")]
    [InlineData("{ \"customFields\": { \"Nope\": [ { \"name\": \"X__c\", \"type\": \"string\" } ] } }", "Nope")]
    [InlineData("{ \"users\": [ { \"username\": \"integration@forcelink.emulator\" } ] }", "the user integration@forcelink.emulator is the user this command sets up")]
    public async Task Emulator_WithABadSeed_NamesTheFileAndTheProblem(string seed, string problem)
    {
        using var session = new CliSession();
        await File.WriteAllTextAsync(session.PathOf("seed.json"), seed);

        var run = await session.RunAsync("emulator", "--port", "0", "--seed", "seed.json");

        Assert.True(run.ExitCode == ExitCodes.ConfigInvalid, run.ToString());
        Assert.Contains($"seed {session.PathOf("seed.json")}: ", run.Error);
        Assert.Contains(problem, run.Error);
    }

    [Fact]
    public async Task Emulator_WithAMissingSeed_SaysSo()
    {
        using var session = new CliSession();

        var run = await session.RunAsync("emulator", "--port", "0", "--seed", "nowhere.json");

        Assert.True(run.ExitCode == ExitCodes.ConfigInvalid, run.ToString());
        Assert.Contains($"seed {session.PathOf("nowhere.json")}: the file does not exist.", run.Error);
    }

    internal static string ExampleSeed => Path.Combine(RepositoryPaths.Root, "docs", "examples", "emulator-seed.json");
}
