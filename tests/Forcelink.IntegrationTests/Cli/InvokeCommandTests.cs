using System.Text.Json.Nodes;
using Forcelink.Cli;

namespace Forcelink.IntegrationTests.Cli;

public sealed class InvokeCommandTests
{
    [Fact]
    public async Task Invoke_SingleEvent_PrintsTheHandlersAnswer()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("event.json"), """{"operation":"create","object":"Case","fields":{"Subject":"Printer on fire","Origin":"Web"}}""");

        var run = await org.RunAsync("invoke", "event.json");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var answer = JsonNode.Parse(run.Output)!;
        Assert.True(answer["ok"]!.GetValue<bool>());
        Assert.Equal(201, answer["statusCode"]!.GetValue<int>());
        Assert.StartsWith("500", answer["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invoke_Batch_AnswersEachItemInOrder()
    {
        await using var org = await CliOrg.StartAsync();
        await File.WriteAllTextAsync(org.Session.PathOf("batch.json"), """
            [
              {"operation":"create","object":"Lead","fields":{"LastName":"A","Company":"X"}},
              {"operation":"create","object":"Lead","fields":{"LastName":"B","Company":"X"}},
              {"operation":"explode","object":"Lead"},
              42
            ]
            """);

        var run = await org.RunAsync("invoke", "batch.json");

        Assert.Equal(ExitCodes.PartialFailure, run.ExitCode);
        var answers = JsonNode.Parse(run.Output)!.AsArray();
        Assert.Equal(4, answers.Count);
        Assert.True(answers[0]!["ok"]!.GetValue<bool>());
        Assert.True(answers[1]!["ok"]!.GetValue<bool>());
        Assert.Equal(400, answers[2]!["statusCode"]!.GetValue<int>());
        Assert.Equal(400, answers[3]!["statusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Invoke_FromStdin_FindsWhatWasCreated()
    {
        await using var org = await CliOrg.StartAsync();
        await org.RunAsync("lead", "create", "--field", "LastName=Stdin", "--field", "Company=Pipe", "--field", "Email=stdin@example.com");
        org.Session.Input = """{"operation":"find","object":"Lead","where":{"Email":"stdin@example.com"},"fields":["LastName"]}""";

        var run = await org.RunAsync("invoke", "-");

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal("""{"ok":true,"statusCode":200,"totalSize":1,"records":[{"LastName":"Stdin"}]}""", run.Output.Trim());
    }

    [Fact]
    public async Task Invoke_MissingFile_IsNotFound()
    {
        using var session = new CliSession();

        var run = await session.RunAsync("invoke", "nope.json");

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
    }
}
