using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using Amazon.Runtime;

namespace Forcelink.IntegrationTests.Fleet;

/// <summary>
/// KMS's two JSON calls, Encrypt and Decrypt, answered in process behind the real SDK client. The "ciphertext" binds
/// the key id and encryption context as KMS does, and refuses anything else; it throws on any other call.
/// </summary>
internal sealed class FakeKms : HttpMessageHandler
{
    public const string KeyArn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";

    private int _encrypts;
    private int _decrypts;

    public int Encrypts => Volatile.Read(ref _encrypts);

    public int Decrypts => Volatile.Read(ref _decrypts);

    public AmazonKeyManagementServiceClient CreateClient() =>
        new(new BasicAWSCredentials("test", "test"), new AmazonKeyManagementServiceConfig
        {
            ServiceURL = "http://127.0.0.1:9",
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
            HttpClientFactory = new Factory(this),
        });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.Single() : "";
        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
        var context = body["EncryptionContext"]?.ToJsonString() ?? "{}";
        switch (target)
        {
            case "TrentService.Encrypt":
            {
                Interlocked.Increment(ref _encrypts);
                var envelope = new JsonObject
                {
                    ["key"] = body["KeyId"]!.GetValue<string>(),
                    ["context"] = context,
                    ["sealed"] = Convert.ToBase64String(Scramble(Convert.FromBase64String(body["Plaintext"]!.GetValue<string>()))),
                };
                return Json(new JsonObject
                {
                    ["CiphertextBlob"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(envelope.ToJsonString())),
                    ["KeyId"] = KeyArn,
                    ["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT",
                });
            }

            case "TrentService.Decrypt":
            {
                Interlocked.Increment(ref _decrypts);
                var envelope = JsonNode.Parse(Convert.FromBase64String(body["CiphertextBlob"]!.GetValue<string>()))!;
                if (envelope["key"]!.GetValue<string>() != body["KeyId"]?.GetValue<string>() || envelope["context"]!.GetValue<string>() != context)
                {
                    return Json(new JsonObject { ["__type"] = "InvalidCiphertextException", ["message"] = "wrong key or context" }, HttpStatusCode.BadRequest);
                }

                return Json(new JsonObject
                {
                    ["Plaintext"] = Convert.ToBase64String(Scramble(Convert.FromBase64String(envelope["sealed"]!.GetValue<string>()))),
                    ["KeyId"] = KeyArn,
                    ["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT",
                });
            }

            default:
                throw new InvalidOperationException($"Unexpected KMS call {target}.");
        }
    }

    private static byte[] Scramble(byte[] bytes) => [.. bytes.Select(b => (byte)(b ^ 0x5A))];

    private static HttpResponseMessage Json(JsonObject body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.1") };

    private sealed class Factory(FakeKms handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
    }
}
