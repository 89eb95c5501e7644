using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Forcelink.Lambda;
using Forcelink.Lambda.Runtime;
using Forcelink.Operations;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Forcelink.Aws.Metrics;

namespace Forcelink.Tests.Lambda;

/// <summary>The HTTP API routes (docs/events.md#http-routes): each route to the Salesforce call it makes, each refusal with its status and message.</summary>
public sealed class HttpRouteTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private const string Id = "00Q000000000001AAA";

    private const string Policy = """{"Lead":{"fields":["LastName","Company","Email","Status","Ext_Id__c"]},"Case":{},"Invoice__c":"*"}""";

    private const string Json = "application/json";

    public static TheoryData<string, string, string?, string?, int, string> Routes => new()
    {
        { "POST", "/Lead", null, """{"LastName":"Doe","Company":"Acme"}""", 201, "POST /services/data/v62.0/sobjects/Lead" },
        { "POST", "/lead", null, """{"LastName":"Doe","Company":"Acme"}""", 201, "POST /services/data/v62.0/sobjects/Lead" },
        { "POST", "/leads", null, """{"LastName":"Doe","Company":"Acme"}""", 201, "POST /services/data/v62.0/sobjects/Lead" },
        { "POST", "/INVOICE__C", null, """{"Amount__c":10}""", 201, "POST /services/data/v62.0/sobjects/Invoice__c" },
        { "GET", $"/Lead/{Id}", null, null, 200, $"GET /services/data/v62.0/sobjects/Lead/{Id}" },
        { "GET", $"/Lead/{Id}", "fields=LastName,Email", null, 200, $"GET /services/data/v62.0/sobjects/Lead/{Id}?fields=LastName,Email" },
        { "GET", $"/prod/cases/{Id}", null, null, 200, $"GET /services/data/v62.0/sobjects/Case/{Id}" },
        { "GET", "/Lead", "email=doe@example.com&limit=5&fields=Id,LastName", null, 200, "GET /services/data/v62.0/query?q=SELECT Id, LastName FROM Lead WHERE Email = 'doe@example.com' LIMIT 5" },
        { "PATCH", $"/Lead/{Id}", null, """{"Status":"Working - Contacted"}""", 200, $"PATCH /services/data/v62.0/sobjects/Lead/{Id}" },
        { "PATCH", "/Lead/Ext_Id__c/42", null, """{"LastName":"Doe"}""", 201, "PATCH /services/data/v62.0/sobjects/Lead/Ext_Id__c/42" },
        { "PATCH", "/Lead/ext_id__c/a%2Fb", null, """{"LastName":"Doe"}""", 201, "PATCH /services/data/v62.0/sobjects/Lead/ext_id__c/a/b" },
        { "DELETE", $"/Lead/{Id}", null, null, 200, $"DELETE /services/data/v62.0/sobjects/Lead/{Id}" },
        { "DELETE", $"/cases/{Id}", null, null, 200, $"DELETE /services/data/v62.0/sobjects/Case/{Id}" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task HandleAsync_Route_MakesItsSalesforceCall(string method, string path, string? query, string? body, int status, string call)
    {
        var (sut, transport) = CreateSut(Policy);

        var response = await SendAsync(sut, method, path, query, body, Json);

        Assert.Equal(status, response["statusCode"]!.GetValue<int>());
        var sent = Assert.Single(transport.Requests);
        // A get without fields asks for the policy's; the route is what is checked here.
        Assert.StartsWith(call, $"{sent.Method} {Uri.UnescapeDataString(sent.Uri.PathAndQuery.Replace("+", " ", StringComparison.Ordinal))}", StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_PostWithIdempotencyKeyHeader_CreatesWithThatKey()
    {
        var (sut, transport) = CreateSut(Policy);

        var response = await SendAsync(sut, "POST", "/Lead", null, """{"LastName":"Doe","Company":"Acme"}""", Json, ("Idempotency-Key", "order-4711"));

        Assert.Equal(201, response["statusCode"]!.GetValue<int>());
        Assert.Equal("00Q000000000009AAA", response["headers"]!["location"]!.GetValue<string>());
        Assert.Single(transport.Requests);
    }

    public static TheoryData<string, string, string?, string?, string?, int, string, string?> Refusals => new()
    {
        { "GET", "/Account", null, null, null, 404, "No route for GET /Account. The routes are POST /{object} (create), GET /{object}?Field=value (find), GET /{object}/{id} (get), PATCH /{object}/{id} (update), DELETE /{object}/{id} (delete), PATCH /{object}/{externalIdField}/{value} (upsert), where {object} is one of Lead (also /leads), Case (also /cases), Invoice__c. FORCELINK_POLICY decides the objects (docs/policy.md).", null },
        { "GET", $"/Lead/{Id}/x/y", null, null, null, 404, "No route for GET /Lead/", null },
        { "GET", "/", null, null, null, 404, "No route for GET /.", null },
        { "PUT", $"/Lead/{Id}", null, """{"LastName":"Doe"}""", Json, 405, "PUT is not allowed on /Lead/{id}: use GET (get), PATCH (update) or DELETE (delete).", "GET, PATCH, DELETE" },
        { "DELETE", "/leads", null, null, null, 405, "DELETE is not allowed on /leads: use GET (find) or POST (create).", "GET, POST" },
        { "PUT", "/Lead/Ext_Id__c/42", null, """{"LastName":"Doe"}""", Json, 405, "PUT is not allowed on /Lead/{externalIdField}/{value}: use PATCH (upsert, as Salesforce's own REST API does).", "PATCH" },
        { "GET", "/Lead/Ext_Id__c/42", null, null, null, 405, "GET is not allowed on /Lead/{externalIdField}/{value}", "PATCH" },
        { "POST", "/Lead", null, "LastName=Doe", "application/x-www-form-urlencoded", 415, "The body is application/x-www-form-urlencoded, not JSON: send the record's fields as a JSON object with the header Content-Type: application/json.", null },
        { "PATCH", $"/Lead/{Id}", null, "Doe", "text/plain; charset=utf-8", 415, "The body is text/plain; charset=utf-8, not JSON", null },
        { "PATCH", "/Lead/Ext_Id__c/42", null, "<Lead/>", "application/xml", 415, "not JSON", null },
        { "POST", "/Lead", null, null, Json, 400, "The request has no body", null },
        { "GET", "/Case", "limit=5", null, null, 400, "Give at least one field to match as a query parameter, such as GET /Case?Status=New.", null },
        { "PATCH", "/Lead/Secret__c/1", null, """{"LastName":"Doe"}""", Json, 403, "The field 'Secret__c' of Lead is not allowed. FORCELINK_POLICY decides what callers may use (docs/policy.md)", null },
        { "PATCH", "/Lead/not-an-id", null, """{"LastName":"Doe"}""", Json, 400, "'id' is 'not-an-id', which is not a Salesforce record id", null },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task HandleAsync_RequestNotServed_AnswersStatusAndMessageWithoutCallingSalesforce(string method, string path, string? query, string? body, string? contentType, int status, string message, string? allow)
    {
        var (sut, transport) = CreateSut(Policy);

        var response = await SendAsync(sut, method, path, query, body, contentType);

        Assert.Equal(status, response["statusCode"]!.GetValue<int>());
        Assert.Contains(message, JsonNode.Parse(response["body"]!.GetValue<string>())!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(allow, response["headers"]!["allow"]?.GetValue<string>());
        Assert.Empty(transport.Requests);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/merge-patch+json")]
    [InlineData("TEXT/JSON")]
    public async Task HandleAsync_JsonBodyUnderAnyJsonContentType_IsServed(string? contentType)
    {
        var (sut, _) = CreateSut(Policy);

        var response = await SendAsync(sut, "POST", "/Lead", null, """{"LastName":"Doe","Company":"Acme"}""", contentType);

        Assert.Equal(201, response["statusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task HandleAsync_AliasOfAnObjectThePolicyDoesNotAllow_IsNoRoute()
    {
        var (sut, transport) = CreateSut("""{"Invoice__c":"*"}""");

        var response = await SendAsync(sut, "GET", $"/leads/{Id}", null, null, null);

        Assert.Equal(404, response["statusCode"]!.GetValue<int>());
        Assert.Contains("where {object} is one of Invoice__c.", response["body"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(transport.Requests);
    }

    [Fact]
    public async Task HandleAsync_IdThatSpellsAnObjectName_IsReadAsTheValue()
    {
        var (sut, transport) = CreateSut("""{"Lead":"*","Case":"*"}""");

        var response = await SendAsync(sut, "PATCH", "/Lead/Type__c/Case", null, """{"LastName":"Doe"}""", Json);

        Assert.Equal(201, response["statusCode"]!.GetValue<int>());
        Assert.Equal("/services/data/v62.0/sobjects/Lead/Type__c/Case", Assert.Single(transport.Requests).Uri.AbsolutePath);
    }

    private static async Task<JsonNode> SendAsync(FunctionHandler sut, string method, string path, string? query, string? body, string? contentType, params (string Name, string Value)[] headers)
    {
        var headerMap = new JsonObject();
        if (contentType is not null)
        {
            headerMap["content-type"] = contentType;
        }

        foreach (var (name, value) in headers)
        {
            headerMap[name.ToLowerInvariant()] = value;
        }

        var request = new JsonObject
        {
            ["version"] = "2.0",
            ["routeKey"] = "$default",
            ["rawPath"] = path,
            ["rawQueryString"] = query ?? "",
            ["headers"] = headerMap,
            ["requestContext"] = new JsonObject { ["http"] = new JsonObject { ["method"] = method, ["path"] = Uri.UnescapeDataString(path) } },
            ["isBase64Encoded"] = false,
        };
        if (query is not null)
        {
            var parameters = new JsonObject();
            foreach (var pair in query.Split('&'))
            {
                var (name, value) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
                parameters[name] = Uri.UnescapeDataString(value);
            }

            request["queryStringParameters"] = parameters;
        }

        if (body is not null)
        {
            request["body"] = body;
        }

        var context = new InvocationContext("req-route", Now.AddSeconds(10), null, null, new FakeTimeProvider(Now));
        return JsonNode.Parse((await sut.HandleCheckedAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), context).WaitAsync(TimeSpan.FromSeconds(30))).Span)!;
    }

    private static (FunctionHandler Sut, StubHttpHandler Transport) CreateSut(string policy)
    {
        var time = new FakeTimeProvider(Now);
        var metrics = new EmbeddedMetrics(new StringWriter(), time);
        var transport = new StubHttpHandler()
            .On(HttpMethod.Post, "/services/data/v62.0/sobjects/", _ => StubHttpHandler.Json(HttpStatusCode.Created, """{"id":"00Q000000000009AAA","success":true,"errors":[]}"""))
            .On(HttpMethod.Get, "/services/data/v62.0/sobjects/", _ => StubHttpHandler.Json(HttpStatusCode.OK, $$"""{"attributes":{"type":"Lead"},"Id":"{{Id}}","LastName":"Doe"}"""))
            .On(HttpMethod.Get, "/services/data/v62.0/query", _ => StubHttpHandler.Json(HttpStatusCode.OK, $$"""{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Lead"},"Id":"{{Id}}","LastName":"Doe"}]}"""))
            .On(HttpMethod.Patch, "/services/data/v62.0/sobjects/", r => r.RequestUri!.Segments.Length > 7
                ? StubHttpHandler.Json(HttpStatusCode.Created, """{"id":"00Q000000000009AAA","success":true,"errors":[],"created":true}""")
                : new HttpResponseMessage(HttpStatusCode.NoContent))
            .On(HttpMethod.Delete, "/services/data/v62.0/sobjects/", _ => new HttpResponseMessage(HttpStatusCode.NoContent));
        var client = new SalesforceClient(new FakeCredential(time), new SalesforceClientOptions { TimeProvider = time, Transport = transport, ApiVersion = "62.0" });
        var operations = new Forcelink.Aws.Fleet.IdempotentOperationHandler(
            new OperationHandler(client, OperationPolicy.Parse(policy)), null, "forcelink", TimeSpan.FromHours(1), time, NullLogger.Instance);
        return (new FunctionHandler(operations, metrics, time, NullLogger<FunctionHandler>.Instance), transport);
    }
}
