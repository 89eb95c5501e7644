using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Forcelink.IntegrationTests.Lambda;

/// <summary>
/// The AWS Parameters and Secrets Lambda Extension's HTTP interface on 127.0.0.1 (free port): answers
/// <c>/secretsmanager/get</c> and <c>/systemsmanager/parameters/get</c> from dictionaries, only with the right token,
/// and can answer 503 a few times first, as an extension that is still starting.
/// </summary>
public sealed class FakeParametersSecretsExtension : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _unavailable;
    private int _requests;

    private FakeParametersSecretsExtension(WebApplication app, string sessionToken)
    {
        _app = app;
        SessionToken = sessionToken;
    }

    public string SessionToken { get; }

    public Dictionary<string, string> Secrets { get; } = [];

    public Dictionary<string, string> Parameters { get; } = [];

    public Uri BaseAddress { get; private set; } = null!;

    public int Port => BaseAddress.Port;

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<FakeParametersSecretsExtension> StartAsync(string sessionToken = "fake-session-token")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeParametersSecretsExtension(app, sessionToken);
        app.MapGet("/secretsmanager/get", (HttpContext http) => fake.AnswerAsync(http, http.Request.Query["secretId"], fake.Secrets, value => new JsonObject { ["ARN"] = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x", ["SecretString"] = value }));
        app.MapGet("/systemsmanager/parameters/get", (HttpContext http) => fake.AnswerAsync(http, http.Request.Query["name"], fake.Parameters, value => new JsonObject { ["Parameter"] = new JsonObject { ["Name"] = "p", ["Type"] = "SecureString", ["Value"] = value } }));
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        fake.BaseAddress = new Uri(app.Urls.Single() + "/");
        return fake;
    }

    /// <summary>The next requests answer 503, as while the extension starts.</summary>
    public void BeUnavailable(int requests) => Interlocked.Exchange(ref _unavailable, requests);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext http, string? name, Dictionary<string, string> store, Func<string, JsonObject> shape)
    {
        Interlocked.Increment(ref _requests);
        if (Interlocked.Decrement(ref _unavailable) >= 0)
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        Interlocked.Exchange(ref _unavailable, 0);
        if (http.Request.Headers["X-Aws-Parameters-Secrets-Token"] != SessionToken)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (name is null || !store.TryGetValue(name, out var value))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("not found", http.RequestAborted);
            return;
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(shape(value).ToJsonString(), http.RequestAborted);
    }
}
