using System.Text.Json.Nodes;
using Forcelink.IntegrationTests.Library;
using Forcelink.Lambda;
using Forcelink.Lambda.Runtime;
using Forcelink.Operations;
using Microsoft.Extensions.Logging.Abstractions;
using Forcelink.Aws.Metrics;

namespace Forcelink.IntegrationTests.Deploy;

/// <summary>
/// The sample events of docs/deploy.md "Try it" (deploy/events/*.json), as <c>aws lambda invoke --payload fileb://...</c>
/// sends them, through the function's handler against the emulator: each is accepted and answered as the docs say.
/// </summary>
public sealed class SampleEventTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void Events_Folder_HoldsExactlyTheDocumentedSamples()
    {
        var files = Directory.GetFiles(EventsFolder, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        var docs = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "deploy.md"));

        Assert.Equal(["create-lead.json", "find-leads.json", "sqs-batch.json"], files);
        Assert.All(files, file => Assert.Contains($"deploy/events/{file}", docs, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateThenFind_AsInTryIt_CreatesTheLeadAndFindsIt()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var sut = CreateSut(fixture);

        var created = await InvokeAsync(sut, fixture, "create-lead.json");
        var found = await InvokeAsync(sut, fixture, "find-leads.json");

        Assert.Equal((true, 201), (created["ok"]!.GetValue<bool>(), created["statusCode"]!.GetValue<int>()));
        Assert.StartsWith("00Q", created["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, found["totalSize"]!.GetValue<int>());
        var lead = found["records"]![0]!;
        Assert.Equal((created["id"]!.GetValue<string>(), "Ada Lovelace", "Analytical Engines"), (lead["Id"]!.GetValue<string>(), lead["Name"]!.GetValue<string>(), lead["Company"]!.GetValue<string>()));
    }

    [Fact]
    public async Task SqsBatch_AsInTryIt_RunsEveryMessageAndReportsNoFailure()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var sut = CreateSut(fixture);

        var answer = await InvokeAsync(sut, fixture, "sqs-batch.json");

        Assert.Equal("""{"batchItemFailures":[]}""", answer.ToJsonString());
        Assert.Equal(1, await fixture.Client.CountAsync($"SELECT COUNT() FROM Lead WHERE Email = {"grace@example.com"}").WaitAsync(Timeout));
        Assert.Equal(1, await fixture.Client.CountAsync($"SELECT COUNT() FROM Case WHERE Subject = {"Printer on fire"}").WaitAsync(Timeout));
    }

    private static string EventsFolder => Path.Combine(RepositoryPaths.Root, "deploy", "events");

    private static FunctionHandler CreateSut(ClientFixture fixture)
    {
        var metrics = new EmbeddedMetrics(TextWriter.Null, fixture.Emulator.Time);
        var operations = new Forcelink.Aws.Fleet.IdempotentOperationHandler(
            new OperationHandler(fixture.Client), null, "forcelink", TimeSpan.FromHours(1), fixture.Emulator.Time, NullLogger.Instance);
        return new FunctionHandler(operations, metrics, fixture.Emulator.Time, NullLogger<FunctionHandler>.Instance);
    }

    private static async Task<JsonNode> InvokeAsync(FunctionHandler sut, ClientFixture fixture, string file)
    {
        var payload = await File.ReadAllBytesAsync(Path.Combine(EventsFolder, file));
        var context = new InvocationContext("try-it", fixture.Emulator.Time.GetUtcNow().AddMinutes(1), null, null, fixture.Emulator.Time);
        var response = await sut.HandleAsync(payload, context).WaitAsync(Timeout);
        return JsonNode.Parse(response.Span)!;
    }
}
