using System.Text;
using Forcelink.Lambda;
using Forcelink.Lambda.Observability;
using Forcelink.Lambda.Runtime;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Forcelink.Aws.Metrics;

namespace Forcelink.Tests.Lambda;

public sealed class FunctionHandlerTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, string> BadEvents => new()
    {
        { "not json", "not valid JSON" },
        { "[1,2,3]", "must be a JSON object" },
        { """{"operation":"explode","object":"Lead"}""", "use one of create" },
        { """{"operation":"get","object":"Lead"}""", "'id' is required" },
        { """{"operation":"get","object":"Lead","id":"00Q-not-an-id"}""", "not a Salesforce record id" },
        { """{"operation":"create","object":"Lead","fields":"LastName=Doe"}""", "'fields' must be an object" },
        { """{"operation":"find","object":"Lead","where":{"Email":"a"},"limit":"ten"}""", "'limit' must be a whole number" },
        { """{"operation":1,"object":"Lead"}""", "'operation' must be a non-empty string" },
        { "{\"operation\":\"create\",\"object\":\"Lead\",\"fields\":{\"Description\":\"" + new string('x', 300_000) + "\"}}", "at most" },
    };

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task HandleAsync_BadEvent_Answers400WithoutCallingSalesforce(string json, string reason)
    {
        var (sut, transport, _) = CreateSut();

        var response = await sut.HandleCheckedAsync(Encoding.UTF8.GetBytes(json), Context()).WaitAsync(TimeSpan.FromSeconds(30));

        var answer = System.Text.Json.Nodes.JsonNode.Parse(response.Span)!;
        Assert.False(answer["ok"]!.GetValue<bool>());
        Assert.Equal(400, answer["statusCode"]!.GetValue<int>());
        Assert.Contains(reason, answer["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(transport.Requests);
    }

    [Fact]
    public async Task HandleAsync_ObjectOutsidePolicy_Answers403()
    {
        var (sut, transport, _) = CreateSut();

        var response = await sut.HandleCheckedAsync("""{"operation":"get","object":"User","id":"005000000000001AAA"}"""u8.ToArray(), Context()).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("\"statusCode\":403", Encoding.UTF8.GetString(response.Span), StringComparison.Ordinal);
        Assert.Empty(transport.Requests);
    }

    [Theory]
    [InlineData("GET", "/accounts", 404, "No route")]
    [InlineData("PUT", "/leads/00Q000000000001AAA", 405, "use GET (get), PATCH (update) or DELETE (delete)")]
    [InlineData("DELETE", "/leads", 405, "use GET (find) or POST")]
    [InlineData("POST", "/leads", 400, "no body")]
    [InlineData("GET", "/leads", 400, "at least one field")]
    [InlineData("GET", "/prod/leads/not-an-id", 400, "not a Salesforce record id")]
    public async Task HandleAsync_HttpApiRequestNotRoutable_AnswersPayload2Error(string method, string path, int status, string reason)
    {
        var (sut, transport, _) = CreateSut();
        var request = new System.Text.Json.Nodes.JsonObject
        {
            ["version"] = "2.0",
            ["rawPath"] = path,
            ["requestContext"] = new System.Text.Json.Nodes.JsonObject { ["http"] = new System.Text.Json.Nodes.JsonObject { ["method"] = method, ["path"] = path } },
            ["isBase64Encoded"] = false,
        };

        var response = System.Text.Json.Nodes.JsonNode.Parse((await sut.HandleCheckedAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), Context()).WaitAsync(TimeSpan.FromSeconds(30))).Span)!;

        Assert.Equal(status, response["statusCode"]!.GetValue<int>());
        Assert.Equal("application/json", response["headers"]!["content-type"]!.GetValue<string>());
        Assert.Contains(reason, response["body"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(transport.Requests);
    }

    [Fact]
    public async Task HandleAsync_SqsBatchWithBadMessages_NamesOnlyThose()
    {
        var (sut, transport, output) = CreateSut();
        var sqs = """{"Records":[{"messageId":"m1","body":"not json","eventSource":"aws:sqs"},{"messageId":"m2","body":"{\"operation\":\"get\",\"object\":\"Lead\"}","eventSource":"aws:sqs"}]}""";

        var response = await sut.HandleCheckedAsync(Encoding.UTF8.GetBytes(sqs), Context()).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"m1"},{"itemIdentifier":"m2"}]}""", Encoding.UTF8.GetString(response.Span));
        Assert.Empty(transport.Requests);
    }

    [Fact]
    public async Task HandleAsync_AnyEvent_RecordsLoginsAndRetries()
    {
        var (sut, _, output) = CreateSut();

        await sut.HandleCheckedAsync("{}"u8.ToArray(), Context()).WaitAsync(TimeSpan.FromSeconds(30));
        _metrics!.Flush();

        Assert.Contains("\"Logins\":0", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"Retries\":0", output.ToString(), StringComparison.Ordinal);
    }

    private EmbeddedMetrics? _metrics;
    private FunctionMeterFactory? _meters;
    private ClientMetricsListener? _listener;

    public void Dispose()
    {
        _listener?.Dispose();
        _meters?.Dispose();
    }

    [Fact]
    public async Task HandleAsync_GetAfterALogin_RecordsItAndTheApiUsageFromTheMeter()
    {
        var (sut, transport, output) = CreateSut();
        var record = StubHttpHandler.Json(System.Net.HttpStatusCode.OK, """{"attributes":{"type":"Lead"},"Id":"00Q000000000001AAA"}""");
        record.Headers.Add("Sforce-Limit-Info", "api-usage=25/15000");
        transport.On(HttpMethod.Get, "/services/data/v62.0/sobjects/Lead/", _ => record);

        await sut.HandleCheckedAsync("""{"operation":"get","object":"Lead","id":"00Q000000000001AAA"}"""u8.ToArray(), Context()).WaitAsync(TimeSpan.FromSeconds(30));
        _metrics!.Flush();
        await sut.HandleCheckedAsync("{}"u8.ToArray(), Context()).WaitAsync(TimeSpan.FromSeconds(30));
        _metrics.Flush();

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var first = Assert.Single(lines, l => l.Contains("\"Logins\":1", StringComparison.Ordinal));
        Assert.Contains("\"Retries\":0", first, StringComparison.Ordinal);
        Assert.Contains("\"ApiUsageUsed\":25,\"ApiUsageMax\":15000", first, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("\"Logins\":0", StringComparison.Ordinal) && l.Contains("\"Retries\":0", StringComparison.Ordinal));
    }

    [Fact]
    public void ClientMetricsListener_AnotherScopesMeter_IsNotHeard()
    {
        using var mine = new FunctionMeterFactory();
        using var other = new FunctionMeterFactory();
        using var listener = new ClientMetricsListener(mine);
        var output = new StringWriter();
        var metrics = new EmbeddedMetrics(output, new FakeTimeProvider(Now)) { Client = listener };

        other.Create(new System.Diagnostics.Metrics.MeterOptions(SalesforceClient.MeterName)).CreateCounter<long>(SalesforceClient.LoginsInstrument).Add(5);
        var meter = mine.Create(new System.Diagnostics.Metrics.MeterOptions(SalesforceClient.MeterName));
        meter.CreateCounter<long>(SalesforceClient.LoginsInstrument).Add(2);
        meter.CreateCounter<long>(SalesforceClient.RetriesInstrument).Add(3);
        metrics.Flush();

        Assert.Contains("\"Logins\":2,\"Retries\":3", output.ToString(), StringComparison.Ordinal);
    }

    private static InvocationContext Context() => new("req-9", Now.AddSeconds(10), null, null, new FakeTimeProvider(Now));

    private (FunctionHandler Sut, StubHttpHandler Transport, StringWriter Output) CreateSut()
    {
        var time = new FakeTimeProvider(Now);
        var output = new StringWriter();
        _meters?.Dispose();
        _listener?.Dispose();
        _meters = new FunctionMeterFactory();
        _listener = new ClientMetricsListener(_meters);
        _metrics = new EmbeddedMetrics(output, time) { Client = _listener };
        var transport = new StubHttpHandler();
        var client = new SalesforceClient(new FakeCredential(time), new SalesforceClientOptions { TimeProvider = time, Transport = transport, ApiVersion = "62.0", MeterFactory = _meters });
        var operations = new Forcelink.Aws.Fleet.IdempotentOperationHandler(
            new Forcelink.Operations.OperationHandler(client), null, "forcelink", TimeSpan.FromHours(1), time, NullLogger.Instance);
        return (new FunctionHandler(operations, _metrics, time, NullLogger<FunctionHandler>.Instance), transport, output);
    }

    [Theory]
    [InlineData("127.0.0.1:9001", "http://127.0.0.1:9001/2018-06-01/")]
    [InlineData("localhost:5050/MyFunction", "http://localhost:5050/MyFunction/2018-06-01/")]
    [InlineData(" 127.0.0.1:9001/ ", "http://127.0.0.1:9001/2018-06-01/")]
    public void RuntimeApiClient_RuntimeApiVariable_BecomesBaseAddress(string runtimeApi, string expected)
    {
        using var http = new HttpClient();

        var sut = new RuntimeApiClient(http, runtimeApi, TimeProvider.System);

        Assert.Equal(new Uri(expected), sut.BaseAddress);
    }

    [Fact]
    public void InvocationContext_RemainingTime_FollowsTheClockAndStopsAtZero()
    {
        var time = new FakeTimeProvider(Now);
        var sut = new InvocationContext("req", Now.AddSeconds(2), null, null, time);

        var before = sut.RemainingTime;
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.Zero), (before, sut.RemainingTime));
    }
}
