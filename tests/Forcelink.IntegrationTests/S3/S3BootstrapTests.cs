using System.Text;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using Forcelink.Csv;
using Forcelink.Emulator.Hosting;
using Forcelink.IntegrationTests.Lambda;
using Forcelink.Aws;

namespace Forcelink.IntegrationTests.S3;

/// <summary>
/// The published Native AOT <c>bootstrap</c>, as it ships, loading a file from s3rver into the emulator: one process
/// per invocation (a container each), the first stopped near its deadline with the job still running, the second
/// started by the follow-up it sent. The job's end is the emulator's fake clock moving on; the function's own
/// deadline is real time, a few seconds.
/// </summary>
[Collection(LambdaProcessState.Name)]
public sealed class S3BootstrapTests(BootstrapBuild build) : IClassFixture<BootstrapBuild>
{
    private const string Bucket = "forcelink-loads";
    private const string Key = "loads/upsert/Lead/Ext_Id__c/leads.csv";

    // s3rver's own credentials, as a role's session; the fake SQS checks signatures with the same ones.
    private static readonly AwsCredentials Role = new("S3RVER", "S3RVER", "s3-bootstrap-session-token");

    [AotFact]
    public async Task Bootstrap_LoadOutlivesItsInvocation_AFollowUpInvocationWritesEveryRowsOutcome()
    {
        var bootstrap = await build.GetBootstrapAsync();
        await using var emulator = await Emulator.EmulatorFixture.StartAsync(options =>
        {
            options.Org.CustomFields["Lead"] = [new CustomFieldOptions { Name = "Ext_Id__c", Type = "string", Length = 64, ExternalId = true, Unique = true }];
            options.Org.Bulk.ProcessingTime = TimeSpan.FromMinutes(10);
        });
        await using var s3rver = await S3rverProcess.StartAsync();
        using var s3 = s3rver.CreateClient();
        await using var sqs = await FakeSqs.StartAsync(Role, "us-east-1");
        var queue = sqs.CreateQueue("forcelink-loads");
        using var http = new HttpClient();
        var keyFile = Path.Combine(Path.GetTempPath(), $"forcelink-s3-{Guid.NewGuid():N}.key");
        await File.WriteAllTextAsync(keyFile, Emulator.EmulatorFixture.Key.ExportPkcs8PrivateKeyPem());
        try
        {
            await s3.PutBucketAsync(Bucket);
            var csv = new StringBuilder("Ext_Id__c,LastName,Company,Status\n");
            for (var i = 0; i < 50; i++)
            {
                csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"EXT-{i:D3},Process {i},AOT Co,{(i % 10 == 3 ? "Bogus" : "Working - Contacted")}\n");
            }

            using (var body = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())))
            {
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = Key, InputStream = body, UseChunkEncoding = false });
            }

            var head = await s3.GetObjectMetadataAsync(Bucket, Key);
            var notification = new JsonObject
            {
                ["Records"] = new JsonArray(new JsonObject
                {
                    ["eventSource"] = "aws:s3",
                    ["eventName"] = "ObjectCreated:Put",
                    ["s3"] = new JsonObject
                    {
                        ["bucket"] = new JsonObject { ["name"] = Bucket },
                        ["object"] = new JsonObject { ["key"] = Key, ["size"] = head.ContentLength, ["eTag"] = head.ETag.Trim('"') },
                    },
                }),
            }.ToJsonString();

            // The first container: 8 seconds of invocation, of which the last quarter is kept to record the load.
            await using (var api = await FakeRuntimeApi.StartAsync())
            {
                api.Enqueue(S3FunctionHarness.SqsBatch(("m1", notification)).ToJsonString(), TimeProvider.System.GetUtcNow(), TimeSpan.FromSeconds(8));
                var (exitCode, stdout, stderr) = await BootstrapProcessTests.RunAsync(bootstrap, Environment(api, emulator, s3rver, queue, keyFile));
                Assert.True(exitCode == 0, $"bootstrap exited with {exitCode}\n{stdout}\n{stderr}");
                var post = await api.NextPostAsync();
                Assert.True(post is { Kind: PostKind.Response, Body: """{"batchItemFailures":[]}""" }, $"{post}\n{stdout}\n{stderr}");
                Assert.DoesNotContain("Process 1", stdout, StringComparison.Ordinal);
            }

            var running = await SummaryAsync(s3);
            Assert.Equal("running", running["status"]!.GetValue<string>());
            Assert.Equal(50, running["jobs"]![0]!["sent"]!.GetValue<long>());
            var followUp = Assert.Single(await sqs.ReceiveAsync(http, queue))!;

            // Salesforce finishes the job; SQS hands the follow-up to another container.
            emulator.Time.Advance(TimeSpan.FromMinutes(11));
            await using (var api = await FakeRuntimeApi.StartAsync())
            {
                api.Enqueue(S3FunctionHarness.SqsBatch(("f1", followUp["Body"]!.GetValue<string>())).ToJsonString(), TimeProvider.System.GetUtcNow(), TimeSpan.FromSeconds(60));
                var (exitCode, stdout, stderr) = await BootstrapProcessTests.RunAsync(bootstrap, Environment(api, emulator, s3rver, queue, keyFile));
                Assert.True(exitCode == 0, $"bootstrap exited with {exitCode}\n{stdout}\n{stderr}");
                var post = await api.NextPostAsync();
                Assert.True(post is { Kind: PostKind.Response, Body: """{"batchItemFailures":[]}""" }, $"{post}\n{stdout}\n{stderr}");
            }

            var done = await SummaryAsync(s3);
            Assert.Equal(("complete", 45L, 5L, 2), (done["status"]!.GetValue<string>(), done["rowsSuccessful"]!.GetValue<long>(), done["rowsFailed"]!.GetValue<long>(), done["invocations"]!.GetValue<int>()));
            var outcomes = new Dictionary<string, string>();
            foreach (var (file, kind) in new[] { ("successful.csv", "successful"), ("failed.csv", "failed"), ("unprocessed.csv", "unprocessed") })
            {
                using var response = await s3.GetObjectAsync(Bucket, $"results/{Key}/{file}");
                var rows = await CsvReader.Open(response.ResponseStream).ReadAsync().Skip(1).ToListAsync();
                foreach (var row in rows)
                {
                    outcomes.Add(row.Fields[kind == "unprocessed" ? 0 : 2], kind);
                }
            }

            Assert.Equal(Enumerable.Range(0, 50).Select(i => ($"EXT-{i:D3}", i % 10 == 3 ? "failed" : "successful")), outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => (o.Key, o.Value)));
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    private static Dictionary<string, string> Environment(FakeRuntimeApi api, Emulator.EmulatorFixture emulator, S3rverProcess s3rver, Uri queue, string keyFile) => new()
    {
        ["AWS_LAMBDA_RUNTIME_API"] = api.Authority,
        ["AWS_LAMBDA_DOTNET_DEBUG_RUN_ONCE"] = "true",
        ["AWS_LAMBDA_LOG_FORMAT"] = "JSON",
        ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "128",
        ["AWS_ACCESS_KEY_ID"] = Role.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = Role.SecretAccessKey,
        ["AWS_SESSION_TOKEN"] = Role.SessionToken!,
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ENDPOINT_URL_S3"] = s3rver.ServiceUrl.AbsoluteUri,
        ["FORCELINK_LOGIN_URL"] = emulator.Host.BaseUrl.ToString(),
        ["FORCELINK_CONSUMER_KEY"] = Emulator.EmulatorFixture.ConsumerKey,
        ["FORCELINK_USERNAME"] = Emulator.EmulatorFixture.Username,
        ["FORCELINK_PRIVATE_KEY_FILE"] = keyFile,
        ["FORCELINK_S3_BUCKET"] = Bucket,
        ["FORCELINK_S3_QUEUE_URL"] = queue.AbsoluteUri,
        ["FORCELINK_S3_FOLLOW_UP_SECONDS"] = "0",
    };

    private static async Task<JsonNode> SummaryAsync(Amazon.S3.AmazonS3Client s3)
    {
        using var response = await s3.GetObjectAsync(Bucket, $"results/{Key}/summary.json");
        using var reader = new StreamReader(response.ResponseStream);
        return JsonNode.Parse(await reader.ReadToEndAsync())!;
    }
}
