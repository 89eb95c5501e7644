using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Forcelink.Aws.Secrets;
using Forcelink.Aws;

namespace Forcelink.Tests.Lambda;

public sealed class AwsJsonClientTests : IDisposable
{
    private static readonly AwsCredentials Role = new("ASIAEXAMPLE", "role-secret-access-key", "role-session-token");
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 2, 30, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly AwsRoute _aws = new();
    private readonly HttpClient _http;
    private readonly Dictionary<string, string?> _environment = [];

    public AwsJsonClientTests() => _http = new HttpClient(_aws);

    public void Dispose() => _http.Dispose();

    private AwsJsonClient CreateSut(string region = "eu-west-1") =>
        new(_http, Role, region, name => _environment.GetValueOrDefault(name), _time, NullLogger<AwsJsonClient>.Instance);

    [Fact]
    public async Task GetSecretValueAsync_SignedJson11Request()
    {
        _aws.Reply = _ => (HttpStatusCode.OK, """{"Name":"forcelink/jwt-key","SecretString":"PEM"}""");

        using var answer = await CreateSut().GetSecretValueAsync("forcelink/jwt-key");

        Assert.Equal("PEM", answer.RootElement.GetProperty("SecretString").GetString());
        var request = Assert.Single(_aws.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri("https://secretsmanager.eu-west-1.amazonaws.com/"), request.Uri);
        Assert.Equal("""{"SecretId":"forcelink/jwt-key"}""", request.Body);
        Assert.Equal("secretsmanager.GetSecretValue", request.Headers["X-Amz-Target"]);
        Assert.Equal("application/x-amz-json-1.1", request.Headers["Content-Type"]);
        Assert.Equal("20261127T023000Z", request.Headers["X-Amz-Date"]);
        Assert.Equal("role-session-token", request.Headers["X-Amz-Security-Token"]);
        var expected = SigV4Signer.Authorization(
            "POST",
            request.Uri,
            new Dictionary<string, string>
            {
                ["content-type"] = "application/x-amz-json-1.1",
                ["host"] = "secretsmanager.eu-west-1.amazonaws.com",
                ["x-amz-date"] = "20261127T023000Z",
                ["x-amz-security-token"] = "role-session-token",
                ["x-amz-target"] = "secretsmanager.GetSecretValue",
            },
            Encoding.UTF8.GetBytes(request.Body),
            Role,
            "eu-west-1",
            "secretsmanager",
            Now);
        Assert.Equal(expected, request.Headers["Authorization"]);
        Assert.StartsWith(
            "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261127/eu-west-1/secretsmanager/aws4_request, " +
            "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=",
            expected,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetParameterAsync_AsksForDecryptionFromSsm()
    {
        _aws.Reply = _ => (HttpStatusCode.OK, """{"Parameter":{"Name":"/forcelink/key","Type":"SecureString","Value":"PEM"}}""");

        using var answer = await CreateSut("cn-north-1").GetParameterAsync("/forcelink/key");

        Assert.Equal("PEM", answer.RootElement.GetProperty("Parameter").GetProperty("Value").GetString());
        var request = Assert.Single(_aws.Requests);
        Assert.Equal(new Uri("https://ssm.cn-north-1.amazonaws.com.cn/"), request.Uri);
        Assert.Equal("""{"Name":"/forcelink/key","WithDecryption":true}""", request.Body);
        Assert.Equal("AmazonSSM.GetParameter", request.Headers["X-Amz-Target"]);
        Assert.Contains("/cn-north-1/ssm/aws4_request", request.Headers["Authorization"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ResourceNotFoundException", "Secrets Manager can't find the specified secret.", "was not found")]
    [InlineData("AccessDeniedException", "User is not authorized to perform: secretsmanager:GetSecretValue", "give the function's role secretsmanager:GetSecretValue")]
    [InlineData("DecryptionFailure", "Access to KMS is not allowed", "kms:Decrypt")]
    [InlineData("UnrecognizedClientException", "The security token included in the request is invalid.", "did not accept the function's credentials")]
    public async Task GetSecretValueAsync_ClientError_ExplainedWithoutRetryOrSecrets(string type, string message, string fix)
    {
        _aws.Reply = _ => (HttpStatusCode.BadRequest, $$"""{"__type":"{{type}}","Message":"{{message}}"}""");

        var error = await Assert.ThrowsAsync<FunctionConfigurationException>(() => CreateSut().GetSecretValueAsync("forcelink/jwt-key"));

        Assert.Contains("Secrets Manager secret 'forcelink/jwt-key'", error.Message, StringComparison.Ordinal);
        Assert.Contains(fix, error.Message, StringComparison.Ordinal);
        Assert.Contains(type, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("role-secret-access-key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("role-session-token", error.Message, StringComparison.Ordinal);
        Assert.Single(_aws.Requests);
    }

    [Fact]
    public async Task GetSecretValueAsync_Throttled_RetriesAfterTheDelay()
    {
        var calls = 0;
        _aws.Reply = _ => ++calls == 1
            ? (HttpStatusCode.BadRequest, """{"__type":"ThrottlingException","Message":"Rate exceeded"}""")
            : (HttpStatusCode.OK, """{"SecretString":"PEM"}""");

        var read = CreateSut().GetSecretValueAsync("forcelink/jwt-key");
        while (!read.IsCompleted)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        using var answer = await read;
        Assert.Equal(2, _aws.Requests.Count);
        Assert.Equal("20261127T023000Z", _aws.Requests[0].Headers["X-Amz-Date"]);
        Assert.NotEqual(_aws.Requests[0].Headers["X-Amz-Date"], _aws.Requests[1].Headers["X-Amz-Date"]);
    }

    [Fact]
    public void Endpoint_Overrides_ServiceVariableFirstAndHttpsOffLoopback()
    {
        _environment["AWS_ENDPOINT_URL"] = "https://vpce-1.example.com/";
        _environment["AWS_ENDPOINT_URL_SSM"] = "http://127.0.0.1:4566/";
        var sut = CreateSut();

        Assert.Equal(new Uri("http://127.0.0.1:4566/"), sut.Endpoint("ssm"));
        Assert.Equal(new Uri("https://vpce-1.example.com/"), sut.Endpoint("secretsmanager"));

        _environment["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = "http://secrets.example.com/";
        var error = Assert.Throws<FunctionConfigurationException>(() => sut.Endpoint("secretsmanager"));
        Assert.Contains("is not an https:// URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParametersSecretsClient_NoExtensionListening_ReadsFromTheApiOnceDetected()
    {
        _aws.Reply = r => r.Uri.Host == "localhost"
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused")
            : (HttpStatusCode.OK, """{"SecretString":"PEM"}""");
        var sut = new ParametersSecretsClient(
            _http, ParametersSecretsClient.DefaultAddress(2773), "role-session-token", CreateSut(), _time, NullLogger<ParametersSecretsClient>.Instance);

        Assert.Equal("PEM", await sut.GetSecretStringAsync("forcelink/jwt-key"));
        Assert.Equal("PEM", await sut.GetSecretStringAsync("forcelink/jwt-key"));

        Assert.Equal(["localhost", "secretsmanager.eu-west-1.amazonaws.com", "secretsmanager.eu-west-1.amazonaws.com"], _aws.Requests.Select(r => r.Uri.Host));
    }

    [Fact]
    public async Task ParametersSecretsClient_NoSessionToken_GoesStraightToTheApi()
    {
        _aws.Reply = _ => (HttpStatusCode.OK, """{"Parameter":{"Value":"PEM"}}""");
        var sut = new ParametersSecretsClient(
            _http, ParametersSecretsClient.DefaultAddress(2773), null, CreateSut(), _time, NullLogger<ParametersSecretsClient>.Instance);

        Assert.Equal("PEM", await sut.GetParameterValueAsync("/forcelink/key"));

        Assert.Equal("ssm.eu-west-1.amazonaws.com", Assert.Single(_aws.Requests).Uri.Host);
    }

    [Fact]
    public async Task SendMessageBatchAsync_SignedJson10RequestToTheQueuesRegion()
    {
        _aws.Reply = _ => (HttpStatusCode.OK, """{"Successful":[{"Id":"0","MessageId":"a"}],"Failed":[{"Id":"1","SenderFault":false,"Code":"InternalError","Message":"failed"}]}""");
        var queue = new Uri("https://sqs.us-east-2.amazonaws.com/123456789012/failures");

        var result = await CreateSut().SendMessageBatchAsync(queue, [
            new SqsBatchEntry("0", "{\"a\":1}", [("ErrorCode", "INVALID_REQUEST")]),
            new SqsBatchEntry("1", "b", [], "g", "d"),
            new SqsBatchEntry("2", "c", []),
        ]);

        Assert.Equal(["0"], result.Sent);
        Assert.Equal("InternalError: failed", result.Failed["1"]);
        Assert.Equal("SQS did not list the message as sent", result.Failed["2"]);
        var request = Assert.Single(_aws.Requests);
        Assert.Equal(new Uri("https://sqs.us-east-2.amazonaws.com/"), request.Uri);
        Assert.Equal("AmazonSQS.SendMessageBatch", request.Headers["X-Amz-Target"]);
        Assert.Equal("application/x-amz-json-1.0", request.Headers["Content-Type"]);
        Assert.Contains("/us-east-2/sqs/aws4_request", request.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Equal(
            """{"QueueUrl":"https://sqs.us-east-2.amazonaws.com/123456789012/failures","Entries":[""" +
            """{"Id":"0","MessageBody":"{\u0022a\u0022:1}","MessageAttributes":{"ErrorCode":{"DataType":"String","StringValue":"INVALID_REQUEST"}}},""" +
            """{"Id":"1","MessageBody":"b","MessageGroupId":"g","MessageDeduplicationId":"d"},{"Id":"2","MessageBody":"c"}]}""",
            request.Body);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, """{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}""", "HTTP 400 QueueDoesNotExist: The specified queue does not exist.")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "", "HTTP 503")]
    public async Task SendMessageBatchAsync_CallFails_EveryEntryFailsWithTheReasonAndIsNotRetried(HttpStatusCode status, string body, string reason)
    {
        _aws.Reply = _ => (status, body);

        var result = await CreateSut().SendMessageBatchAsync(new Uri("https://sqs.eu-west-1.amazonaws.com/123456789012/failures"), [new SqsBatchEntry("0", "a", []), new SqsBatchEntry("1", "b", [])]);

        Assert.Empty(result.Sent);
        Assert.Equal([reason, reason], result.Failed.Values);
        Assert.Single(_aws.Requests);
    }

    [Theory]
    [InlineData("https://sqs.ap-southeast-2.amazonaws.com/123456789012/q", "https://sqs.ap-southeast-2.amazonaws.com/", "ap-southeast-2")]
    [InlineData("https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q", "https://sqs.cn-north-1.amazonaws.com.cn/", "cn-north-1")]
    [InlineData("https://us-west-2.queue.amazonaws.com/123456789012/q", "https://sqs.us-west-2.amazonaws.com/", "us-west-2")]
    [InlineData("https://queue.amazonaws.com/123456789012/q", "https://sqs.us-east-1.amazonaws.com/", "us-east-1")]
    [InlineData("https://vpce-1-abc.sqs.eu-west-1.vpce.amazonaws.com/123456789012/q", "https://vpce-1-abc.sqs.eu-west-1.vpce.amazonaws.com/", "eu-west-1")]
    [InlineData("http://127.0.0.1:9324/000000000000/q", "http://127.0.0.1:9324/", "eu-west-1")]
    public void QueueEndpoint_FromTheQueueUrl(string queueUrl, string endpoint, string region)
    {
        Assert.Equal((new Uri(endpoint), region), CreateSut().QueueEndpoint(new Uri(queueUrl)));
    }

    [Fact]
    public void QueueEndpoint_OverrideWins()
    {
        _environment["AWS_ENDPOINT_URL_SQS"] = "http://localhost:4566/";

        Assert.Equal((new Uri("http://localhost:4566/"), "eu-west-1"), CreateSut().QueueEndpoint(new Uri("https://sqs.us-east-2.amazonaws.com/123456789012/q")));
    }

    private sealed record SeenRequest(HttpMethod Method, Uri Uri, Dictionary<string, string> Headers, string Body);

    /// <summary>Records each request with its headers as sent, and answers with <see cref="Reply"/>.</summary>
    private sealed class AwsRoute : HttpMessageHandler
    {
        public List<SeenRequest> Requests { get; } = [];

        public Func<SeenRequest, (HttpStatusCode Status, string Body)> Reply { get; set; } = _ => (HttpStatusCode.NotFound, "{}");

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
                .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            var seen = new SeenRequest(request.Method, request.RequestUri!, headers,
                request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken));
            Requests.Add(seen);
            var (status, body) = Reply(seen);
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.1"), RequestMessage = request };
        }
    }
}
