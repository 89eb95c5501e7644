using System.Text.Json.Nodes;
using Forcelink.Cli;

namespace Forcelink.IntegrationTests.Cli;

public sealed class RecordCommandTests
{
    [Fact]
    public async Task Lead_CreateFindUpdateGetDelete_BehaveAsTheOperationHandler()
    {
        await using var org = await CliOrg.StartAsync();

        var created = await org.RunAsync("lead", "create", "--field", "LastName=Doe", "--field", "Company=Acme, Inc.", "--field", "Email=doe@example.com", "--field", "NumberOfEmployees:=42", "--json");
        Assert.True(created.ExitCode == ExitCodes.Success, created.ToString());
        var id = JsonNode.Parse(created.Output)!["id"]!.GetValue<string>();
        Assert.Equal("""{"ok":true,"statusCode":201,"id":"ID"}""", created.Output.Trim().Replace(id, "ID", StringComparison.Ordinal));

        var found = await org.RunAsync("lead", "find", "--where", "Email=doe@example.com", "--fields", "Id,LastName,Company,NumberOfEmployees");
        Assert.True(found.ExitCode == ExitCodes.Success, found.ToString());
        Assert.Contains(id, found.Output);
        Assert.Contains("Acme, Inc.", found.Output);
        Assert.Contains("42", found.Output);
        Assert.Contains("1 record.", found.Output);

        var updated = await org.RunAsync("lead", "update", "--id", id, "--field", "Status=Working - Contacted");
        Assert.True(updated.ExitCode == ExitCodes.Success, updated.ToString());
        Assert.Contains($"Updated Lead {id}", updated.Output);

        var got = await org.RunAsync("lead", "get", "--id", id, "--fields", "Id,Status", "--json");
        Assert.Equal("Working - Contacted", JsonNode.Parse(got.Output)!["record"]!["Status"]!.GetValue<string>());

        var deleted = await org.RunAsync("lead", "delete", "--id", id);
        Assert.Equal(ExitCodes.Success, deleted.ExitCode);

        var gone = await org.RunAsync("lead", "get", "--id", id, "--json");
        Assert.Equal(ExitCodes.NotFound, gone.ExitCode);
        Assert.False(JsonNode.Parse(gone.Output)!["ok"]!.GetValue<bool>());
        Assert.StartsWith("error: ", gone.Error);
    }

    [Fact]
    public async Task Case_UpsertOnAFieldThatIsNotAnExternalId_ExitsNotFoundWithTheHandlersAnswer()
    {
        await using var org = await CliOrg.StartAsync();

        var run = await org.RunAsync("case", "upsert", "--external-id-field", "SuppliedEmail", "--external-id", "jane@example.com", "--field", "Subject=Broken", "--json");

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        var answer = JsonNode.Parse(run.Output)!;
        Assert.Equal(404, answer["statusCode"]!.GetValue<int>());
        Assert.Contains("NOT_FOUND", run.Error);
    }

    [Fact]
    public async Task Case_UpsertWithoutExternalId_IsAUsageError()
    {
        await using var org = await CliOrg.StartAsync();

        var run = await org.RunAsync("case", "upsert", "--field", "Subject=Broken");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--external-id", run.Error);
    }

    [Fact]
    public async Task Lead_FieldNotAllowedByPolicy_IsRefusedLikeTheLambda()
    {
        await using var org = await CliOrg.StartAsync();

        var run = await org.RunAsync("lead", "create", "--field", "LastName=Doe", "--field", "Secret__c=x", "--json");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        var answer = JsonNode.Parse(run.Output)!;
        Assert.Equal(403, answer["statusCode"]!.GetValue<int>());
        Assert.Equal("FORBIDDEN", answer["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Query_RawSoql_ShowsRecordsAsJson()
    {
        await using var org = await CliOrg.StartAsync();
        await org.RunAsync("lead", "create", "--field", "LastName=Roe", "--field", "Company=Initech");

        var run = await org.RunAsync("query", "SELECT Id, LastName, Company FROM Lead WHERE Company = 'Initech'", "--json");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var json = JsonNode.Parse(run.Output)!;
        Assert.Equal(1, json["totalSize"]!.GetValue<int>());
        Assert.Equal("Roe", json["records"]![0]!["LastName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Login_AgainstEmulator_ShowsIdentityAndUsageButNeverTheToken()
    {
        await using var org = await CliOrg.StartAsync();

        var run = await org.RunAsync("login");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("Org id:       00D", run.Output);
        Assert.Contains("User id:      005", run.Output);
        Assert.Contains("Scopes:       api", run.Output);
        Assert.Contains("daily requests", run.Output);
        Assert.DoesNotContain("!", run.Output);
    }

    [Fact]
    public async Task Login_UserNotPreAuthorized_ExitsAuthFailedWithExplanation()
    {
        await using var org = await CliOrg.StartAsync((options, _) => options.Org.Apps[0].Profiles.Clear());

        var run = await org.RunAsync("login");

        Assert.Equal(ExitCodes.AuthFailed, run.ExitCode);
        Assert.Contains("pre-authorized", run.Error);
        Assert.DoesNotContain("   at ", run.Error);

        var verbose = await org.RunAsync("login", "--verbose");
        Assert.Contains("   at ", verbose.Error);
    }

    [Fact]
    public async Task Query_Table_ShowsColumnsAndCount()
    {
        await using var org = await CliOrg.StartAsync();
        await org.RunAsync("case", "create", "--field", "Subject=Table test", "--field", "Priority=High");

        var run = await org.RunAsync("query", "SELECT Subject, Priority FROM Case");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("Subject", run.Output);
        Assert.Contains("Table test", run.Output);
        Assert.Contains("1 record.", run.Output);
    }

    [Theory]
    [InlineData("get", "abc")]
    [InlineData("update", "00Q5g00000AbCdEEA-")]
    [InlineData("delete", "00Q5g00000AbCdEEAVX")]
    public async Task Lead_MalformedId_IsAUsageErrorNamingTheOptionAndTheFormat(string operation, string id)
    {
        await using var org = await CliOrg.StartAsync();
        string[] args = operation == "update" ? ["lead", operation, "--id", id, "--field", "Status=Open"] : ["lead", operation, "--id", id];

        var run = await org.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains($"--id '{id}' is not a Salesforce record id: an id is 15 or 18 letters and digits", run.Error);
        Assert.Empty(org.Host.Org.RequestLog);
    }

    [Fact]
    public async Task Lead_FindWithoutFields_ShowsIdNameLikeAndWhereFields_ButJsonKeepsEveryField()
    {
        await using var org = await CliOrg.StartAsync();
        await org.RunAsync("lead", "create", "--field", "FirstName=Jane", "--field", "LastName=Doe", "--field", "Company=Acme", "--field", "City=Paris", "--field", "Phone=555");

        var table = await org.RunAsync("lead", "find", "--where", "city=Paris");
        var json = await org.RunAsync("lead", "find", "--where", "City=Paris", "--json");

        Assert.True(table.ExitCode == ExitCodes.Success, table.ToString());
        var lines = table.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["Id", "Name", "Company", "Email", "Status", "City"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Jane Doe", lines[2]);
        Assert.DoesNotContain("555", table.Output);
        Assert.Equal("1 record.", lines[^1]);
        var record = JsonNode.Parse(json.Output)!["records"]![0]!.AsObject();
        Assert.True(record.Count > 20, json.Output);
        Assert.Equal("555", record["Phone"]!.GetValue<string>());
    }
}
