using System.Text;
using System.Text.Json.Nodes;
using Forcelink.IntegrationTests.Library;
using Forcelink.Lambda;
using Forcelink.Lambda.Runtime;
using Forcelink.Operations;
using Forcelink.Tests.Lambda;
using Microsoft.Extensions.Logging.Abstractions;
using Forcelink.Aws.Metrics;
using Forcelink.Aws.Fleet;

namespace Forcelink.IntegrationTests.Fleet;

/// <summary>The function end to end with an idempotency table: SQS redeliveries and HTTP retries create once.</summary>
public sealed class FunctionIdempotencyTests(DynamoDbFixture dynamoDb) : IClassFixture<DynamoDbFixture>, IAsyncLifetime
{
    private ClientFixture _fixture = null!;

    public async Task InitializeAsync() => _fixture = await ClientFixture.StartAsync();

    [Fact]
    public async Task HandleAsync_SqsMessageDeliveredAgain_CreatesOnceAndSucceeds()
    {
        var sut = await CreateSutAsync();
        var first = Sqs(("m1", "Queue A"), ("m2", "Queue A"));
        var redelivery = Sqs(("m2", "Queue A"), ("m3", "Queue A"));

        var answers = new[] { await InvokeAsync(sut, first), await InvokeAsync(sut, redelivery) };

        Assert.All(answers, a => Assert.Equal("""{"batchItemFailures":[]}""", a.ToJsonString()));
        Assert.Equal(3, await _fixture.Client.CountAsync($"SELECT COUNT() FROM Lead WHERE Company = {"Queue A"}").WaitAsync(TimePump.Timeout));
    }

    [Fact]
    public async Task HandleAsync_HttpRetryWithSameIdempotencyKey_ReturnsSameRecord()
    {
        var sut = await CreateSutAsync();

        var first = await InvokeAsync(sut, Http("retry-4711", "Http A"));
        var again = await InvokeAsync(sut, Http("retry-4711", "Http A"));

        Assert.Equal(201, first["statusCode"]!.GetValue<int>());
        Assert.Equal(first["body"]!.GetValue<string>(), again["body"]!.GetValue<string>());
        Assert.Equal(1, await _fixture.Client.CountAsync($"SELECT COUNT() FROM Lead WHERE Company = {"Http A"}").WaitAsync(TimePump.Timeout));
    }

    private async Task<FunctionHandler> CreateSutAsync()
    {
        var table = new IdempotencyTable(dynamoDb.Client, await dynamoDb.CreateIdempotencyTableAsync());
        var operations = new IdempotentOperationHandler(
            new OperationHandler(_fixture.Client), table, "forcelink-test", TimeSpan.FromHours(1), _fixture.Emulator.Time, NullLogger.Instance);
        var metrics = new EmbeddedMetrics(new StringWriter(), _fixture.Emulator.Time);
        return new FunctionHandler(operations, metrics, _fixture.Emulator.Time, NullLogger<FunctionHandler>.Instance);
    }

    private async Task<JsonNode> InvokeAsync(FunctionHandler sut, JsonObject json)
    {
        var context = new InvocationContext("req-1", _fixture.Emulator.Time.GetUtcNow().AddMinutes(1), null, null, _fixture.Emulator.Time);
        var response = await sut.HandleCheckedAsync(Encoding.UTF8.GetBytes(json.ToJsonString()), context).WaitAsync(TimePump.Timeout);
        return JsonNode.Parse(response.Span)!;
    }

    private static JsonObject Sqs(params (string MessageId, string Company)[] messages) => new()
    {
        ["Records"] = new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject
        {
            ["messageId"] = m.MessageId,
            ["eventSource"] = "aws:sqs",
            ["body"] = new JsonObject
            {
                ["operation"] = "create",
                ["object"] = "Lead",
                ["fields"] = new JsonObject { ["LastName"] = m.MessageId, ["Company"] = m.Company },
            }.ToJsonString(),
        })]),
    };

    private static JsonObject Http(string idempotencyKey, string company) => new()
    {
        ["version"] = "2.0",
        ["routeKey"] = "$default",
        ["rawPath"] = "/leads",
        ["rawQueryString"] = "",
        ["headers"] = new JsonObject { ["content-type"] = "application/json", ["idempotency-key"] = idempotencyKey },
        ["requestContext"] = new JsonObject { ["http"] = new JsonObject { ["method"] = "POST", ["path"] = "/leads" } },
        ["body"] = new JsonObject { ["LastName"] = "Doe", ["Company"] = company }.ToJsonString(),
        ["isBase64Encoded"] = false,
    };

    public async Task DisposeAsync() => await _fixture.DisposeAsync();
}
