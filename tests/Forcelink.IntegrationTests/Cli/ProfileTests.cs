using System.Text.Json.Nodes;
using Forcelink.Cli;

namespace Forcelink.IntegrationTests.Cli;

public sealed class ProfileTests
{
    [Fact]
    public async Task Login_ProfileWithPathsRelativeToTheConfigFile_LogsInAndReportsJson()
    {
        await using var org = await CliOrg.StartAsync();
        var url = org.Session.Environment["FORCELINK_LOGIN_URL"];
        org.Session.Environment.Clear();
        Directory.CreateDirectory(Path.Combine(org.Session.Home, ".config", "forcelink"));
        File.Copy(org.KeyFile, Path.Combine(org.Session.Home, ".config", "forcelink", "dev.key"));
        var profile = new JsonObject { ["loginUrl"] = url, ["consumerKey"] = CliOrg.ConsumerKey, ["username"] = CliOrg.Username, ["privateKeyFile"] = "dev.key" };
        await File.WriteAllTextAsync(Path.Combine(org.Session.Home, ".config", "forcelink", "config.json"), new JsonObject { ["profiles"] = new JsonObject { ["dev"] = profile } }.ToJsonString());

        var run = await org.RunAsync("--org", "dev", "login", "--json");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var json = JsonNode.Parse(run.Output)!;
        Assert.Equal(CliOrg.Username, json["username"]!.GetValue<string>());
        Assert.StartsWith("00D", json["organizationId"]!.GetValue<string>());
        Assert.Equal("api", json["scopes"]![0]!.GetValue<string>());
        Assert.True(json["apiUsage"]!["max"]!.GetValue<long>() > 0);
        Assert.DoesNotContain("access", run.Output, StringComparison.OrdinalIgnoreCase);
    }
}
