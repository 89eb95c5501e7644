using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Cli;
using Forcelink.Emulator.Hosting;

namespace Forcelink.IntegrationTests.Cli;

/// <summary><c>forcelink api request</c> and <c>forcelink sobject list</c> against the emulator.</summary>
public sealed class ApiCommandTests
{
    private static void Echo(EmulatorOptions options, string _) =>
        options.Org.ApexRest.Add(new ApexRestOptions { UrlMapping = "/LeadIntake/*", Echo = true });

    [Fact]
    public async Task ApiRequest_DataPath_PrintsIndentedJson()
    {
        await using var org = await CliOrg.StartAsync();

        var run = await org.RunAsync("api", "request", "limits");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("\n  \"DailyApiRequests\": {", run.Output, StringComparison.Ordinal);
        Assert.NotNull(JsonNode.Parse(run.Output)!["DailyApiRequests"]!["Max"]);
    }

    [Fact]
    public async Task ApiRequest_ApexPostWithBodyAndHeader_ReachesTheService()
    {
        await using var org = await CliOrg.StartAsync(Echo);

        var run = await org.RunAsync("api", "request", "/services/apexrest/LeadIntake/web?source=cli", "--method", "POST",
            "--body", """{"email":"doe@example.com"}""", "--header", "X-Trace: 42", "--include");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.StartsWith("HTTP 200\n", run.Output.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("Sforce-Limit-Info: api-usage=", run.Output, StringComparison.Ordinal);
        var body = JsonNode.Parse(run.Output[run.Output.IndexOf('{', StringComparison.Ordinal)..])!;
        Assert.Equal("doe@example.com", (string?)body["requestBody"]!["email"]);
        Assert.Equal("cli", (string?)body["params"]!["source"]);
    }

    [Fact]
    public async Task ApiRequest_BodyFromFileAndStdin_AreSent()
    {
        await using var org = await CliOrg.StartAsync(Echo);
        await File.WriteAllTextAsync(org.Session.PathOf("lead.json"), """{"from":"file"}""");

        var file = await org.RunAsync("api", "request", "/services/apexrest/LeadIntake", "-X", "POST", "--body", "lead.json");
        org.Session.Input = """{"from":"stdin"}""";
        var stdin = await org.RunAsync("api", "request", "/services/apexrest/LeadIntake", "-X", "PUT", "--body", "-");

        Assert.True(file.ExitCode == ExitCodes.Success, file.ToString());
        Assert.Equal("file", (string?)JsonNode.Parse(file.Output)!["requestBody"]!["from"]);
        Assert.Equal(("stdin", "PUT"), ((string?)JsonNode.Parse(stdin.Output)!["requestBody"]!["from"], (string?)JsonNode.Parse(stdin.Output)!["httpMethod"]));
    }

    [Fact]
    public async Task ApiRequest_Refusals_ExitWithTheirCodes()
    {
        await using var org = await CliOrg.StartAsync(Echo);

        var notFound = await org.RunAsync("api", "request", "/services/apexrest/Nothing");
        var refused = await org.RunAsync("api", "request", "sobjects/Lead", "-X", "POST", "--body", """{"Company":"Acme"}""");
        var outside = await org.RunAsync("api", "request", "/services/oauth2/token");
        var notJson = await org.RunAsync("api", "request", "sobjects/Lead", "-X", "POST", "--body", "LastName=Doe");

        Assert.Equal(ExitCodes.NotFound, notFound.ExitCode);
        Assert.Contains("NOT_FOUND: Could not find a match for URL", notFound.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failure, refused.ExitCode);
        Assert.Contains("REQUIRED_FIELD_MISSING", refused.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, outside.ExitCode);
        Assert.Contains("outside the REST API", outside.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, notJson.ExitCode);
        Assert.StartsWith("error: --body is neither a file nor JSON", notJson.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiRequest_Out_StreamsTheBodyIntoAFile()
    {
        await using var org = await CliOrg.StartAsync();

        var run = await org.RunAsync("api", "request", "sobjects", "--out", "global.json");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal("", run.Output);
        using var saved = JsonDocument.Parse(await File.ReadAllTextAsync(org.Session.PathOf("global.json")));
        Assert.Equal(200, saved.RootElement.GetProperty("maxBatchSize").GetInt32());
    }

    [Fact]
    public async Task SObjectList_TableAndJsonAndCustomOnly()
    {
        await using var org = await CliOrg.StartAsync((options, _) =>
            options.Org.CustomObjects.Add(new CustomObjectOptions { Name = "Invoice__c", KeyPrefix = "a0X" }));

        var table = await org.RunAsync("sobject", "list");
        var custom = await org.RunAsync("sobject", "list", "--sobject", "custom", "--json");

        Assert.True(table.ExitCode == ExitCodes.Success, table.ToString());
        var lines = table.Output.Replace("\r", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Name", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("Lead ", StringComparison.Ordinal) && l.Contains(" 00Q ", StringComparison.Ordinal));
        Assert.Equal("10 objects.", lines[^1]);
        var objects = JsonNode.Parse(custom.Output)!.AsArray();
        Assert.Equal(("Invoice__c", "a0X"), ((string?)Assert.Single(objects)!["name"], (string?)objects[0]!["keyPrefix"]));
    }
}
