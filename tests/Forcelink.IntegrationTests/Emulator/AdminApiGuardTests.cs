using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Forcelink.IntegrationTests.Emulator;

/// <summary>What keeps a web page the developer visits away from the emulator, and what the admin API refuses as input.</summary>
public sealed class AdminApiGuardTests
{
    private static async Task<(HttpStatusCode Status, string Error)> SendAsync(
        EmulatorFixture emulator, HttpMethod method, string path, string? json = null, string contentType = "application/json", IDictionary<string, string>? headers = null, string? host = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, contentType);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var response = await emulator.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var error = response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created ? "" : JsonNode.Parse(text)!["error"]!.GetValue<string>();
        return (response.StatusCode, error);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("127.0.0.1.evil.example")]
    [InlineData("localhost.evil.example")]
    [InlineData("10.0.0.1")]
    public async Task ForeignHost_AdminAndRest_403(string name)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var token = await emulator.GetTokenAsync();
        var host = $"{name}:{emulator.Host.BaseUrl.Port}";
        var (status, error) = await SendAsync(emulator, HttpMethod.Get, "/__emulator/requests", host: host);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.StartsWith($"Host '{host}' is not a loopback name or address.", error, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/services/data/v{EmulatorFixture.ApiVersion}/limits");
        request.Headers.Host = host;
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var rest = await emulator.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, rest.StatusCode);
        Assert.Equal("FORBIDDEN", JsonNode.Parse(await rest.Content.ReadAsStringAsync())![0]!["errorCode"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST")]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("[::1]")]
    public async Task LoopbackHost_AnyPort_Answered(string name)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(emulator, HttpMethod.Get, "/__emulator/faults", host: $"{name}:1234")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(emulator, HttpMethod.Get, "/services/data", host: name)).Status);
    }

    [Theory]
    [InlineData("Origin", "http://evil.example", "Refused a POST from Origin 'http://evil.example'")]
    [InlineData("Origin", "null", "Refused a POST from Origin 'null'")]
    [InlineData("Origin", "http://127.0.0.1:1", "Refused a POST from Origin 'http://127.0.0.1:1'")]
    [InlineData("Sec-Fetch-Site", "cross-site", "Refused a POST with Sec-Fetch-Site: cross-site.")]
    [InlineData("Sec-Fetch-Site", "same-site", "Refused a POST with Sec-Fetch-Site: same-site.")]
    public async Task CrossOriginWrite_403AndNothingChanged(string header, string value, string expected)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var (status, error) = await SendAsync(emulator, HttpMethod.Post, "/__emulator/faults", """{"kind":"DropConnection"}""", headers: new Dictionary<string, string> { [header] = value });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.Empty(emulator.Host.Org.Faults);
    }

    [Fact]
    public async Task OwnOriginWrite_Accepted()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var headers = new Dictionary<string, string> { ["Origin"] = emulator.Audience, ["Sec-Fetch-Site"] = "same-origin" };
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(emulator, HttpMethod.Post, "/__emulator/faults", """{"kind":"DropConnection"}""", headers: headers)).Status);
        Assert.Single(emulator.Host.Org.Faults);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data")]
    public async Task NonJsonWrite_415AndNothingChanged(string contentType)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var (status, error) = await SendAsync(emulator, HttpMethod.Post, "/__emulator/faults", """{"kind":"DropConnection"}""", contentType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.StartsWith($"Content-Type must be application/json, got '{contentType}; charset=utf-8'.", error, StringComparison.Ordinal);
        Assert.Empty(emulator.Host.Org.Faults);
    }

    [Theory]
    [InlineData("POST", "faults", """{"pathPrefix":"/services/"}""", "kind is required: one of Latency, ServiceUnavailable, BadGateway, GatewayTimeout, DropConnection, UnableToLockRow, HtmlErrorPage, CommitThenDropConnection, CommitThenServerError")]
    [InlineData("POST", "faults", """{"kind":"Teleport"}""", "kind must be one of Latency, ServiceUnavailable, BadGateway, GatewayTimeout, DropConnection, UnableToLockRow, HtmlErrorPage, CommitThenDropConnection, CommitThenServerError, got \"Teleport\"")]
    [InlineData("POST", "faults", """{"kind":4}""", "kind must be one of Latency, ServiceUnavailable, BadGateway, GatewayTimeout, DropConnection, UnableToLockRow, HtmlErrorPage, CommitThenDropConnection, CommitThenServerError, got 4")]
    [InlineData("POST", "faults", """{"kind":"Latency","probability":1.5}""", "probability must be from 0 to 1, got 1.5")]
    [InlineData("POST", "faults", """{"kind":"Latency","probability":-0.1}""", "probability must be from 0 to 1, got -0.1")]
    [InlineData("POST", "faults", """{"kind":"Latency","count":-1}""", "count must be at least 1 (or null for every matching request), got -1")]
    [InlineData("POST", "faults", """{"kind":"Latency","count":0}""", "count must be at least 1 (or null for every matching request), got 0")]
    [InlineData("POST", "faults", """{"kind":"Latency","latencyMilliseconds":-5}""", "latencyMilliseconds must be from 0 to 2147483647, got -5")]
    [InlineData("POST", "faults", """{"kind":"HtmlErrorPage","statusCode":99}""", "statusCode must be from 200 to 599 (or null for the fault's usual status), got 99")]
    [InlineData("POST", "faults", """{"kind":"Latency","pathPrefix":"services"}""", "pathPrefix must start with '/', got 'services'")]
    [InlineData("POST", "faults", """[{"kind":"Latency"}]""", "the body must be a JSON object, got Array")]
    [InlineData("POST", "users", """{"username":""}""", "username must be 1 to 80 characters without spaces, got ''")]
    [InlineData("POST", "users", """{"username":"a b@example.com"}""", "username must be 1 to 80 characters without spaces, got 'a b@example.com'")]
    [InlineData("POST", "users", """{"username":"x@example.com","lastName":""}""", "lastName must be 1 to 80 characters, got ''")]
    [InlineData("POST", "users", """{"username":"x@example.com","profile":""}""", "profile must name a profile, e.g. 'System Administrator'")]
    [InlineData("POST", "apps", """{"name":"X","consumerKey":"","certificatePem":"-----BEGIN CERTIFICATE-----"}""", "consumerKey must not be empty; certificatePem must be a PEM X.509 certificate")]
    [InlineData("POST", "profiles", """{"name":""}""", "name must not be empty")]
    [InlineData("POST", "permission-sets", """{"name":" "}""", "name must not be empty")]
    [InlineData("PUT", "limits", """{"max":0}""", "max must be a whole number from 1 to 2147483647, got 0")]
    [InlineData("PUT", "limits", """{"max":-10}""", "max must be a whole number from 1 to 2147483647, got -10")]
    [InlineData("PUT", "limits", """{"used":-1,"max":5}""", "used must be a whole number from 0 to 2147483647, got -1")]
    [InlineData("PUT", "limits", """{"max":"lots"}""", "max must be a whole number from 1 to 2147483647, got \"lots\"")]
    [InlineData("POST", "tokens/revoke", """{"token":42}""", "token must be a non-empty string, got 42")]
    [InlineData("POST", "tokens/revoke", """{"username":""}""", "username must be a non-empty string, got \"\"")]
    [InlineData("POST", "records/Lead", """[{"LastName":"A","Company":"x"},5]""", "records[1] must be a JSON object of field values, got Number")]
    public async Task InvalidBody_400NamingFieldAndRange_NothingChanged(string method, string route, string json, string expected)
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var (status, error) = await SendAsync(emulator, new HttpMethod(method), $"/__emulator/{route}", json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.Empty(emulator.Host.Org.Faults);
        Assert.Single(emulator.Host.Org.Users);
        Assert.Single(emulator.Host.Org.Options.Apps);
        Assert.Equal(100_000, emulator.Host.Org.Options.DailyApiLimit);
        Assert.Equal(0, emulator.Host.Org.ApiUsed);
        Assert.Equal(0, emulator.Host.Org.Store.Count("Lead", true));
    }

    [Fact]
    public async Task ValidFaultThroughAdmin_CommitThenKindAccepted()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var (status, _) = await SendAsync(emulator, HttpMethod.Post, "/__emulator/faults", """{"kind":"CommitThenServerError","pathPrefix":"/services/data/","count":1,"statusCode":502}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var rule = Assert.Single(emulator.Host.Org.Faults);
        Assert.Equal(Forcelink.Emulator.Hosting.FaultKind.CommitThenServerError, rule.Kind);
        Assert.Equal(502, rule.StatusCode);
    }

    [Fact]
    public async Task BodylessWrite_NoContentTypeNeeded()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        emulator.Host.Org.AddFault(new Forcelink.Emulator.Hosting.FaultRule { Kind = Forcelink.Emulator.Hosting.FaultKind.DropConnection });
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(emulator, HttpMethod.Delete, "/__emulator/faults")).Status);
        Assert.Empty(emulator.Host.Org.Faults);
    }
}
