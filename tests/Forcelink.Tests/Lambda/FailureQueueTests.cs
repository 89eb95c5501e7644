using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Forcelink.Lambda.Events;
using Forcelink.Lambda.Failures;
using Forcelink.Operations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Forcelink.Aws;

namespace Forcelink.Tests.Lambda;

public sealed class FailureQueueTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 9, 30, 15, 250, TimeSpan.Zero);
    private static readonly Uri Queue = new("https://sqs.eu-west-1.amazonaws.com/123456789012/failures");

    private readonly FakeTimeProvider _time = new(Now);
    private readonly SqsRoute _sqs = new();
    private readonly HttpClient _http;

    public FailureQueueTests() => _http = new HttpClient(_sqs);

    public void Dispose() => _http.Dispose();

    private FailureQueue CreateSut(Uri? queue = null) => new(
        new AwsJsonClient(_http, new AwsCredentials("AKID", "secret", "token"), "eu-west-1", _ => null, _time, NullLogger<AwsJsonClient>.Instance),
        queue ?? Queue,
        "forcelink-prod",
        _time,
        NullLogger<FailureQueue>.Instance);

    private static PoisonMessage Poison(string id, string body = "{\"operation\":\"create\"}", string message = "Status: bad value") => new(
        id,
        new SqsEvent.Origin(body, "arn:aws:sqs:eu-west-1:123456789012:operations", 2),
        OperationResult.Failure(400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", message, ["Status"]));

    [Fact]
    public void Format_TheDocumentedShape()
    {
        var text = CreateSut().Format(Poison("m1"), Now);

        Assert.Equal(
            """
            {"messageId":"m1","eventSourceARN":"arn:aws:sqs:eu-west-1:123456789012:operations","approximateReceiveCount":2,"failedAt":"2026-12-08T09:30:15.250Z","function":"forcelink-prod","result":{"ok":false,"statusCode":400,"error":{"code":"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST","message":"Status: bad value","fields":["Status"],"retryable":false}},"body":"{\"operation\":\"create\"}"}
            """,
            text);
    }

    [Fact]
    public void Format_TokenInTheErrorMessage_IsMasked()
    {
        var text = CreateSut().Format(Poison("m1", message: "Refused 00D000000000001!AQ4AQFakeSessionSecret.x and -----BEGIN PRIVATE KEY-----MIIE"), Now);

        Assert.DoesNotContain("AQ4AQFakeSessionSecret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("BEGIN PRIVATE KEY", text, StringComparison.Ordinal);
        Assert.Contains("00D000000000001!***", text, StringComparison.Ordinal);
        Assert.NotNull(JsonNode.Parse(text));
    }

    [Fact]
    public async Task SendAsync_Attributes_AndFifoGroupAndDeduplicationPerSourceMessage()
    {
        var sent = await CreateSut(new Uri("https://sqs.eu-west-1.amazonaws.com/123456789012/failures.fifo")).SendAsync([Poison("m1"), Poison("m2")], Now.AddMinutes(1));

        Assert.Equal(["m1", "m2"], sent.Order(StringComparer.Ordinal));
        var entries = Assert.Single(_sqs.Bodies)["Entries"]!.AsArray();
        Assert.Equal("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", entries[0]!["MessageAttributes"]!["ErrorCode"]!["StringValue"]!.GetValue<string>());
        Assert.Equal("m2", entries[1]!["MessageAttributes"]!["SourceMessageId"]!["StringValue"]!.GetValue<string>());
        Assert.Equal(64, entries[0]!["MessageGroupId"]!.GetValue<string>().Length);
        Assert.Equal(entries[0]!["MessageGroupId"]!.GetValue<string>(), entries[0]!["MessageDeduplicationId"]!.GetValue<string>());
        Assert.NotEqual(entries[0]!["MessageGroupId"]!.GetValue<string>(), entries[1]!["MessageGroupId"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendAsync_StandardQueue_NoGroupOrDeduplication()
    {
        await CreateSut().SendAsync([Poison("m1")], Now.AddMinutes(1));

        var entry = Assert.Single(Assert.Single(_sqs.Bodies)["Entries"]!.AsArray())!;
        Assert.Null(entry["MessageGroupId"]);
        Assert.Null(entry["MessageDeduplicationId"]);
    }

    [Fact]
    public async Task SendAsync_LargeMessages_SplitSoNoCallPasses256KiB()
    {
        var large = new string('x', 100 * 1024);

        var sent = await CreateSut().SendAsync([Poison("m1", large), Poison("m2", large), Poison("m3", large), Poison("m4")], Now.AddMinutes(1));

        Assert.Equal(4, sent.Count);
        Assert.Equal([2, 2], _sqs.Bodies.Select(b => b["Entries"]!.AsArray().Count).Order());
        Assert.All(_sqs.Bodies, b => Assert.True(b["Entries"]!.AsArray().Sum(e => Encoding.UTF8.GetByteCount(e!["MessageBody"]!.GetValue<string>())) <= FailureQueue.MaxBatchBytes));
    }

    [Fact]
    public async Task SendAsync_MessageTooLargeWithItsError_StaysInItsQueue()
    {
        var sent = await CreateSut().SendAsync([Poison("big", new string('x', FailureQueue.MaxBatchBytes)), Poison("m2")], Now.AddMinutes(1));

        Assert.Equal(["m2"], sent);
        Assert.Single(_sqs.Bodies);
    }

    [Fact]
    public async Task SendAsync_AtTheDeadline_SendsNothing()
    {
        var sent = await CreateSut().SendAsync([Poison("m1")], Now.AddMilliseconds(400));

        Assert.Empty(sent);
        Assert.Empty(_sqs.Bodies);
    }

    /// <summary>Answers every SendMessageBatch call with all its entries sent, and keeps the request bodies.</summary>
    private sealed class SqsRoute : HttpMessageHandler
    {
        public List<JsonNode> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("AmazonSQS.SendMessageBatch", request.Headers.GetValues("X-Amz-Target").Single());
            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
            lock (Bodies)
            {
                Bodies.Add(body);
            }

            var successful = new JsonArray([.. body["Entries"]!.AsArray().Select(e => (JsonNode)new JsonObject { ["Id"] = e!["Id"]!.GetValue<string>(), ["MessageId"] = Guid.NewGuid().ToString() })]);
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(new JsonObject { ["Successful"] = successful, ["Failed"] = new JsonArray() }.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.0"),
            };
        }
    }
}
