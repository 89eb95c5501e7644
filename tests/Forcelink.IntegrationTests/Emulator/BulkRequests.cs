using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Forcelink.IntegrationTests.Emulator;

/// <summary>Bulk API 2.0 calls over loopback HTTP with one token: JSON for jobs, raw text for CSV uploads and results.</summary>
internal sealed class BulkRequests(EmulatorFixture emulator, string token, string version = EmulatorFixture.ApiVersion)
{
    public string Root => $"/services/data/v{version}/jobs";

    public string Token => token;

    public static async Task<BulkRequests> StartAsync(EmulatorFixture emulator) => new(emulator, await emulator.GetTokenAsync());

    public BulkRequests WithVersion(string other) => new(emulator, token, other);

    public Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> CallAsync(HttpMethod method, string path, object? body = null) =>
        emulator.CallAsync(method, $"{Root}/{path}", token, body);

    /// <summary>Creates an ingest job and returns its id, failing the test on anything but 200.</summary>
    public async Task<string> CreateIngestAsync(object job)
    {
        var (status, body, _) = await CallAsync(HttpMethod.Post, "ingest", job);
        Assert.True(status == 200, $"create job: {status} {body?.ToJsonString()}");
        return (string)body!["id"]!;
    }

    public async Task<(int Status, string Body)> UploadAsync(string jobId, string csv) =>
        await UploadAsync(jobId, new StringContent(csv, Encoding.UTF8, "text/csv"));

    public async Task<(int Status, string Body)> UploadAsync(string jobId, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{Root}/ingest/{jobId}/batches") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await emulator.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> SetStateAsync(string kind, string jobId, string state) =>
        CallAsync(HttpMethod.Patch, $"{kind}/{jobId}", new { state });

    public async Task<JsonNode> InfoAsync(string kind, string jobId)
    {
        var (status, body, _) = await CallAsync(HttpMethod.Get, $"{kind}/{jobId}");
        Assert.Equal(200, status);
        return body!;
    }

    /// <summary>Create, upload, close: the job id, ready to poll.</summary>
    public async Task<string> RunIngestAsync(object job, string csv)
    {
        var id = await CreateIngestAsync(job);
        Assert.Equal(201, (await UploadAsync(id, csv)).Status);
        var (status, body, _) = await SetStateAsync("ingest", id, "UploadComplete");
        Assert.True(status == 200, $"close: {status} {body?.ToJsonString()}");
        return id;
    }

    /// <summary>A CSV resource: status, body text and the response (for its headers).</summary>
    public async Task<(int Status, string Body, HttpResponseMessage Response)> TextAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Root}/{path}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await emulator.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    public async Task<string> CsvAsync(string path)
    {
        var (status, body, response) = await TextAsync(path);
        Assert.True(status == 200, $"GET {path}: {status} {body}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        return body;
    }
}
