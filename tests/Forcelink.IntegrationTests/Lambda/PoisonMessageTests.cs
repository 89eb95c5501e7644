using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Forcelink.Emulator.Hosting;
using Forcelink.IntegrationTests.Library;
using Forcelink.Lambda;
using Forcelink.Lambda.Failures;
using Forcelink.Lambda.Runtime;
using Forcelink.Operations;
using Microsoft.Extensions.Logging.Abstractions;
using Forcelink.Aws.Metrics;
using Forcelink.Aws;

namespace Forcelink.IntegrationTests.Lambda;

/// <summary>
/// SQS batches with messages that can never succeed, through the function, the emulator and an SQS failure queue over
/// loopback (<see cref="FakeSqs"/>): poison messages leave their queue only once the failure queue has them.
/// </summary>
public sealed class PoisonMessageTests : IAsyncLifetime
{
    private const string SourceArn = "arn:aws:sqs:eu-west-1:123456789012:forcelink-operations";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly AwsCredentials Role = new("ASIAPOISONTEST", "poison-role-secret-access-key", "poison-role-session-token");

    // Shared by the tests and the function's SQS client, as one HttpClient is per process.
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private ClientFixture _fixture = null!;
    private FakeSqs _sqs = null!;

    public async Task InitializeAsync()
    {
        _fixture = await ClientFixture.StartAsync();
        _sqs = await FakeSqs.StartAsync(Role);
    }

    public async Task DisposeAsync()
    {
        await _sqs.DisposeAsync();
        await _fixture.DisposeAsync();
    }

    [Fact]
    public async Task SqsBatch_PoisonMessages_GoToFailureQueueAndOnlyTheRetryableOneFails()
    {
        var failures = _sqs.CreateQueue("forcelink-failures");
        var sut = CreateSut(failures);
        FailCaseCreatesOnce();

        var answer = await InvokeAsync(sut, MixedBatch("Poison"));

        Assert.Equal(["case-503"], Failures(answer));
        Assert.Equal(1, await CountLeadsAsync("Poison"));
        var received = await _sqs.ReceiveAsync(Http, failures).WaitAsync(Timeout);
        var byId = received.ToDictionary(m => m!["MessageAttributes"]!["SourceMessageId"]!["StringValue"]!.GetValue<string>(), m => m!.AsObject());
        Assert.Equal(["bad-json", "bad-picklist"], byId.Keys.Order(StringComparer.Ordinal));

        var picklist = JsonNode.Parse(byId["bad-picklist"]["Body"]!.GetValue<string>())!;
        Assert.Equal("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", byId["bad-picklist"]["MessageAttributes"]!["ErrorCode"]!["StringValue"]!.GetValue<string>());
        Assert.Equal("String", byId["bad-picklist"]["MessageAttributes"]!["ErrorCode"]!["DataType"]!.GetValue<string>());
        Assert.Equal("bad-picklist", picklist["messageId"]!.GetValue<string>());
        Assert.Equal(SourceArn, picklist["eventSourceARN"]!.GetValue<string>());
        Assert.Equal(3, picklist["approximateReceiveCount"]!.GetValue<int>());
        Assert.Equal(_fixture.Emulator.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture), picklist["failedAt"]!.GetValue<string>());
        Assert.Equal("forcelink", picklist["function"]!.GetValue<string>());
        Assert.Equal(
            """{"ok":false,"statusCode":400,"error":{"code":"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST","message":"Status: bad value for restricted picklist field: Bogus","fields":["Status"],"retryable":false}}""",
            picklist["result"]!.ToJsonString());
        Assert.Equal(BadPicklist("Poison"), picklist["body"]!.GetValue<string>());

        var json = JsonNode.Parse(byId["bad-json"]["Body"]!.GetValue<string>())!;
        Assert.Equal("INVALID_REQUEST", byId["bad-json"]["MessageAttributes"]!["ErrorCode"]!["StringValue"]!.GetValue<string>());
        Assert.Equal("INVALID_REQUEST", json["result"]!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("{not json", json["body"]!.GetValue<string>());
    }

    [Fact]
    public async Task SqsBatch_FailureQueueUnreachable_EveryPoisonMessageStaysAFailedItem()
    {
        // A port bound but not listening refuses connections, and stays ours for the test: a port merely found free could
        // be handed to another test's server (running in parallel) before the function connects to it.
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var closed = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)socket.LocalEndPoint!).Port}/000000000000/forcelink-failures");
        var sut = CreateSut(closed);
        FailCaseCreatesOnce();

        var answer = await InvokeAsync(sut, MixedBatch("Unreachable"));

        Assert.Equal(["bad-json", "bad-picklist", "case-503"], Failures(answer).Order(StringComparer.Ordinal));
        Assert.Equal(1, await CountLeadsAsync("Unreachable"));
    }

    [Fact]
    public async Task SqsBatch_FailureQueueRefusesTheCall_EveryPoisonMessageStaysAFailedItem()
    {
        // Signed with a key the queue does not know: 403 InvalidSignatureException.
        var failures = _sqs.CreateQueue("forcelink-failures");
        var sut = CreateSut(failures, Role with { SecretAccessKey = "another-secret-access-key" });

        var answer = await InvokeAsync(sut, Batch(("bad-json", "{not json"), ("bad-picklist", BadPicklist("Refused"))));

        Assert.Equal(["bad-json", "bad-picklist"], Failures(answer).Order(StringComparer.Ordinal));
        Assert.Equal(1, _sqs.Requests);
        Assert.Empty(await _sqs.ReceiveAsync(Http, failures).WaitAsync(Timeout));
    }

    [Fact]
    public async Task SqsBatch_FailureQueueFailsOneEntry_OnlyThatMessageStaysAFailedItem()
    {
        var failures = _sqs.CreateQueue("forcelink-failures");
        _sqs.FailEntry = body => body.Contains("\"messageId\":\"bad-json\"", StringComparison.Ordinal);
        var sut = CreateSut(failures);

        var answer = await InvokeAsync(sut, Batch(("bad-json", "{not json"), ("bad-picklist", BadPicklist("Partly"))));

        Assert.Equal(["bad-json"], Failures(answer));
        var received = Assert.Single(await _sqs.ReceiveAsync(Http, failures).WaitAsync(Timeout));
        Assert.Equal("bad-picklist", received!["MessageAttributes"]!["SourceMessageId"]!["StringValue"]!.GetValue<string>());
    }

    [Fact]
    public async Task SqsBatch_NoFailureQueue_PoisonMessagesStayFailedItems()
    {
        var sut = CreateSut(failureQueue: null);
        FailCaseCreatesOnce();

        var answer = await InvokeAsync(sut, MixedBatch("No queue"));

        Assert.Equal(["bad-json", "bad-picklist", "case-503"], Failures(answer).Order(StringComparer.Ordinal));
        Assert.Equal(0, _sqs.Requests);
    }

    [Fact]
    public async Task SqsBatch_ManyPoisonMessages_SentTenToACall()
    {
        var failures = _sqs.CreateQueue("forcelink-failures");
        var sut = CreateSut(failures);

        var answer = await InvokeAsync(sut, Batch([.. Enumerable.Range(0, 23).Select(i => ($"bad-{i}", $"{{broken {i}"))]));

        Assert.Empty(Failures(answer));
        Assert.Equal(3, _sqs.Requests);
        var received = new List<JsonNode>();
        for (var i = 0; i < 3; i++)
        {
            received.AddRange((await _sqs.ReceiveAsync(Http, failures).WaitAsync(Timeout))!);
        }

        Assert.Equal(23, received.Select(m => m["MessageAttributes"]!["SourceMessageId"]!["StringValue"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task FailureMessages_NeverCarryATokenOrKey()
    {
        var failures = _sqs.CreateQueue("forcelink-failures");
        var sut = CreateSut(failures);
        FailCaseCreatesOnce();

        await InvokeAsync(sut, MixedBatch("Secrets"));

        var text = (await _sqs.ReceiveAsync(Http, failures).WaitAsync(Timeout)).ToJsonString();
        Assert.Contains("bad-picklist", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Role.SecretAccessKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Role.SessionToken!, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Role.AccessKeyId, text, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex(@"00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?!"), text);
    }

    private static string BadPicklist(string company) =>
        $$$"""{"operation":"create","object":"Lead","fields":{"LastName":"Doe","Company":"{{{company}}}","Status":"Bogus"}}""";

    /// <summary>A valid create, a bad picklist value, a body that is no JSON, and a create Salesforce answers 503.</summary>
    private static JsonObject MixedBatch(string company) => Batch(
        ("valid", $$$"""{"operation":"create","object":"Lead","fields":{"LastName":"Doe","Company":"{{{company}}}"}}"""),
        ("bad-picklist", BadPicklist(company)),
        ("bad-json", "{not json"),
        ("case-503", $$$"""{"operation":"create","object":"Case","fields":{"Subject":"{{{company}}}"}}"""));

    private void FailCaseCreatesOnce() =>
        _fixture.Emulator.Host.Org.AddFault(new FaultRule { PathPrefix = $"/services/data/v{Emulator.EmulatorFixture.ApiVersion}/sobjects/Case", Kind = FaultKind.ServiceUnavailable, Count = 1 });

    private FunctionHandler CreateSut(Uri? failureQueue, AwsCredentials? role = null)
    {
        var time = _fixture.Emulator.Time;
        var metrics = new EmbeddedMetrics(new StringWriter(), time);
        var operations = new Forcelink.Aws.Fleet.IdempotentOperationHandler(
            new OperationHandler(_fixture.Client), null, "forcelink", TimeSpan.FromHours(1), time, NullLogger.Instance);
        var queue = failureQueue is null
            ? null
            : new FailureQueue(
                new AwsJsonClient(Http, role ?? Role, _sqs.Region, _ => null, time, NullLogger<AwsJsonClient>.Instance),
                failureQueue,
                "forcelink",
                time,
                NullLogger<FailureQueue>.Instance);
        return new FunctionHandler(operations, metrics, time, NullLogger<FunctionHandler>.Instance, failureQueue: queue);
    }

    private async Task<JsonNode> InvokeAsync(FunctionHandler sut, JsonObject json)
    {
        var context = new InvocationContext("req-1", _fixture.Emulator.Time.GetUtcNow().AddMinutes(1), null, null, _fixture.Emulator.Time);
        var response = await sut.HandleAsync(Encoding.UTF8.GetBytes(json.ToJsonString()), context).WaitAsync(Timeout);
        return JsonNode.Parse(response.Span)!;
    }

    private static List<string> Failures(JsonNode answer) =>
        [.. answer["batchItemFailures"]!.AsArray().Select(f => f!["itemIdentifier"]!.GetValue<string>())];

    private static JsonObject Batch(params (string MessageId, string Body)[] messages) => new()
    {
        ["Records"] = new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject
        {
            ["messageId"] = m.MessageId,
            ["receiptHandle"] = $"handle-{m.MessageId}",
            ["body"] = m.Body,
            ["attributes"] = new JsonObject { ["ApproximateReceiveCount"] = "3", ["SentTimestamp"] = "1520621625029" },
            ["messageAttributes"] = new JsonObject(),
            ["eventSource"] = "aws:sqs",
            ["eventSourceARN"] = SourceArn,
            ["awsRegion"] = "eu-west-1",
        })]),
    };

    private Task<int> CountLeadsAsync(string company) =>
        _fixture.Client.CountAsync($"SELECT COUNT() FROM Lead WHERE Company = {company}").WaitAsync(Timeout);
}
