using System.Text;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using Forcelink.Emulator.Hosting;
using Forcelink.IntegrationTests.Fleet;
using Forcelink.IntegrationTests.Lambda;
using Forcelink.IntegrationTests.Library;
using Forcelink.Lambda;
using Forcelink.Aws.Fleet;
using Forcelink.Lambda.Observability;
using Forcelink.Lambda.Runtime;
using Forcelink.Lambda.S3;
using Forcelink.Operations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Forcelink.Aws;
using Forcelink.Aws.Metrics;

namespace Forcelink.IntegrationTests.S3;

/// <summary>
/// The function as it runs in Lambda, in this process: the runtime loop against <see cref="FakeRuntimeApi"/>, the
/// handler with its S3 loader over s3rver, the emulator as Salesforce, and <see cref="FakeSqs"/> as the queue of loads
/// the follow-ups go to. Time is the emulator's fake clock: a deadline is reached by moving it, never by waiting.
/// </summary>
internal sealed class S3FunctionHarness : IAsyncDisposable
{
    public const string Bucket = "forcelink-loads";
    public const string QueueArn = "arn:aws:sqs:eu-west-1:123456789012:forcelink-loads";

    private static readonly AwsCredentials Role = new("ASIAS3LOADTEST", "s3-load-role-secret-access-key", "s3-load-role-session-token");
    private readonly HttpClient _http = RuntimeApiClient.CreateHttpClient();
    private readonly HttpClient _sqsHttp = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly StringWriter _output = new();
    private readonly CurrentInvocation _invocation = new();
    private FunctionHandler _handler = null!;
    private LambdaLoggerFactory _loggerFactory = null!;
    private EmbeddedMetrics _metrics = null!;
    private TextWriter _synchronizedOutput = null!;

    private S3FunctionHarness(ClientFixture fixture, S3rverProcess s3rver, FakeSqs sqs, FakeRuntimeApi api)
    {
        Fixture = fixture;
        S3rver = s3rver;
        Sqs = sqs;
        Api = api;
        S3 = s3rver.CreateClient();
        Queue = sqs.CreateQueue("forcelink-loads");
    }

    public ClientFixture Fixture { get; }

    public S3rverProcess S3rver { get; }

    public FakeSqs Sqs { get; }

    public FakeRuntimeApi Api { get; }

    public AmazonS3Client S3 { get; }

    public Uri Queue { get; }

    /// <summary>Everything the function wrote to stdout: log lines and EMF metrics.</summary>
    public string Output => _output.ToString();

    public static async Task<S3FunctionHarness> StartAsync(TimeSpan processingTime = default, long maxBytes = 1024 * 1024 * 1024, bool followUpQueue = true)
    {
        var fixture = await ClientFixture.StartAsync(options =>
        {
            options.Org.CustomFields["Lead"] = [new CustomFieldOptions { Name = "Ext_Id__c", Type = "string", Length = 64, ExternalId = true, Unique = true }];
            options.Org.Bulk.ProcessingTime = processingTime;
        });
        var harness = new S3FunctionHarness(fixture, await S3rverProcess.StartAsync(), await FakeSqs.StartAsync(Role), await FakeRuntimeApi.StartAsync());
        await harness.S3.PutBucketAsync(Bucket);
        harness.Build(maxBytes, followUpQueue);
        return harness;
    }

    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Time => Fixture.Emulator.Time;

    public async Task PutAsync(string key, string text) => await PutAsync(key, Encoding.UTF8.GetBytes(text));

    public async Task PutAsync(string key, byte[] bytes)
    {
        using var body = new MemoryStream(bytes);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = body, UseChunkEncoding = false });
    }

    public async Task<string?> ReadAsync(string key)
    {
        try
        {
            using var response = await S3.GetObjectAsync(Bucket, key);
            using var reader = new StreamReader(response.ResponseStream);
            return await reader.ReadToEndAsync();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<JsonObject> SummaryAsync(string key) =>
        JsonNode.Parse(await ReadAsync($"results/{key}/summary.json") ?? throw new InvalidOperationException($"No summary for {key}."))!.AsObject();

    /// <summary>The S3 notification S3 sends for the object as it now is (its real ETag and size), inside an SQS message.</summary>
    public async Task<JsonObject> CreatedEventAsync(string key, string messageId = "m1")
    {
        var head = await S3.GetObjectMetadataAsync(Bucket, key);
        var notification = new JsonObject
        {
            ["Records"] = new JsonArray(new JsonObject
            {
                ["eventVersion"] = "2.1",
                ["eventSource"] = "aws:s3",
                ["awsRegion"] = "eu-west-1",
                ["eventName"] = "ObjectCreated:Put",
                ["s3"] = new JsonObject
                {
                    ["bucket"] = new JsonObject { ["name"] = Bucket },
                    ["object"] = new JsonObject { ["key"] = Uri.EscapeDataString(key).Replace("%2F", "/", StringComparison.Ordinal), ["size"] = head.ContentLength, ["eTag"] = head.ETag.Trim('"') },
                },
            }),
        };
        return SqsBatch((messageId, notification.ToJsonString()));
    }

    public static JsonObject SqsBatch(params (string MessageId, string Body)[] messages) => new()
    {
        ["Records"] = new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject
        {
            ["messageId"] = m.MessageId,
            ["receiptHandle"] = $"handle-{m.MessageId}",
            ["body"] = m.Body,
            ["attributes"] = new JsonObject { ["ApproximateReceiveCount"] = "1" },
            ["messageAttributes"] = new JsonObject(),
            ["eventSource"] = "aws:sqs",
            ["eventSourceARN"] = QueueArn,
            ["awsRegion"] = "eu-west-1",
        })]),
    };

    /// <summary>One invocation through the runtime loop: the event handed out with a deadline <paramref name="timeout"/>
    /// after now, fake time moved on by <paramref name="step"/> whenever the function waits; returns the response.</summary>
    public async Task<JsonNode> InvokeAsync(JsonObject eventJson, TimeSpan timeout, TimeSpan step)
    {
        var requestId = Api.Enqueue(eventJson.ToJsonString(), Time.GetUtcNow(), timeout);
        var runtime = new LambdaRuntime(
            new RuntimeApiClient(_http, Api.Authority, Time),
            Time,
            _loggerFactory.CreateLogger<LambdaRuntime>(),
            _invocation,
            _metrics,
            runOnce: true);
        var exitCode = await TimePump.RunAsync(runtime.RunAsync(_ => Task.FromResult<InvocationHandler>(_handler.HandleAsync)), Time, step);
        Assert.Equal(LambdaRuntime.ExitSuccess, exitCode);
        var post = await Api.NextPostAsync();
        Assert.Equal((PostKind.Response, requestId), (post.Kind, post.RequestId));
        return JsonNode.Parse(post.Body)!;
    }

    /// <summary>The follow-ups sent to the queue so far, as SQS would deliver them.</summary>
    public async Task<JsonArray> ReceiveAsync() => await Sqs.ReceiveAsync(_sqsHttp, Queue);

    public async ValueTask DisposeAsync()
    {
        S3.Dispose();
        _loggerFactory.Dispose();
        _http.Dispose();
        _sqsHttp.Dispose();
        await Api.DisposeAsync();
        await Sqs.DisposeAsync();
        await S3rver.DisposeAsync();
        await Fixture.DisposeAsync();
        _output.Dispose();
    }

    private void Build(long maxBytes, bool followUpQueue)
    {
        var time = Time;
        _synchronizedOutput = TextWriter.Synchronized(_output);
        _loggerFactory = new LambdaLoggerFactory(new LambdaLoggerProvider(new LogLineWriter(_synchronizedOutput, LogOptions.Default, time, _invocation)));
        _metrics = new EmbeddedMetrics(_synchronizedOutput, time, () => _invocation.RequestId);
        var options = new S3LoadOptions { Bucket = Bucket, MaxBytes = maxBytes, QueueUrl = followUpQueue ? Queue : null };
        var followUp = followUpQueue
            ? new S3FollowUp(new AwsJsonClient(_sqsHttp, Role, Sqs.Region, _ => null, time, NullLogger<AwsJsonClient>.Instance), Queue, options.FollowUpDelay)
            : null;
        var loader = new S3Loader(Fixture.Client, new S3ObjectStore(S3), options, followUp, _metrics, time, _loggerFactory.CreateLogger<S3Loader>());
        var operations = new IdempotentOperationHandler(new OperationHandler(Fixture.Client), null, "forcelink", TimeSpan.FromHours(1), time, NullLogger.Instance);
        _handler = new FunctionHandler(operations, _metrics, time, _loggerFactory.CreateLogger<FunctionHandler>(), s3Loader: loader);
    }
}
