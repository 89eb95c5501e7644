using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Forcelink.Cli;
using Forcelink.Cli.Commands;
using Forcelink.Csv;
using Forcelink.IntegrationTests.Fleet;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.IntegrationTests.Cli;

/// <summary><c>forcelink import/export --bulk</c> and <c>forcelink bulk ...</c> against the emulator's Bulk API 2.0.</summary>
public sealed partial class BulkCommandTests
{
    private static string Leads(int count, Func<int, string>? row = null)
    {
        var csv = new StringBuilder("LastName,Company,Email\r\n");
        for (var i = 0; i < count; i++)
        {
            csv.Append(row?.Invoke(i) ?? string.Create(CultureInfo.InvariantCulture, $"Lead{i:D5},Acme,lead{i}@example.com")).Append("\r\n");
        }

        return csv.ToString();
    }

    private static int Requests(CliOrg org, string method, string pathPart) =>
        org.Host.Org.RequestLog.Count(e => e.Method == method && e.Path.Contains(pathPart, StringComparison.Ordinal));

    [Fact]
    public async Task ImportBulk_WritesThroughAJob_AndFailedRowsGoToTheErrorsFileWithTheirJob()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), Leads(30, i => i == 7 ? ",Acme,nobody@example.com" : $"Lead{i},Acme,lead{i}@example.com"));

        var run = await org.RunAsync("import", "Lead", "leads.csv", "--bulk");

        Assert.True(run.ExitCode == ExitCodes.PartialFailure, run.ToString());
        Assert.Contains("Imported 29 of 30 Lead rows through Bulk API 2.0 (29 created, 0 updated); 1 failed, 0 unprocessed, 0 unknown.", run.Output);
        var jobId = JobId().Match(run.Output).Value;
        Assert.Contains($"Bulk job {jobId} started.", run.Error);
        var errors = await ReadCsvAsync(org.Session.PathOf("leads.errors.csv"));
        Assert.Equal(["Job", "Status", "ErrorCode", "ErrorMessage", "LastName", "Company", "Email"], errors[0]);
        Assert.Equal([jobId, "failed", "REQUIRED_FIELD_MISSING"], errors[1][..3]);
        Assert.Equal("nobody@example.com", errors[1][6]);
        var remaining = await ReadCsvAsync(org.Session.PathOf("leads.remaining.csv"));
        Assert.Equal([["LastName", "Company", "Email"], ["", "Acme", "nobody@example.com"]], remaining);
        Assert.Equal(0, Requests(org, "POST", "/composite/sobjects"));
        Assert.Equal(1, Requests(org, "PUT", "/batches"));
    }

    [Fact]
    public async Task Import_AboveTheRowThreshold_UsesBulkByDefault_AndNoBulkKeepsCollections()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), Leads(ImportCommand.BulkRowThreshold + 1));
        await File.WriteAllTextAsync(org.Session.PathOf("small.csv"), Leads(3));

        var big = await org.RunAsync("import", "Lead", "leads.csv", "--json");
        var small = await org.RunAsync("import", "Lead", "small.csv", "--json");

        Assert.True(big.ExitCode == ExitCodes.Success, big.ToString());
        var json = JsonNode.Parse(big.Output)!;
        Assert.Equal("bulk", json["api"]!.GetValue<string>());
        Assert.Equal(ImportCommand.BulkRowThreshold + 1, json["created"]!.GetValue<int>());
        Assert.Equal("JobComplete", json["jobs"]![0]!["state"]!.GetValue<string>());
        Assert.True(small.ExitCode == ExitCodes.Success, small.ToString());
        Assert.Null(JsonNode.Parse(small.Output)!["api"]);
        Assert.Equal(1, Requests(org, "POST", "/composite/sobjects"));
    }

    [Theory]
    [InlineData("LastName,Company\r\nDoe,Acme\r\n\"Roe,Beta\r\nPoe,Gamma\r\n", "line 3, column 1: a quoted field starts there and never ends")]
    [InlineData("LastName;Company\r\nDoe;Acme\r\n", "column 1 'LastName;Company' is not a field API name; the file looks semicolon-separated: add --delimiter semicolon")]
    [InlineData("LastName,Email\r\nDoe,doe@example.com\r\n", "there is no column for Company, which Lead requires on create")]
    [InlineData("LastName,Company,Colour__c\r\nDoe,Acme,red\r\n", "column 3 'Colour__c' is not a field of Lead")]
    [InlineData("LastName,Company\r\nDoe,Acme\r\nRoe,Beta,extra\r\n", "line 3, column 3: the row has 3 cells but the header has 2 columns")]
    public async Task ImportBulk_BadInput_IsRefusedNamingRowAndColumn_BeforeAnyJob(string csv, string message)
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), csv);

        var run = await org.RunAsync("import", "Lead", "leads.csv", "--bulk");

        Assert.True(run.ExitCode is ExitCodes.Usage or ExitCodes.Failure, run.ToString());
        Assert.Contains("nothing was imported", run.Error);
        Assert.Contains(message, run.Error);
        Assert.Equal(0, Requests(org, "POST", "/jobs/ingest"));
    }

    [Fact]
    public async Task ImportBulk_SemicolonFileWithDelimiterOption_Upserts()
    {
        await using var org = await CliOrg.StartAsync(ConfigureInvoices);
        await File.WriteAllTextAsync(org.Session.PathOf("invoices.csv"), "Number__c;Amount__c\r\nINV-1;12\r\n\"INV;2\";20\r\n");

        var first = await org.RunAsync("import", "Invoice__c", "invoices.csv", "--external-id", "Number__c", "--delimiter", "semicolon", "--bulk", "--json");
        var second = await org.RunAsync("import", "Invoice__c", "invoices.csv", "--external-id", "Number__c", "--delimiter", "semicolon", "--bulk", "--json");

        Assert.True(first.ExitCode == ExitCodes.Success, first.ToString());
        Assert.Equal(2, JsonNode.Parse(first.Output)!["created"]!.GetValue<int>());
        Assert.Equal(2, JsonNode.Parse(second.Output)!["updated"]!.GetValue<int>());
        Assert.Equal("upsert", JsonNode.Parse(second.Output)!["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task BulkListStatusResultsAndAbort_FollowAJobByItsId()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), Leads(5, i => i == 2 ? ",Acme,x@example.com" : $"Lead{i},Acme,lead{i}@example.com"));
        var import = await org.RunAsync("import", "Lead", "leads.csv", "--bulk");
        var jobId = JobId().Match(import.Output).Value;

        var list = await org.RunAsync("bulk", "list");
        var status = await org.RunAsync("bulk", "status", jobId);
        var json = await org.RunAsync("bulk", "status", jobId, "--json");
        var results = await org.RunAsync("bulk", "results", jobId, "--out", "results.csv");
        var abort = await org.RunAsync("bulk", "abort", jobId);
        var unknown = await org.RunAsync("bulk", "status", "7505e000000AbCdAAK");

        Assert.True(list.ExitCode == ExitCodes.Success, list.ToString());
        Assert.Contains($"{jobId}  insert     Lead    JobComplete", list.Output);
        Assert.Contains("State:      JobComplete", status.Output);
        Assert.Contains("Records:    5 processed: 4 succeeded, 1 failed", status.Output);
        Assert.Equal("JobComplete", JsonNode.Parse(json.Output)!["state"]!.GetValue<string>());
        Assert.True(results.ExitCode == ExitCodes.Success, results.ToString());
        Assert.Contains("Wrote 5 rows of ingest job", results.Output);
        var rows = await ReadCsvAsync(org.Session.PathOf("results.csv"));
        Assert.Equal(["sf__Result", "sf__Id", "sf__Created", "sf__Error", "LastName", "Company", "Email"], rows[0]);
        Assert.Equal(4, rows.Count(r => r[0] == "successful" && r[1].StartsWith("00Q", StringComparison.Ordinal) && r[2] == "true"));
        Assert.StartsWith("REQUIRED_FIELD_MISSING:", rows.Single(r => r[0] == "failed")[3], StringComparison.Ordinal);
        Assert.True(abort.ExitCode == ExitCodes.Failure, abort.ToString());
        Assert.Contains("has already finished (JobComplete)", abort.Error);
        Assert.True(unknown.ExitCode == ExitCodes.NotFound, unknown.ToString());
    }

    [Fact]
    public async Task ImportBulk_Interrupted_NamesTheJob_AndBulkStatusWaitFollowsItToTheEnd()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var org = await CliOrg.StartAsync((options, _) =>
        {
            options.TimeProvider = time;
            options.Org.Bulk.ProcessingTime = TimeSpan.FromMinutes(2);
        });
        org.Session.TimeProvider = time;
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), Leads(20));
        using var stop = new CancellationTokenSource();

        var running = org.Session.RunAsync(new StringWriter(), stop.Token, "import", "Lead", "leads.csv", "--bulk");
        while (Requests(org, "GET", "/jobs/ingest/") == 0)
        {
            Assert.False(running.IsCompleted, "the import ended before its job was polled");
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System));
        }

        await stop.CancelAsync();
        var interrupted = await running;
        var jobId = JobId().Match(interrupted.Error).Value;
        var wait = await TimePump.RunAsync(org.RunAsync("bulk", "status", jobId, "--wait"), time, TimeSpan.FromSeconds(5));
        var results = await org.RunAsync("bulk", "results", jobId, "--out", "-");

        Assert.True(interrupted.ExitCode == ExitCodes.Cancelled, interrupted.ToString());
        Assert.Contains($"The bulk job {jobId} run on in Salesforce: follow it with `forcelink bulk status {jobId} --wait`", interrupted.Error);
        Assert.True(wait.ExitCode == ExitCodes.Success, wait.ToString());
        Assert.Contains("State:      JobComplete", wait.Output);
        Assert.Contains("InProgress: 0 processed", wait.Error);
        Assert.Contains("Wrote 20 rows of ingest job", results.Error);
        Assert.Equal(21, (await new CsvReader(new StringReader(results.Output)).ReadAsync().ToListAsync()).Count);
    }

    [Fact]
    public async Task ExportBulk_WritesEveryRecordWithOneHeader_ToAFileOrStdout()
    {
        await using var org = await CliOrg.StartAsync((options, _) => options.Org.Bulk.QueryPageSize = 7);
        await File.WriteAllTextAsync(org.Session.PathOf("leads.csv"), Leads(20));
        Assert.Equal(ExitCodes.Success, (await org.RunAsync("import", "Lead", "leads.csv")).ExitCode);

        var toFile = await org.RunAsync("export", "SELECT Id, LastName, Email FROM Lead", "--out", "out.csv", "--bulk");
        var toStdout = await org.RunAsync("export", "SELECT LastName FROM Lead", "--out", "-", "--bulk");

        Assert.True(toFile.ExitCode == ExitCodes.Success, toFile.ToString());
        Assert.Contains("Exported 20 records to", toFile.Output);
        var rows = await ReadCsvAsync(org.Session.PathOf("out.csv"));
        Assert.Equal(["Id", "LastName", "Email"], rows[0]);
        Assert.Equal(21, rows.Count);
        Assert.Equal(20, rows.Skip(1).Select(r => r[1]).Distinct().Count());
        Assert.Contains("Exported 20 records through Bulk API 2.0.", toStdout.Error);
        Assert.Equal(21, toStdout.Output.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        // Pages of 7: three for each export.
        Assert.Equal(6, Requests(org, "GET", "/results"));
    }

    private static void ConfigureInvoices(Forcelink.Emulator.Hosting.EmulatorOptions options, string certificatePem) =>
        options.Org.CustomObjects.Add(new Forcelink.Emulator.Hosting.CustomObjectOptions
        {
            Name = "Invoice__c",
            Fields =
            [
                new Forcelink.Emulator.Hosting.CustomFieldOptions { Name = "Number__c", Type = "string", Length = 40, ExternalId = true },
                new Forcelink.Emulator.Hosting.CustomFieldOptions { Name = "Amount__c", Type = "currency" },
            ],
        });

    private static async Task<List<string[]>> ReadCsvAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        return [.. (await CsvReader.Open(stream).ReadAsync().ToListAsync()).Select(r => r.Fields.ToArray())];
    }

    [GeneratedRegex("750[A-Za-z0-9]{15}")]
    private static partial Regex JobId();
}
