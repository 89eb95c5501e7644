using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Emulator.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.IntegrationTests.Emulator;

/// <summary>
/// Starts an emulated org on 127.0.0.1 (free port) with one connected app holding a fresh self-signed certificate and
/// one pre-authorized System Administrator; signs JWT assertions and sends REST calls over real loopback HTTP.
/// </summary>
internal sealed class EmulatorFixture : IAsyncDisposable
{
    public const string ConsumerKey = "3MVG9emulatorConsumerKey";
    public const string Username = "integration@example.com";
    public const string ApiVersion = "62.0";

    private static readonly Lazy<(RSA Key, string CertificatePem)> SharedKey = new(CreateKeyPair);

    private EmulatorFixture(EmulatorHost host, FakeTimeProvider time)
    {
        Host = host;
        Time = time;
        Http = new HttpClient { BaseAddress = host.BaseUrl };
    }

    public EmulatorHost Host { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; }

    public static RSA Key => SharedKey.Value.Key;

    public static string CertificatePem => SharedKey.Value.CertificatePem;

    public string Audience => Host.BaseUrl.GetLeftPart(UriPartial.Authority);

    public static async Task<EmulatorFixture> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
        var options = new EmulatorOptions { TimeProvider = time };
        options.Org.Apps.Add(new AppOptions { Name = "Forcelink", ConsumerKey = ConsumerKey, CertificatePem = CertificatePem, Profiles = ["System Administrator"] });
        options.Org.Users.Add(new UserOptions { Username = Username, FirstName = "Integration", LastName = "User" });
        configure?.Invoke(options);
        var host = await EmulatorHost.StartAsync(options);
        return new EmulatorFixture(host, time);
    }

    public static (RSA Key, string CertificatePem) CreateKeyPair()
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=forcelink-tests", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return (key, certificate.ExportCertificatePem());
    }

    /// <summary>Claims default to a valid assertion; pass values to vary them, or edit the claim set through <paramref name="claims"/>.</summary>
    public string CreateAssertion(
        string? issuer = ConsumerKey,
        string? subject = Username,
        JsonNode? audience = null,
        JsonNode? expiry = null,
        RSA? key = null,
        string algorithm = "RS256",
        Action<JsonObject>? claims = null)
    {
        var payload = new JsonObject
        {
            ["iss"] = issuer,
            ["sub"] = subject,
            ["aud"] = audience ?? "https://login.salesforce.com",
            ["exp"] = expiry ?? Time.GetUtcNow().AddMinutes(3).ToUnixTimeSeconds(),
        };
        claims?.Invoke(payload);
        return Sign(new JsonObject { ["alg"] = algorithm, ["typ"] = "JWT" }, payload, key ?? Key);
    }

    public static string Sign(JsonObject header, JsonObject payload, RSA key)
    {
        var signed = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signed + "." + Base64Url(signature);
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public Task<HttpResponseMessage> RequestTokenAsync(string assertion, string grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer") =>
        Http.PostAsync("/services/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = grantType,
            ["assertion"] = assertion,
        }));

    /// <summary>Runs the JWT bearer flow and returns the access token.</summary>
    public async Task<string> GetTokenAsync(string? username = null)
    {
        using var response = await RequestTokenAsync(CreateAssertion(subject: username ?? Username));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Token request failed: {(int)response.StatusCode} {body}");
        }

        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path.StartsWith('/') ? path : $"/services/data/v{ApiVersion}/{path}");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            var json = body as string ?? JsonSerializer.Serialize(body);
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>Status and parsed JSON body (null when empty).</summary>
    public async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> CallAsync(HttpMethod method, string path, string? token, object? body = null, IDictionary<string, string>? headers = null)
    {
        var response = await SendAsync(method, path, token, body, headers);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    public async Task<string> CreateAsync(string token, string type, object fields)
    {
        var (status, body, _) = await CallAsync(HttpMethod.Post, $"sobjects/{type}", token, fields);
        if (status != 201)
        {
            throw new InvalidOperationException($"Create {type} failed: {status} {body?.ToJsonString()}");
        }

        return body!["id"]!.GetValue<string>();
    }

    /// <summary>The Content-Type exactly as sent (HttpClient's parsed value re-formats it with a space).</summary>
    public static string RawContentType(HttpResponseMessage response) => response.Content.Headers.NonValidated["Content-Type"].ToString();

    public static string Compact(string json) => JsonNode.Parse(json)!.ToJsonString();

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}
