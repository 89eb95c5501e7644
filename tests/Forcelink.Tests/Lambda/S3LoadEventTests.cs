using System.Text;
using System.Text.Json.Nodes;
using Forcelink.Bulk;
using Forcelink.Lambda.S3;
using Forcelink.Aws;

namespace Forcelink.Tests.Lambda;

public sealed class S3LoadEventTests
{
    private const string Notification =
        """{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1","eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0","bucket":{"name":"loads-bucket","arn":"arn:aws:s3:::loads-bucket"},"object":{"key":"loads/upsert/Lead/Ext_Id__c/my+leads%282%29.csv","size":1024,"eTag":"0123456789abcdef0123456789abcdef","sequencer":"0A1B2C3D4E5F678901"}}}]}""";

    private const string EventBridge =
        """{"version":"0","id":"17793124-05d4-b198-2fde-7ededc63b103","detail-type":"Object Created","source":"aws.s3","account":"123456789012","time":"2021-11-12T00:00:00Z","region":"eu-west-1","resources":["arn:aws:s3:::loads-bucket"],"detail":{"version":"0","bucket":{"name":"loads-bucket"},"object":{"key":"loads/insert/Lead/leads (1).csv","size":5,"etag":"b1946ac92492d2347c6235b4d2611184","sequencer":"00617F08299329D189"},"reason":"PutObject"}}""";

    [Fact]
    public void TryRead_S3Notification_DecodesTheKeyAndReadsSizeAndETag()
    {
        Assert.True(S3LoadEvent.TryRead(Encoding.UTF8.GetBytes(Notification), out var fromSqs, out var items));

        Assert.False(fromSqs);
        var item = Assert.Single(items);
        Assert.Equal(new S3ObjectRef("loads-bucket", "loads/upsert/Lead/Ext_Id__c/my leads(2).csv", "0123456789abcdef0123456789abcdef", 1024), item.Created);
    }

    [Fact]
    public void TryRead_EventBridgeObjectCreated_TakesTheKeyAsItIs()
    {
        Assert.True(S3LoadEvent.TryRead(Encoding.UTF8.GetBytes(EventBridge), out _, out var items));

        Assert.Equal(new S3ObjectRef("loads-bucket", "loads/insert/Lead/leads (1).csv", "b1946ac92492d2347c6235b4d2611184", 5), Assert.Single(items).Created);
    }

    [Fact]
    public void TryRead_SqsBatchOfS3EventsTestEventFollowUpAndStranger_OneItemPerMessage()
    {
        var followUp = S3LoadEvent.FollowUpBody(new S3ObjectRef("loads-bucket", "loads/insert/Lead/a.csv", "e1", null));
        var batch = Sqs(("m1", Notification), ("m2", EventBridge), ("m3", """{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"loads-bucket"}"""), ("m4", followUp), ("m5", """{"operation":"get"}"""));

        Assert.True(S3LoadEvent.TryRead(batch, out var fromSqs, out var items));

        Assert.True(fromSqs);
        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], items.Select(i => i.MessageId));
        Assert.Equal("loads/upsert/Lead/Ext_Id__c/my leads(2).csv", items[0].Created!.Key);
        Assert.Equal("loads/insert/Lead/leads (1).csv", items[1].Created!.Key);
        Assert.Equal(new S3LoadItem("m3"), items[2]);
        Assert.Equal(new S3ObjectRef("loads-bucket", "loads/insert/Lead/a.csv", "e1", null), items[3].FollowUp);
        Assert.NotNull(items[4].Problem);
    }

    [Theory]
    [InlineData("""{"operation":"get","object":"Lead","id":"00Q000000000001AAA"}""")]
    [InlineData("""{"operation":"create","object":"Lead","fields":{"Description":"aws:s3 is mentioned"}}""")]
    [InlineData("""{"Records":[{"eventSource":"aws:sqs","messageId":"m1","body":"{\"operation\":\"get\",\"note\":\"aws.s3\"}"}]}""")]
    [InlineData("""{"version":"2.0","routeKey":"GET /leads","rawPath":"/leads","requestContext":{"http":{"method":"GET"}}}""")]
    [InlineData("""not json aws:s3""")]
    public void TryRead_NotAboutLoads_LeavesTheEventToOperations(string json)
    {
        Assert.False(S3LoadEvent.TryRead(Encoding.UTF8.GetBytes(json), out _, out _));
    }

    [Fact]
    public void TryRead_ObjectRemoved_IsAnItemWithNothingToDo()
    {
        var removed = Notification.Replace("ObjectCreated:Put", "ObjectRemoved:Delete", StringComparison.Ordinal);

        Assert.True(S3LoadEvent.TryRead(Encoding.UTF8.GetBytes(removed), out _, out var items));

        Assert.Equal(new S3LoadItem(null), Assert.Single(items));
    }

    [Theory]
    [InlineData("loads/upsert/Lead/Ext_Id__c/leads.csv", "Lead", BulkOperation.Upsert, "Ext_Id__c")]
    [InlineData("loads/UPSERT/Invoice__c/Number__c/2026/12/file.csv", "Invoice__c", BulkOperation.Upsert, "Number__c")]
    [InlineData("loads/insert/Lead/leads.csv", "Lead", BulkOperation.Insert, null)]
    [InlineData("loads/update/Case/cases.csv", "Case", BulkOperation.Update, null)]
    [InlineData("loads/delete/Lead/old/ids.csv", "Lead", BulkOperation.Delete, null)]
    [InlineData("loads/hardDelete/Lead/ids.csv", "Lead", BulkOperation.HardDelete, null)]
    public void Parse_KeyRule_NamesTheJob(string key, string objectName, BulkOperation operation, string? externalId)
    {
        var (request, problem) = S3LoadKey.Parse(key, "loads/");

        Assert.Null(problem);
        Assert.Equal((objectName, operation, externalId), (request!.ObjectName, request.Operation, request.ExternalIdFieldName));
    }

    [Theory]
    [InlineData("other/upsert/Lead/Ext_Id__c/leads.csv", "not under loads/")]
    [InlineData("loads/leads.csv", "does not name an operation")]
    [InlineData("loads/merge/Lead/leads.csv", "'merge' is not an operation")]
    [InlineData("loads/upsert/Lead/leads.csv", "needs the external id field")]
    [InlineData("loads/insert/Lead-Object/leads.csv", "do not name an object")]
    [InlineData("loads/insert/Lead/", "does not name an operation")]
    public void Parse_KeyOutsideTheRule_SaysWhatIsWrong(string key, string expected)
    {
        var (request, problem) = S3LoadKey.Parse(key, "loads/");

        Assert.Null(request);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_NoBucket_LoadsAreOff() =>
        Assert.Null(S3LoadOptions.FromEnvironment(_ => null));

    [Fact]
    public void FromEnvironment_Settings_AreRead()
    {
        var variables = new Dictionary<string, string>
        {
            [S3LoadOptions.BucketVariable] = "b",
            [S3LoadOptions.PrefixVariable] = "in",
            [S3LoadOptions.ResultsPrefixVariable] = "/out/",
            [S3LoadOptions.MaxBytesVariable] = "1000",
            [S3LoadOptions.QueueUrlVariable] = "https://sqs.eu-west-1.amazonaws.com/123456789012/loads",
            [S3LoadOptions.FollowUpDelayVariable] = "900",
            [S3LoadOptions.ReserveVariable] = "30",
        };

        var options = S3LoadOptions.FromEnvironment(variables.GetValueOrDefault)!;

        Assert.Equal(("b", "in/", "out/", 1000L, TimeSpan.FromSeconds(900), TimeSpan.FromSeconds(30)), (options.Bucket, options.Prefix, options.ResultsPrefix, options.MaxBytes, options.FollowUpDelay, options.Reserve));
        Assert.Equal("https://sqs.eu-west-1.amazonaws.com/123456789012/loads", options.QueueUrl!.AbsoluteUri);
    }

    [Theory]
    [InlineData(S3LoadOptions.ResultsPrefixVariable, "loads/results/", "overlap")]
    [InlineData(S3LoadOptions.MaxBytesVariable, "-1", "whole number")]
    [InlineData(S3LoadOptions.FollowUpDelayVariable, "901", "from 0 to 900")]
    [InlineData(S3LoadOptions.QueueUrlVariable, "loads", "SQS queue URL")]
    public void FromEnvironment_BadSetting_NamesItAndTheFix(string variable, string value, string expected)
    {
        var variables = new Dictionary<string, string> { [S3LoadOptions.BucketVariable] = "b", [variable] = value };

        var e = Assert.Throws<FunctionConfigurationException>(() => S3LoadOptions.FromEnvironment(variables.GetValueOrDefault));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains(variable, e.Message, StringComparison.Ordinal);
    }

    private static byte[] Sqs(params (string Id, string Body)[] messages) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["Records"] = new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject
        {
            ["messageId"] = m.Id,
            ["body"] = m.Body,
            ["eventSource"] = "aws:sqs",
            ["eventSourceARN"] = "arn:aws:sqs:eu-west-1:123456789012:forcelink-loads",
        })]),
    }.ToJsonString());
}
