using System.Text;
using System.Text.Json.Nodes;
using Forcelink.Cli;
using Forcelink.Emulator.Hosting;

namespace Forcelink.IntegrationTests.Cli;

public sealed class ImportExportTests
{
    [Fact]
    public async Task Import_CsvWithQuotesNewlinesAndBom_CreatesEveryRowInCollections()
    {
        await using var org = await CliOrg.StartAsync();
        var csv = new StringBuilder("\uFEFFLastName,Company,Description\r\n");
        for (var i = 0; i < 450; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"Doe{i},\"Acme, Inc.\",\"line one\nline \"\"two\"\"\"\r\n");
        }

        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), csv.ToString(), new UTF8Encoding(false));

        var run = await org.RunAsync("import", "Lead", "leads.csv");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("Imported 450 of 450 Lead rows (450 created", run.Output);
        Assert.Equal(3, org.Host.Org.RequestLog.Count(e => e.Method == "POST" && e.Path.Contains("/composite/sobjects", StringComparison.Ordinal)));
        var query = await org.RunAsync("query", "SELECT Description FROM Lead WHERE LastName = 'Doe7'", "--json");
        Assert.Equal("line one\nline \"two\"", JsonNode.Parse(query.Output)!["records"]![0]!["Description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Import_SomeRowsRejected_WritesErrorsFileAndExitsNonZero()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), "LastName,Company,NumberOfEmployees\r\nGood,Acme,5\r\n,NoName,7\r\nAlso good,Acme,#N/A\r\nBad,Acme,many\r\n");

        var run = await org.RunAsync("import", "Lead", "leads.csv");

        Assert.Equal(ExitCodes.PartialFailure, run.ExitCode);
        Assert.Contains("Imported 2 of 4", run.Output);
        Assert.Contains("2 failed", run.Output);
        var errors = await File.ReadAllLinesAsync(org.Session.PathOf("leads.errors.csv"));
        Assert.Equal("Line,Status,ErrorCode,ErrorMessage,LastName,Company,NumberOfEmployees", errors[0]);
        Assert.Equal(3, errors.Length);
        Assert.StartsWith("3,failed,REQUIRED_FIELD_MISSING,", errors[1]);
        Assert.StartsWith("5,failed,", errors[2]);
        Assert.Equal(["LastName,Company,NumberOfEmployees", ",NoName,7", "Bad,Acme,many"], await File.ReadAllLinesAsync(org.Session.PathOf("leads.remaining.csv")));
    }

    [Fact]
    public async Task Import_Upsert_OnExternalIdColumn_CreatesThenUpdates()
    {
        await using var org = await CliOrg.StartAsync((options, _) => options.Org.CustomObjects.Add(new CustomObjectOptions
        {
            Name = "Invoice__c",
            Fields = [new CustomFieldOptions { Name = "Number__c", ExternalId = true, Unique = true }, new CustomFieldOptions { Name = "Status__c" }],
        }));
        await File.WriteAllTextAsync(org.Session.PathOf("first.csv"), "Number__c,Status__c\r\nINV-1,Open\r\nINV-2,Open\r\n");
        await File.WriteAllTextAsync(org.Session.PathOf("second.csv"), "Number__c,Status__c\r\nINV-1,Paid\r\nINV-3,Open\r\n");

        var first = await org.RunAsync("import", "Invoice__c", "first.csv", "--external-id", "Number__c", "--json");
        var second = await org.RunAsync("import", "Invoice__c", "second.csv", "--external-id", "Number__c", "--json");

        Assert.True(first.ExitCode == ExitCodes.Success, first.ToString());
        Assert.Equal(2, JsonNode.Parse(first.Output)!["created"]!.GetValue<int>());
        Assert.True(second.ExitCode == ExitCodes.Success, second.ToString());
        var summary = JsonNode.Parse(second.Output)!;
        Assert.Equal(2, summary["succeeded"]!.GetValue<int>());
        Assert.Equal(1, summary["created"]!.GetValue<int>());
        var query = await org.RunAsync("query", "SELECT Status__c FROM Invoice__c WHERE Number__c = 'INV-1'", "--json");
        Assert.Equal("Paid", JsonNode.Parse(query.Output)!["records"]![0]!["Status__c"]!.GetValue<string>());
    }

    [Fact]
    public async Task Import_HeaderWithoutExternalIdColumn_IsAUsageError()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), "LastName,Company\r\nA,X\r\n");

        var run = await org.RunAsync("import", "Lead", "leads.csv", "--external-id", "External_Id__c");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("no 'External_Id__c' column", run.Error);
    }

    [Fact]
    public async Task Export_Query_WritesRfc4180CsvThatImportsBack()
    {
        await using var org = await CliOrg.StartAsync();
        await org.RunAsync("lead", "create", "--field", "LastName=Quote \"Q\"", "--field", "Company=Comma, Co");
        await org.RunAsync("lead", "create", "--field", "LastName=Plain", "--field", "Company=Solo");

        var run = await org.RunAsync("export", "SELECT LastName, Company FROM Lead ORDER BY LastName", "--out", "out.csv");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("Exported 2 records", run.Output);
        Assert.Equal("LastName,Company\r\nPlain,Solo\r\n\"Quote \"\"Q\"\"\",\"Comma, Co\"\r\n", await File.ReadAllTextAsync(org.Session.PathOf("out.csv")));

        var again = await org.RunAsync("export", "SELECT LastName FROM Lead", "--out", "out.csv");
        Assert.Equal(ExitCodes.Failure, again.ExitCode);
        Assert.Contains("--force", again.Error);
    }

    [Fact]
    public async Task Export_NoMatchingRecords_WritesTheHeaderFromTheSelectList()
    {
        await using var org = await CliOrg.StartAsync();

        var run = await org.RunAsync("export", "SELECT Id, Owner.Name FROM Lead WHERE LastName = 'Nobody'", "--out", "empty.csv");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal("Id,Owner.Name\r\n", await File.ReadAllTextAsync(org.Session.PathOf("empty.csv")));
    }

    [Fact]
    public async Task Import_MissingFile_IsNotFound()
    {
        await using var org = await CliOrg.StartAsync();

        var run = await org.RunAsync("import", "Lead", "nope.csv");

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.Contains("nope.csv", run.Error);
    }
}
