using System.Text;

namespace Forcelink.IntegrationTests.Emulator;

/// <summary>
/// How paths reach the emulator's services: Salesforce's paths are case-sensitive, trailing slashes and the REST API's
/// empty segments do not matter, and the admin API takes its root in any case but its routes as spelt.
/// </summary>
public sealed class RoutingTests
{
    [Theory]
    [InlineData("GET", "/services/data", 200)]
    [InlineData("GET", "/services/data/", 200)]
    [InlineData("GET", "/services/data//", 200)]
    [InlineData("POST", "/services/data", 200)]
    [InlineData("GET", "/Services/Data", 404)]
    [InlineData("GET", "/services/data/v62.0", 401)]
    [InlineData("GET", "/services/data/v99.0", 401)]
    [InlineData("GET", "/Services/data/v62.0", 404)]
    [InlineData("GET", "/services/oauth2/token", 400)]
    [InlineData("GET", "/services/oauth2/token//", 400)]
    [InlineData("GET", "/services/oauth2/Token", 404)]
    [InlineData("GET", "/services/oauth2//token", 404)]
    [InlineData("GET", "/services/oauth2/revoke/", 400)]
    [InlineData("GET", "/id", 404)]
    [InlineData("GET", "/id/", 403)]
    [InlineData("GET", "/id//a/b", 403)]
    [InlineData("GET", "/ID/a/b", 404)]
    [InlineData("GET", "/services/apexrest", 404)]
    [InlineData("GET", "/services/apexrest/", 401)]
    [InlineData("GET", "/services/ApexRest/echo", 404)]
    [InlineData("GET", "/favicon.ico", 404)]
    [InlineData("GET", "/", 404)]
    [InlineData("GET", "/__emulator/faults/", 200)]
    [InlineData("GET", "/__emulator//faults", 200)]
    [InlineData("GET", "/__EMULATOR/faults", 200)]
    [InlineData("GET", "/__emulator/FAULTS", 404)]
    [InlineData("HEAD", "/__emulator/faults", 404)]
    [InlineData("GET", "/__emulator/records/Account/extra", 404)]
    [InlineData("GET", "/__emulator/Records/Account", 404)]
    public async Task WithoutToken_PathDecidesTheService(string method, string path, int expected)
    {
        await using var emulator = await EmulatorFixture.StartAsync();

        using var response = await emulator.SendAsync(new HttpMethod(method), path, token: null);

        Assert.Equal(expected, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/services/data/v62.0/", 200)]
    [InlineData("GET", "/services/data/v62.0//sobjects", 200)]
    [InlineData("GET", "/services/data/v62.0/sobjects/Account/describe/", 200)]
    [InlineData("GET", "/services/data/v62.0/SObjects", 404)]
    [InlineData("GET", "/services/data/v99.0/sobjects", 404)]
    [InlineData("PUT", "/services/data/v62.0/jobs/Ingest/750000000000001AAA/batches", 404)]
    public async Task WithToken_RestPathsAsTheRestApiReadsThem(string method, string path, int expected)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();

        using var response = await emulator.SendAsync(new HttpMethod(method), path, token);

        Assert.Equal(expected, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("/services/data/v62.0/sobjects/ContentVersion", 201)]
    [InlineData("/services/data/v62.0/sobjects/contentversion/", 201)]
    [InlineData("/services/data/v62.0//sobjects//ContentVersion", 201)]
    [InlineData("/services/data/v62.0/SObjects/ContentVersion", 404)]
    [InlineData("/Services/data/v62.0/sobjects/ContentVersion", 404)]
    public async Task MultipartUpload_RoutedLikeTheRestApi(string path, int expected)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        using var content = new MultipartFormDataContent("b");
        content.Add(new StringContent("""{"Title":"a","PathOnClient":"a.txt"}""", Encoding.UTF8, "application/json"), "entity_content");
        content.Add(new ByteArrayContent("hello"u8.ToArray()), "VersionData", "a.txt");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        using var response = await emulator.Http.SendAsync(request);

        Assert.Equal(expected, (int)response.StatusCode);
    }
}
