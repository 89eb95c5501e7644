using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Cli;

namespace Forcelink.IntegrationTests.Cli;

/// <summary><c>forcelink query</c>: counts, aggregates, queryAll, the three result formats, and rows written as pages arrive.</summary>
public sealed class QueryCommandTests
{
    [Fact]
    public async Task Query_CountWithoutAField_PrintsTheCountSalesforceReturnsAsTotalSize()
    {
        await using var org = await CliOrg.StartAsync(SeedLeads(3));

        var table = await org.RunAsync("query", "SELECT COUNT() FROM Lead");
        var json = await org.RunAsync("query", "select count() from Lead where Company = 'Acme'", "--json");

        Assert.True(table.ExitCode == ExitCodes.Success, table.ToString());
        Assert.Equal("Count: 3", table.Output.Trim());
        Assert.True(json.ExitCode == ExitCodes.Success, json.ToString());
        Assert.Equal(3, JsonNode.Parse(json.Output)!["totalSize"]!.GetValue<int>());
    }

    [Fact]
    public async Task Query_AggregateWithGroupBy_PrintsItsExprColumns()
    {
        await using var org = await CliOrg.StartAsync(SeedLeads(3));
        await org.RunAsync("lead", "create", "--field", "LastName=Roe", "--field", "Company=Initech");

        var run = await org.RunAsync("query", "SELECT Company, COUNT(Id) FROM Lead GROUP BY Company ORDER BY Company");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["Company  expr0", "-------  -----", "Acme     3", "Initech  1", "2 records."], lines);
    }

    [Fact]
    public async Task Query_AllRows_IncludesDeletedRecords()
    {
        await using var org = await CliOrg.StartAsync();
        var created = await org.RunAsync("lead", "create", "--field", "LastName=Gone", "--field", "Company=Acme", "--json");
        var id = JsonNode.Parse(created.Output)!["id"]!.GetValue<string>();
        await org.RunAsync("lead", "delete", "--id", id);

        var live = await org.RunAsync("query", "SELECT Id, LastName FROM Lead");
        var all = await org.RunAsync("query", "SELECT Id, LastName, IsDeleted FROM Lead", "--all-rows", "--result-format", "json");
        var count = await org.RunAsync("query", "SELECT COUNT() FROM Lead", "--all-rows");

        Assert.Equal("No records.", live.Output.Trim());
        Assert.True(all.ExitCode == ExitCodes.Success, all.ToString());
        var record = JsonNode.Parse(all.Output)!["records"]![0]!;
        Assert.Equal(id, record["Id"]!.GetValue<string>());
        Assert.True(record["IsDeleted"]!.GetValue<bool>());
        Assert.Equal("Count: 1", count.Output.Trim());
    }

    [Fact]
    public async Task Query_ResultFormatCsv_WritesRfc4180WithTheSelectListAsHeader()
    {
        await using var org = await CliOrg.StartAsync();
        await org.RunAsync("lead", "create", "--field", "LastName=Doe", "--field", "Company=Acme, Inc.");

        var run = await org.RunAsync("query", "SELECT LastName, Company, Owner.Name FROM Lead", "-r", "csv");
        var empty = await org.RunAsync("query", "SELECT LastName, Company FROM Lead WHERE LastName = 'Nobody'", "--result-format", "csv");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal("LastName,Company,Owner.Name\r\nDoe,\"Acme, Inc.\",Integration User\r\n", run.Output);
        Assert.Equal("LastName,Company\r\n", empty.Output);
    }

    [Fact]
    public async Task Query_JsonAndAnotherResultFormat_IsAUsageError()
    {
        await using var org = await CliOrg.StartAsync();

        var run = await org.RunAsync("query", "SELECT Id FROM Lead", "--json", "--result-format", "csv");
        var unknown = await org.RunAsync("query", "SELECT Id FROM Lead", "--result-format", "xml");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--json and --result-format csv", run.Error);
        Assert.Equal(ExitCodes.Usage, unknown.ExitCode);
    }

    [Fact]
    public async Task Query_EmptySoql_IsAUsageErrorWithoutParameterNames()
    {
        await using var org = await CliOrg.StartAsync();

        var run = await org.RunAsync("query", " ");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("The SOQL argument is empty", run.Error);
        Assert.DoesNotContain("(Parameter", run.Error);
    }

    [Theory]
    [InlineData("table")]
    [InlineData("csv")]
    [InlineData("json")]
    public async Task Query_TwoPages_WritesTheFirstPageBeforeAskingForTheSecond(string format)
    {
        await using var org = await CliOrg.StartAsync(SeedLeads(2100));
        var output = new StringWriter();
        using var transport = new PageWatcher(output);
        org.Session.Transport = transport;

        var run = await org.Session.RunAsync(output, CancellationToken.None, "query", "SELECT Id, LastName FROM Lead", "--result-format", format);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString()[..Math.Min(2000, run.ToString().Length)]);
        Assert.NotNull(transport.WrittenBeforeSecondPage);
        var rowsBefore = transport.WrittenBeforeSecondPage!.Split("Doe").Length - 1;
        Assert.True(rowsBefore >= 2000, $"{rowsBefore} rows written before the second page was asked for");
        if (format == "json")
        {
            Assert.Equal(2100, JsonNode.Parse(run.Output)!["totalSize"]!.GetValue<int>());
        }
        else
        {
            Assert.Contains("Doe2099", run.Output);
        }
    }

    [Fact]
    public async Task Query_Redirected_WritesPlainTextWithoutBoxCharacters()
    {
        await using var org = await CliOrg.StartAsync();
        await org.RunAsync("case", "create", "--field", "Subject=Plain", "--field", "Priority=High");

        var query = await org.RunAsync("query", "SELECT Subject, Priority FROM Case");
        var find = await org.RunAsync("case", "find", "--where", "Subject=Plain", "--fields", "Id,Subject");
        var id = find.Output.Split('\n')[2].Split(' ')[0];
        var get = await org.RunAsync("case", "get", "--id", id, "--fields", "Subject,Priority");

        foreach (var run in new[] { query, find, get })
        {
            Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
            Assert.DoesNotContain(run.Output, c => c is '│' or '─' or '╭' or '╰' or '┼' or '|');
        }

        Assert.StartsWith("Subject  Priority\n-------  --------\nPlain    High\n", query.Output.ReplaceLineEndings("\n"));
        Assert.Contains("Subject   Plain", get.Output);
    }

    [Fact]
    public async Task Query_Json_KeepsApostrophesReadable()
    {
        await using var org = await CliOrg.StartAsync();
        await org.RunAsync("lead", "create", "--field", "LastName=O'Brien", "--field", "Company=Café Zoë");

        var query = await org.RunAsync("query", "SELECT LastName, Company FROM Lead", "--json");
        var find = await org.RunAsync("lead", "find", "--where", "LastName=O'Brien", "--fields", "LastName,Company", "--json");

        Assert.Contains("\"LastName\":\"O'Brien\"", query.Output);
        Assert.Contains("\"Company\":\"Café Zoë\"", query.Output);
        Assert.Contains("\"LastName\":\"O'Brien\"", find.Output);
        Assert.DoesNotContain("\\u", query.Output + find.Output);
    }

    private static Action<Forcelink.Emulator.Hosting.EmulatorOptions, string> SeedLeads(int count) => (options, _) =>
        options.Org.Records["Lead"] = [.. Enumerable.Range(0, count).Select(i => JsonDocument.Parse($$"""{"LastName":"Doe{{i}}","Company":"Acme"}""").RootElement.Clone())];

    /// <summary>The real network, plus a look at what the command had written when it asked for the second page of a query.</summary>
    private sealed class PageWatcher(StringWriter output) : DelegatingHandler(new SocketsHttpHandler())
    {
        public string? WrittenBeforeSecondPage { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // The next page's URL is /query/<locator>-<offset>; the first one is /query?q=...
            if (request.RequestUri!.AbsolutePath.Contains("/query/", StringComparison.Ordinal))
            {
                WrittenBeforeSecondPage ??= output.ToString();
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
