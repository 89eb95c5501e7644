using Forcelink.Tests.TestDoubles;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Lambda.Events;

namespace Forcelink.Tests.Lambda;

public sealed class SqsEventTests
{
    [Theory]
    [InlineData("""{"Records":[{"messageId":"m1","body":"{}","eventSource":"aws:sqs"}]}""", true)]
    [InlineData("""{"other":[1,{"a":[]}],"Records":[{"eventSource":"aws:sqs","attributes":{"x":"y"}},{"eventSource":"aws:s3"}],"tail":null}""", true)]
    [InlineData("""{"Records":[{"eventSource":"aws:s3"},{"eventSource":"aws:sqs"}]}""", false)]
    [InlineData("""{"Records":[]}""", false)]
    [InlineData("""{"Records":[],"tail":{"Records":[1]}}""", false)]
    [InlineData("""{"Records":[1]}""", false)]
    [InlineData("""{"Records":{"eventSource":"aws:sqs"}}""", false)]
    [InlineData("""{"operation":"get","object":"Lead","id":"00Q000000000001AAA"}""", false)]
    [InlineData("""[{"Records":[{"eventSource":"aws:sqs"}]}]""", false)]
    [InlineData("42", false)]
    public void TryOpen_TellsSqsBatchesByTheFirstRecordsSource(string json, bool expected)
    {
        Assert.Equal(expected, SqsEvent.TryOpen(Encoding.UTF8.GetBytes(json), out _));
    }

    [Theory]
    [InlineData("""{"Records":[{"messageId":"m1","body":"{}","eventSource":"aws:sqs"}""")]
    [InlineData("""{"Records":[{"messageId":"m1","eventSource":"aws:sqs"}]} trailing""")]
    [InlineData("""{"Records":[{"messageId":"m1","eventSource":"aws:sqs"},]}""")]
    [InlineData("not json")]
    public void TryOpen_InvalidJsonAnywhere_Throws(string json)
    {
        Assert.ThrowsAny<JsonException>(() => SqsEvent.TryOpen(Encoding.UTF8.GetBytes(json), out _));
    }

    [Fact]
    public void ReadMessages_InSlices_ReadsEveryRecordOnceInOrder()
    {
        var json = Batch(Enumerable.Range(0, 5).Select(i => Record($"m{i}", $$"""{"operation":"get","object":"Lead","id":"00Q00000000000{{i}}AAA"}""")));
        Assert.True(SqsEvent.TryOpen(json, out var cursor));

        var slices = new List<List<SqsEvent.Message>>();
        while (SqsEvent.ReadMessages(json, ref cursor, 2) is { Count: > 0 } slice)
        {
            slices.Add(slice);
        }

        Assert.Equal([2, 2, 1], slices.Select(s => s.Count));
        var messages = slices.SelectMany(s => s).ToList();
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], messages.Select(m => m.MessageId));
        Assert.All(messages, m => Assert.Null(m.Error));
        Assert.Equal("00Q000000000003AAA", messages[3].Request!.Json["id"]!.GetValue<string>());
        Assert.True(cursor.Done);
        Assert.Empty(SqsEvent.ReadMessages(json, ref cursor, 2));
    }

    [Fact]
    public void TryOpen_RecordsAfterOtherProperties_CursorStartsAtTheFirstRecord()
    {
        var json = Encoding.UTF8.GetBytes("""{"before":{"Records":"no"},"Records":[{"messageId":"a","body":"{}","eventSource":"aws:sqs"},{"messageId":"b","body":"{}"}],"after":[]}""");

        Assert.True(SqsEvent.TryOpen(json, out var cursor));

        Assert.Equal(["a", "b"], SqsEvent.ReadMessages(json, ref cursor, 10).Select(m => m.MessageId));
    }

    [Fact]
    public void ReadMessages_EscapedBody_ReadsItAsSent()
    {
        var body = """{"operation":"create","object":"Lead","fields":{"LastName":"Zoë \"Quote\" O'Brien","Company":"Ünïcode \\ Ltd"}}""";
        var json = Batch([Record("m1", body)]);
        Assert.True(SqsEvent.TryOpen(json, out var cursor));

        var message = Assert.Single(SqsEvent.ReadMessages(json, ref cursor, 10));

        Assert.Equal("Zoë \"Quote\" O'Brien", message.Request!.Json["fields"]!["LastName"]!.GetValue<string>());
        Assert.Equal("Ünïcode \\ Ltd", message.Request!.Json["fields"]!["Company"]!.GetValue<string>());
    }

    [Fact]
    public void ReadMessages_Create_TakesTheMessageIdAsIdempotencyKeyUnlessItHasOne()
    {
        var json = Batch([
            Record("m1", """{"operation":"create","object":"Lead","fields":{"LastName":"A","Company":"B"}}"""),
            Record("m2", """{"operation":"create","object":"Lead","idempotencyKey":"own","fields":{"LastName":"A","Company":"B"}}"""),
            Record("m3", """{"operation":"update","object":"Lead","id":"00Q000000000001AAA","fields":{"Company":"B"}}"""),
        ]);
        Assert.True(SqsEvent.TryOpen(json, out var cursor));

        var messages = SqsEvent.ReadMessages(json, ref cursor, 10);

        Assert.Equal(["m1", "own", null], messages.Select(m => m.Request!.IdempotencyKey));
    }

    [Fact]
    public void ReadMessages_BadRecords_EachNamedWithItsProblem()
    {
        var json = Encoding.UTF8.GetBytes("""
            {"Records":[
              {"messageId":"no-body","eventSource":"aws:sqs","attributes":{"ApproximateReceiveCount":"1"}},
              7,
              {"messageId":"number-body","body":12,"eventSource":"aws:sqs"},
              {"messageId":"not-json","body":"{oops","eventSource":"aws:sqs"},
              {"messageId":"array","body":"[1,2]","eventSource":"aws:sqs"},
              {"body":"{\"operation\":\"delete\",\"object\":\"Lead\",\"id\":\"00Q000000000001AAA\"}","eventSource":"aws:sqs"}
            ]}
            """);
        Assert.True(SqsEvent.TryOpen(json, out var cursor));

        var messages = SqsEvent.ReadMessages(json, ref cursor, 10);

        Assert.Equal(["no-body", "number-body", "not-json", "array", ""], messages.Select(m => m.MessageId));
        Assert.Contains("no body", messages[0].Error!.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("no body", messages[1].Error!.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", messages[2].Error!.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("must be a JSON object", messages[3].Error!.ErrorMessage, StringComparison.Ordinal);
        Assert.NotNull(messages[4].Request);
    }

    private static JsonObject Record(string id, string body) =>
        new() { ["messageId"] = id, ["receiptHandle"] = "AQEB" + id, ["body"] = body, ["attributes"] = new JsonObject { ["ApproximateReceiveCount"] = "1" }, ["eventSource"] = "aws:sqs" };

    private static byte[] Batch(IEnumerable<JsonObject> records) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["Records"] = new JsonArray([.. records]) }.ToJsonString());

    [Fact]
    public void ReadOrigin_FromTheMessagesRecord_BodyQueueAndReceiveCount()
    {
        var first = Record("m0", "{not json");
        first["eventSourceARN"] = "arn:aws:sqs:eu-west-1:123456789012:operations";
        first["attributes"] = new JsonObject { ["SentTimestamp"] = "1520621625029", ["ApproximateReceiveCount"] = "4" };
        var second = Record("m1", "{\"operation\":\"get\"}");
        second["attributes"] = new JsonObject { ["ApproximateReceiveCount"] = "many" };
        var json = Batch([first, second]);
        Assert.True(SqsEvent.TryOpen(json, out var cursor));

        var messages = SqsEvent.ReadMessages(json, ref cursor, 1);
        messages.AddRange(SqsEvent.ReadMessages(json, ref cursor, 1));

        Assert.Equal(new SqsEvent.Origin("{not json", "arn:aws:sqs:eu-west-1:123456789012:operations", 4), SqsEvent.ReadOrigin(json, messages[0]));
        Assert.Equal(new SqsEvent.Origin("{\"operation\":\"get\"}", null, null), SqsEvent.ReadOrigin(json, messages[1]));
    }
}
