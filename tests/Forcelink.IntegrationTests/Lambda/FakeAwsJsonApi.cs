using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Forcelink.Aws;

namespace Forcelink.IntegrationTests.Lambda;

/// <summary>
/// Secrets Manager's <c>GetSecretValue</c> and SSM's <c>GetParameter</c> as JSON 1.1 actions on 127.0.0.1 (free port). Each
/// request's SigV4 signature is recomputed from what arrived on the wire (headers, body bytes) with the role's known
/// credentials: a mismatch answers 403 <c>InvalidSignatureException</c>, as AWS does.
/// </summary>
public sealed class FakeAwsJsonApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private FakeAwsJsonApi(WebApplication app, AwsCredentials role, string region)
    {
        _app = app;
        Role = role;
        Region = region;
    }

    internal AwsCredentials Role { get; }

    public string Region { get; }

    public Dictionary<string, string> Secrets { get; } = [];

    public Dictionary<string, string> Parameters { get; } = [];

    public Uri BaseAddress { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    internal static async Task<FakeAwsJsonApi> StartAsync(AwsCredentials role, string region = "eu-west-1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeAwsJsonApi(app, role, region);
        app.MapPost("/", fake.AnswerAsync);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        fake.BaseAddress = new Uri(app.Urls.Single() + "/");
        return fake;
    }

    /// <summary>A loopback port nothing listens on: where a function finds no Parameters and Secrets extension.</summary>
    // Bound, never listening, held until the test process ends: connections are refused, and no server of a test running
    // in parallel can be given the port (a port merely found free could be).
    private static readonly System.Collections.Concurrent.ConcurrentBag<System.Net.Sockets.Socket> HeldPorts = [];

    /// <summary>A loopback port that refuses connections for the rest of the test run.</summary>
    public static int ClosedPort()
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        HeldPorts.Add(socket);
        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext http)
    {
        Interlocked.Increment(ref _requests);
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = buffer.ToArray();
        var target = http.Request.Headers["X-Amz-Target"].ToString();
        var service = target.StartsWith("AmazonSSM.", StringComparison.Ordinal) ? "ssm" : "secretsmanager";
        if (!SignatureHolds(http.Request, body, service, Role, Region))
        {
            await ErrorAsync(http, 403, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided.");
            return;
        }

        var request = JsonNode.Parse(body)!;
        switch (target)
        {
            case "secretsmanager.GetSecretValue" when Secrets.TryGetValue(request["SecretId"]!.GetValue<string>(), out var secret):
                await JsonAsync(http, new JsonObject { ["ARN"] = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x", ["SecretString"] = secret });
                break;
            case "secretsmanager.GetSecretValue":
                await ErrorAsync(http, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
                break;
            case "AmazonSSM.GetParameter" when request["WithDecryption"]?.GetValue<bool>() == true
                && Parameters.TryGetValue(request["Name"]!.GetValue<string>(), out var value):
                await JsonAsync(http, new JsonObject { ["Parameter"] = new JsonObject { ["Name"] = "p", ["Type"] = "SecureString", ["Value"] = value } });
                break;
            case "AmazonSSM.GetParameter":
                await ErrorAsync(http, 400, "ParameterNotFound", "");
                break;
            default:
                await ErrorAsync(http, 400, "UnknownOperationException", "");
                break;
        }
    }

    /// <summary>Whether the request is signed, as AWS checks it, by <paramref name="role"/> for <paramref name="service"/> in <paramref name="region"/>.</summary>
    internal static bool SignatureHolds(HttpRequest request, byte[] body, string service, AwsCredentials role, string region)
    {
        var authorization = request.Headers.Authorization.ToString();
        var signedHeaders = authorization.Split("SignedHeaders=", 2).ElementAtOrDefault(1)?.Split(',')[0].Split(';') ?? [];
        if (!signedHeaders.Contains("host") || !signedHeaders.Contains("x-amz-date") || !signedHeaders.Contains("x-amz-security-token"))
        {
            return false;
        }

        var headers = signedHeaders.ToDictionary(h => h, h => request.Headers[h].ToString(), StringComparer.Ordinal);
        var at = DateTimeOffset.ParseExact(headers["x-amz-date"], "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal);
        var uri = new Uri($"http://{request.Host}{request.Path}{request.QueryString}");
        var expected = SigV4Signer.Authorization(request.Method, uri, headers, body, role, region, service, at);
        return expected == authorization && request.Headers["X-Amz-Security-Token"] == role.SessionToken;
    }

    private static Task JsonAsync(HttpContext http, JsonObject body)
    {
        http.Response.ContentType = "application/x-amz-json-1.1";
        return http.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8, http.RequestAborted);
    }

    private static Task ErrorAsync(HttpContext http, int status, string type, string message)
    {
        http.Response.StatusCode = status;
        return JsonAsync(http, new JsonObject { ["__type"] = type, ["Message"] = message });
    }
}
