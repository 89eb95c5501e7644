using System.Text;
using System.Text.Json.Nodes;
using Forcelink.IntegrationTests.Library;
using Forcelink.Lambda;
using Forcelink.Lambda.Runtime;
using Forcelink.Operations;
using Forcelink.Tests.Lambda;
using Microsoft.Extensions.Logging.Abstractions;
using Forcelink.Aws.Metrics;

namespace Forcelink.IntegrationTests.Lambda;

/// <summary>Each event kind end to end: the function's handler, the library, and the emulator over loopback.</summary>
public sealed class FunctionEventTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task DirectInvoke_LeadAndCaseLifecycle_AnswersTheContract()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var sut = CreateSut(fixture, out _);

        var created = await InvokeAsync(sut, fixture, """{"operation":"create","object":"Lead","fields":{"LastName":"Doe","Company":"Acme","Email":"doe@example.com"}}""");
        Assert.True(created["ok"]!.GetValue<bool>());
        Assert.Equal(201, created["statusCode"]!.GetValue<int>());
        var id = created["id"]!.GetValue<string>();

        var found = await InvokeAsync(sut, fixture, """{"operation":"find","object":"Lead","where":{"Email":"doe@example.com"},"fields":["Id","Name","Email"],"limit":10}""");
        Assert.Equal(1, found["totalSize"]!.GetValue<int>());
        Assert.Equal("""{"Id":"ID","Name":"Doe","Email":"doe@example.com"}""".Replace("ID", id, StringComparison.Ordinal), found["records"]![0]!.ToJsonString());

        var updated = await InvokeAsync(sut, fixture, $$$"""{"operation":"update","object":"Lead","id":"{{{id}}}","fields":{"Status":"Working - Contacted"}}""");
        Assert.Equal("""{"ok":true,"statusCode":200,"id":"ID"}""".Replace("ID", id, StringComparison.Ordinal), updated.ToJsonString());

        var read = await InvokeAsync(sut, fixture, $$"""{"operation":"get","object":"Lead","id":"{{id}}","fields":["Status"]}""");
        Assert.Equal("Working - Contacted", read["record"]!["Status"]!.GetValue<string>());

        var deleted = await InvokeAsync(sut, fixture, $$"""{"operation":"delete","object":"Lead","id":"{{id}}"}""");
        Assert.True(deleted["ok"]!.GetValue<bool>());

        var gone = await InvokeAsync(sut, fixture, $$"""{"operation":"get","object":"Lead","id":"{{id}}"}""");
        Assert.Equal("""{"ok":false,"statusCode":404,"error":{"code":"ENTITY_IS_DELETED","message":"entity is deleted","fields":[],"retryable":false}}""", gone.ToJsonString());

        var caseCreated = await InvokeAsync(sut, fixture, """{"operation":"create","object":"Case","fields":{"Subject":"Broken","Origin":"Web"}}""");
        var caseRead = await InvokeAsync(sut, fixture, $$"""{"operation":"get","object":"Case","id":"{{caseCreated["id"]}}"}""");
        Assert.Equal("New", caseRead["record"]!["Status"]!.GetValue<string>());
    }

    [Fact]
    public async Task DirectInvoke_SalesforceRefusal_IsAnsweredNotThrown()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var sut = CreateSut(fixture, out _);

        var answer = await InvokeAsync(sut, fixture, """{"operation":"create","object":"Lead","fields":{"Company":"Acme"}}""");

        Assert.Equal("""{"ok":false,"statusCode":400,"error":{"code":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [LastName]","fields":["LastName"],"retryable":false}}""", answer.ToJsonString());
    }

    [Fact]
    public async Task DirectInvoke_Upsert_ReportsCreatedThenUpdated()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var sut = CreateSut(fixture, out _, OperationPolicy.Parse("""{"Invoice__c":"*"}"""));

        var first = await InvokeAsync(sut, fixture, """{"operation":"upsert","object":"Invoice__c","externalIdField":"Number__c","externalId":"42","fields":{"Amount__c":10}}""");
        var second = await InvokeAsync(sut, fixture, """{"operation":"upsert","object":"Invoice__c","externalIdField":"Number__c","externalId":"42","fields":{"Amount__c":20}}""");

        Assert.Equal((201, true), (first["statusCode"]!.GetValue<int>(), first["created"]!.GetValue<bool>()));
        Assert.Equal((200, false), (second["statusCode"]!.GetValue<int>(), second["created"]!.GetValue<bool>()));
        Assert.Equal(first["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task DirectInvoke_LeadUpsertByCustomExternalId_IssueExample()
    {
        await using var fixture = await ClientFixture.StartAsync(options =>
            options.Org.CustomFields["Lead"] = [new Forcelink.Emulator.Hosting.CustomFieldOptions { Name = "Ext_Id__c", ExternalId = true, Unique = true }]);
        var sut = CreateSut(fixture, out _, OperationPolicy.Parse("""{"Lead":{"fields":["LastName","Company","Email","Status","Ext_Id__c"]}}"""));

        var first = await InvokeAsync(sut, fixture, """{"operation":"upsert","object":"Lead","externalIdField":"Ext_Id__c","externalId":"42","fields":{"LastName":"Doe","Company":"Acme"}}""");
        var second = await InvokeAsync(sut, fixture, """{"operation":"upsert","object":"Lead","externalIdField":"Ext_Id__c","externalId":"42","fields":{"Status":"Working - Contacted"}}""");
        var found = await InvokeAsync(sut, fixture, """{"operation":"find","object":"Lead","where":{"Ext_Id__c":"42"},"fields":["LastName","Status"]}""");

        Assert.True(first["created"]!.GetValue<bool>());
        Assert.False(second["created"]!.GetValue<bool>());
        Assert.Equal("""[{"LastName":"Doe","Status":"Working - Contacted"}]""", found["records"]!.ToJsonString());
    }

    [Fact]
    public async Task HttpApi_LeadsRoutes_AnswerPayload2Responses()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var sut = CreateSut(fixture, out _);

        var post = await HttpAsync(sut, fixture, "POST", "/leads", body: """{"LastName":"Roe","Company":"Acme","Email":"roe@example.com"}""");
        Assert.Equal(201, post["statusCode"]!.GetValue<int>());
        var id = JsonNode.Parse(post["body"]!.GetValue<string>())!["id"]!.GetValue<string>();
        Assert.Equal(id, post["headers"]!["location"]!.GetValue<string>());

        var find = await HttpAsync(sut, fixture, "GET", "/leads", query: new() { ["email"] = "roe@example.com", ["fields"] = "Id,LastName" });
        Assert.Equal(200, find["statusCode"]!.GetValue<int>());
        Assert.Contains("\"LastName\":\"Roe\"", find["body"]!.GetValue<string>(), StringComparison.Ordinal);

        var patch = await HttpAsync(sut, fixture, "PATCH", $"/leads/{id}", body: """{"Status":"Working - Contacted"}""");
        Assert.Equal(200, patch["statusCode"]!.GetValue<int>());

        var get = await HttpAsync(sut, fixture, "GET", $"/$default/leads/{id}");
        Assert.True(get["body"]!.GetValue<string>().Contains("Working - Contacted", StringComparison.Ordinal), get["body"]!.GetValue<string>());

        var delete = await HttpAsync(sut, fixture, "DELETE", $"/leads/{id}");
        Assert.Equal(200, delete["statusCode"]!.GetValue<int>());
        var again = await HttpAsync(sut, fixture, "GET", $"/leads/{id}");
        Assert.Equal(404, again["statusCode"]!.GetValue<int>());

        var caseCreated = await HttpAsync(sut, fixture, "POST", "/cases", body: Convert.ToBase64String("""{"Subject":"Encoded"}"""u8), base64: true);
        Assert.Equal(201, caseCreated["statusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task HttpApi_RoutesOfAPolicyObject_CreateGetFindUpsertUpdateDelete()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var sut = CreateSut(fixture, out _, OperationPolicy.Parse("""{"Invoice__c":"*"}"""));

        var post = await HttpAsync(sut, fixture, "POST", "/invoice__c", body: """{"Number__c":"7","Amount__c":10}""");
        Assert.Equal(201, post["statusCode"]!.GetValue<int>());
        var id = post["headers"]!["location"]!.GetValue<string>();

        var get = await HttpAsync(sut, fixture, "GET", $"/Invoice__c/{id}", query: new() { ["fields"] = "Amount__c" });
        Assert.Equal(10m, JsonNode.Parse(get["body"]!.GetValue<string>())!["record"]!["Amount__c"]!.GetValue<decimal>());

        var upserted = await HttpAsync(sut, fixture, "PATCH", "/Invoice__c/Number__c/7", body: """{"Amount__c":20}""");
        Assert.Equal("""{"ok":true,"statusCode":200,"id":"ID","created":false}""".Replace("ID", id, StringComparison.Ordinal), upserted["body"]!.GetValue<string>());

        var found = await HttpAsync(sut, fixture, "GET", "/Invoice__c", query: new() { ["number__c"] = "7", ["fields"] = "Amount__c", ["limit"] = "1" });
        Assert.Equal(20m, JsonNode.Parse(found["body"]!.GetValue<string>())!["records"]!.AsArray().Single()!["Amount__c"]!.GetValue<decimal>());

        var patch = await HttpAsync(sut, fixture, "PATCH", $"/Invoice__c/{id}", body: """{"Amount__c":30}""");
        Assert.Equal(200, patch["statusCode"]!.GetValue<int>());

        var delete = await HttpAsync(sut, fixture, "DELETE", $"/Invoice__c/{id}");
        Assert.Equal(200, delete["statusCode"]!.GetValue<int>());

        var alias = await HttpAsync(sut, fixture, "GET", $"/leads/{id}");
        Assert.Equal(404, alias["statusCode"]!.GetValue<int>());
    }

    [Fact]
    public async Task Sqs_BatchOfWrites_SharesCollectionCallsAndNamesOnlyFailures()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var sut = CreateSut(fixture, out _);
        await fixture.Client.GetTokenAsync().WaitAsync(Timeout);
        var before = fixture.Emulator.Host.Org.ApiUsed;

        var records = SqsRecords(10, i => i == 3
            ? """{"operation":"create","object":"Lead","fields":{"Company":"no last name"}}"""
            : $$$"""{"operation":"create","object":"Lead","fields":{"LastName":"Sqs{{{i}}}","Company":"Queue"}}""");
        records.Add((JsonNode)new JsonObject { ["messageId"] = "bad", ["body"] = "{not json", ["eventSource"] = "aws:sqs" });
        var answer = await InvokeAsync(sut, fixture, new JsonObject { ["Records"] = records }.ToJsonString());

        // In message order, as the batch was delivered.
        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"m3"},{"itemIdentifier":"bad"}]}""", answer.ToJsonString());
        Assert.Equal(1, fixture.Emulator.Host.Org.ApiUsed - before);
        Assert.Equal(9, await fixture.Client.CountAsync($"SELECT COUNT() FROM Lead WHERE Company = {"Queue"}").WaitAsync(Timeout));
    }

    [Fact]
    public async Task Sqs_BatchOfThousands_HandledInSlicesWithFullCollectionCalls()
    {
        await using var fixture = await ClientFixture.StartAsync();
        var sut = CreateSut(fixture, out _);
        await fixture.Client.GetTokenAsync().WaitAsync(Timeout);
        var before = fixture.Emulator.Host.Org.ApiUsed;

        var records = SqsRecords(2_500, i => i == 2_300
            ? """{"operation":"create","object":"Lead","fields":{"Company":"no last name"}}"""
            : $$$"""{"operation":"create","object":"Lead","fields":{"LastName":"Slice{{{i}}}","Company":"Slices"}}""");

        var answer = await InvokeAsync(sut, fixture, new JsonObject { ["Records"] = records }.ToJsonString());

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"m2300"}]}""", answer.ToJsonString());
        Assert.Equal(13, fixture.Emulator.Host.Org.ApiUsed - before);
        Assert.Equal(2_499, await fixture.Client.CountAsync($"SELECT COUNT() FROM Lead WHERE Company = {"Slices"}").WaitAsync(Timeout));
    }

    /// <summary>SQS records m0, m1, ... whose bodies come from <paramref name="body"/>.</summary>
    private static JsonArray SqsRecords(int count, Func<int, string> body)
    {
        var records = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            records.Add((JsonNode)new JsonObject { ["messageId"] = $"m{i}", ["body"] = body(i), ["eventSource"] = "aws:sqs" });
        }

        return records;
    }

    private static FunctionHandler CreateSut(ClientFixture fixture, out StringWriter output, OperationPolicy? policy = null)
    {
        output = new StringWriter();
        var metrics = new EmbeddedMetrics(output, fixture.Emulator.Time);
        var operations = new Forcelink.Aws.Fleet.IdempotentOperationHandler(
            new OperationHandler(fixture.Client, policy), null, "forcelink", TimeSpan.FromHours(1), fixture.Emulator.Time, NullLogger.Instance);
        return new FunctionHandler(operations, metrics, fixture.Emulator.Time, NullLogger<FunctionHandler>.Instance);
    }

    private static async Task<JsonNode> InvokeAsync(FunctionHandler sut, ClientFixture fixture, string json)
    {
        var context = new InvocationContext("req-1", fixture.Emulator.Time.GetUtcNow().AddMinutes(1), null, null, fixture.Emulator.Time);
        var response = await sut.HandleCheckedAsync(Encoding.UTF8.GetBytes(json), context).WaitAsync(Timeout);
        return JsonNode.Parse(response.Span)!;
    }

    private static Task<JsonNode> HttpAsync(FunctionHandler sut, ClientFixture fixture, string method, string path, string? body = null, Dictionary<string, string>? query = null, bool base64 = false)
    {
        var request = new JsonObject
        {
            ["version"] = "2.0",
            ["routeKey"] = "$default",
            ["rawPath"] = path,
            ["rawQueryString"] = query is null ? "" : string.Join("&", query.Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value)}")),
            ["headers"] = new JsonObject { ["content-type"] = "application/json" },
            ["requestContext"] = new JsonObject { ["http"] = new JsonObject { ["method"] = method, ["path"] = path } },
            ["isBase64Encoded"] = base64,
        };
        if (query is not null)
        {
            var parameters = new JsonObject();
            foreach (var (name, value) in query)
            {
                parameters[name] = value;
            }

            request["queryStringParameters"] = parameters;
        }

        if (body is not null)
        {
            request["body"] = body;
        }

        return InvokeAsync(sut, fixture, request.ToJsonString());
    }
}
