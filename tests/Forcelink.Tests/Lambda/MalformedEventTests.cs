using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Forcelink.Lambda;
using Forcelink.Lambda.Events;
using Forcelink.Lambda.Runtime;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Forcelink.Aws.Metrics;

namespace Forcelink.Tests.Lambda;

/// <summary>The malformed events that used to end as invocation errors, each with the answer it gets now.</summary>
public sealed class MalformedEventTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private const string Get = """{"operation":"get","object":"Lead","id":"00Q000000000001AAA"}""";

    public static TheoryData<string, byte[], string> DirectEvents => new()
    {
        { "invalid UTF-8 in a string", Bytes("""{"operation":"get","object":"Lead","id":"00Q0000000000""", new byte[] { 0xC3, 0x28 }, """01AAA"}"""), "byte 54 is not UTF-8" },
        { "invalid UTF-8 in a key", Bytes("{\"operation\":\"get\",\"object\":\"Lead\",\"id\":\"00Q000000000001AAA\",\"", new byte[] { 0xFF }, "\":1}"), "is not UTF-8" },
        { "a key twice", Bytes("""{"operation":"get","object":"Lead","object":"Case","id":"00Q000000000001AAA"}"""), "the key 'object' appears twice" },
        { "a key twice in where", Bytes("""{"operation":"find","object":"Lead","where":{"Email":"a@b.c","Email":"d@e.f"}}"""), "the key 'where.Email' appears twice" },
        { "a key twice, once escaped", Bytes("""{"operation":"get","object":"Lead","obj\u0065ct":"Case","id":"00Q000000000001AAA"}"""), "the key 'object' appears twice" },
        { "a key twice among 40 in fields", Bytes("{\"operation\":\"create\",\"object\":\"Lead\",\"fields\":{" + string.Concat(Enumerable.Range(0, 40).Select(i => $"\"F{i}__c\":{i},")) + "\"F7__c\":1}}"), "the key 'fields.F7__c' appears twice" },
        { "a key twice in a list's second object", Bytes("""{"operation":"find","object":"Lead","where":{"a":[{"x":1},{"x":1,"y":2,"x":3}]}}"""), "the key 'where.a[1].x' appears twice" },
        { "a lone surrogate escape", Bytes("""{"operation":"find","object":"Lead","where":{"LastName":"\ud800"}}"""), "the string at 'where.LastName' is not Unicode text" },
        { "1e30 in where", Bytes("""{"operation":"find","object":"Lead","where":{"NumberOfEmployees":1e30}}"""), "'where.NumberOfEmployees': 1e30 is outside the range of numbers Salesforce accepts" },
        { "1e400 in where", Bytes("""{"operation":"find","object":"Lead","where":{"NumberOfEmployees":1e400}}"""), "'where.NumberOfEmployees': 1e400 is outside the range" },
        { "1e400 in a where list", Bytes("""{"operation":"find","object":"Lead","where":{"NumberOfEmployees":[1,-1e400]}}"""), "'where.NumberOfEmployees[1]': -1e400 is outside the range" },
        { "1e400 as limit", Bytes("""{"operation":"find","object":"Lead","where":{"Email":"a@b.c"},"limit":1e400}"""), "'limit' must be a whole number from 1 to 2000; it is 1e400" },
        { "1e400 in fields", Bytes("""{"operation":"create","object":"Lead","fields":{"LastName":"Doe","AnnualRevenue":1e400}}"""), "'fields.AnnualRevenue': 1e400 is outside the range" },
        { "a 30-digit externalId", Bytes("""{"operation":"upsert","object":"Lead","externalIdField":"Email","externalId":123456789012345678901234567890,"fields":{"LastName":"Doe"}}"""), "'externalId': 123456789012345678901234567890 is outside the range" },
        { "nested 100 deep", Bytes("""{"operation":"get","object":"Lead","id":""" + new string('[', 100) + new string(']', 100) + "}"), "maximum configured depth" },
    };

    [Theory]
    [MemberData(nameof(DirectEvents))]
    public async Task HandleAsync_MalformedDirectEvent_Answers400NamingTheProblem(string problem, byte[] json, string reason)
    {
        var (sut, transport) = CreateSut();

        var answer = JsonNode.Parse((await sut.HandleCheckedAsync(json, Context()).WaitAsync(TimeSpan.FromSeconds(30))).Span)!;

        Assert.False(answer["ok"]!.GetValue<bool>(), problem);
        Assert.Equal(400, answer["statusCode"]!.GetValue<int>());
        Assert.Equal("INVALID_REQUEST", answer["error"]!["code"]!.GetValue<string>());
        Assert.Contains(reason, answer["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(transport.Requests);
    }

    public static TheoryData<string, string, string> HttpEvents => new()
    {
        { "isBase64Encoded a string", """{"body":"{\"LastName\":\"Doe\"}","isBase64Encoded":"true"}""", "'isBase64Encoded' must be true or false, not a string" },
        { "body an object", """{"body":{"LastName":"Doe"}}""", "'body' must be a string, not an object" },
        { "a numeric header", """{"body":"{\"LastName\":\"Doe\"}","headers":{"idempotency-key":42}}""", "'headers.idempotency-key' must be a string, not the number 42" },
        { "headers an array", """{"body":"{\"LastName\":\"Doe\"}","headers":["idempotency-key: 1"]}""", "'headers' must be an object of names and string values, not an array" },
        { "method a number", """{"body":"{}","method":7}""", "'requestContext.http.method' must be a string such as \"GET\", not the number 7" },
        { "pathParameters a string", """{"body":"{\"LastName\":\"Doe\"}","pathParameters":"id=1"}""", "'pathParameters' must be an object of names and string values, not a string" },
        { "queryStringParameters an array", """{"body":"{\"LastName\":\"Doe\"}","queryStringParameters":[1]}""", "'queryStringParameters' must be an object of names and string values, not an array" },
        { "a query value not a string", """{"body":"{\"LastName\":\"Doe\"}","queryStringParameters":{"limit":5}}""", "'queryStringParameters.limit' must be a string, not the number 5" },
        { "invalid base64", """{"body":"not base64!","isBase64Encoded":true}""", "marked base64 but is not" },
        { "invalid UTF-8 once decoded", """{"body":"eyJMYXN0TmFtZSI6Iv8ifQ==","isBase64Encoded":true}""", "The body is not valid JSON: byte 13 is not UTF-8" },
        { "a key twice in the body", """{"body":"{\"LastName\":\"Doe\",\"LastName\":\"Roe\"}"}""", "the key 'LastName' appears twice" },
        { "1e400 in the body", """{"body":"{\"LastName\":\"Doe\",\"NumberOfEmployees\":1e400}"}""", "'fields.NumberOfEmployees': 1e400 is outside the range" },
    };

    [Theory]
    [MemberData(nameof(HttpEvents))]
    public async Task HandleAsync_MalformedHttpApiEvent_AnswersHttp400NamingTheProblem(string problem, string fields, string reason)
    {
        var (sut, transport) = CreateSut();

        var response = JsonNode.Parse((await sut.HandleCheckedAsync(HttpEvent(fields), Context()).WaitAsync(TimeSpan.FromSeconds(30))).Span)!;

        Assert.Equal(400, response["statusCode"]!.GetValue<int>());
        Assert.Equal("application/json", response["headers"]!["content-type"]!.GetValue<string>());
        var body = JsonNode.Parse(response["body"]!.GetValue<string>())!;
        Assert.Equal((false, 400, "INVALID_REQUEST"), (body["ok"]!.GetValue<bool>(), body["statusCode"]!.GetValue<int>(), body["error"]!["code"]!.GetValue<string>()));
        Assert.Contains(reason, body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(transport.Requests);
        Assert.NotNull(problem);
    }

    [Fact]
    public async Task HandleAsync_HttpApiEventWithInvalidUtf8InItsBody_AnswersHttp400()
    {
        var (sut, transport) = CreateSut();
        var json = Encoding.UTF8.GetString(HttpEvent("""{"body":"{\"LastName\":\"@\"}"}"""));
        var at = json.IndexOf('@', StringComparison.Ordinal);
        byte[] bytes = [.. Encoding.UTF8.GetBytes(json[..at]), 0xED, 0xA0, 0x80, .. Encoding.UTF8.GetBytes(json[(at + 1)..])];

        var response = JsonNode.Parse((await sut.HandleCheckedAsync(bytes, Context()).WaitAsync(TimeSpan.FromSeconds(30))).Span)!;

        Assert.Equal(400, response["statusCode"]!.GetValue<int>());
        Assert.Contains($"byte {at} is not UTF-8", response["body"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(transport.Requests);
    }

    public static TheoryData<string, byte[], string> SqsBodies => new()
    {
        { "invalid UTF-8 in the body", Bytes("{\\\"operation\\\":\\\"get\\\",\\\"object\\\":\\\"Lead\\\",\\\"id\\\":\\\"", new byte[] { 0xF0, 0x28, 0x8C, 0x28 }, "\\\"}"), "is not UTF-8" },
        { "a lone surrogate in the body's string", Bytes("{\\\"operation\\\":\\\"get\\\",\\\"object\\\":\\\"Lead\\\",\\\"id\\\":\\\"\\udc00\\\"}"), "not Unicode text" },
        { "a key twice in the body", Bytes("{\\\"operation\\\":\\\"get\\\",\\\"operation\\\":\\\"delete\\\",\\\"object\\\":\\\"Lead\\\",\\\"id\\\":\\\"00Q000000000001AAA\\\"}"), "the key 'operation' appears twice" },
        { "1e30 in where", Bytes("{\\\"operation\\\":\\\"find\\\",\\\"object\\\":\\\"Lead\\\",\\\"where\\\":{\\\"NumberOfEmployees\\\":1e30}}"), "'where.NumberOfEmployees': 1e30 is outside the range" },
    };

    [Theory]
    [MemberData(nameof(SqsBodies))]
    public async Task HandleAsync_SqsBatchWithAMalformedMessage_FailsItAloneAndRunsTheOthers(string problem, byte[] body, string reason)
    {
        var (sut, transport) = CreateSut();
        byte[] sqs = [.. """{"Records":[{"messageId":"good-1","eventSource":"aws:sqs","body":"""u8, .. Quoted(Get),
            .. """},{"messageId":"bad","eventSource":"aws:sqs","body":"""u8, .. "\""u8, .. body,
            .. "\"},{\"messageId\":\"good-2\",\"eventSource\":\"aws:sqs\",\"body\":"u8, .. Quoted(Get), .. "}]}"u8];

        var answer = await sut.HandleCheckedAsync(sqs, Context()).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"bad"}]}""", Encoding.UTF8.GetString(answer.Span));
        Assert.Equal(2, transport.Requests.Count);
        Assert.True(SqsEvent.TryOpen(sqs, out var cursor), problem);
        var bad = SqsEvent.ReadMessages(sqs, ref cursor, 10)[1];
        Assert.Equal("bad", bad.MessageId);
        var error = bad.Error ?? bad.Request!.Validate(Forcelink.Operations.OperationPolicy.Default).Error;
        Assert.Contains(reason, error!.ErrorMessage, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> UnidentifiableBatches => new()
    {
        { "a record without messageId", """{"Records":[{"messageId":"a","eventSource":"aws:sqs","body":"{}"},{"eventSource":"aws:sqs","body":"{}"}]}""" },
        { "a numeric messageId", """{"Records":[{"messageId":7,"eventSource":"aws:sqs","body":"{}"}]}""" },
        { "an empty messageId", """{"Records":[{"messageId":"","eventSource":"aws:sqs","body":"{}"}]}""" },
        { "a messageId twice", """{"Records":[{"messageId":"a","messageId":"b","eventSource":"aws:sqs","body":"{}"}]}""" },
        { "a record that is no object", """{"Records":[{"messageId":"a","eventSource":"aws:sqs","body":"{}"},7]}""" },
        { "a messageId that is no Unicode text", """{"Records":[{"messageId":"\udc00","eventSource":"aws:sqs","body":"{}"}]}""" },
    };

    [Theory]
    [MemberData(nameof(UnidentifiableBatches))]
    public async Task HandleAsync_SqsBatchWithARecordWithoutMessageId_FailsTheWholeBatchRunningNothing(string problem, string json)
    {
        var (sut, transport) = CreateSut();
        var withGood = json.Replace("\"body\":\"{}\"", "\"body\":" + Encoding.UTF8.GetString(Quoted(Get)), StringComparison.Ordinal);

        var answer = await sut.HandleCheckedAsync(Encoding.UTF8.GetBytes(withGood), Context()).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":""}]}""", Encoding.UTF8.GetString(answer.Span));
        Assert.Empty(transport.Requests);
        Assert.NotNull(problem);
    }

    [Theory]
    [InlineData("""{"Records":{"messageId":"a","eventSource":"aws:sqs","body":"{}"}}""", "'operation' is required")]
    [InlineData("""{"Records":[{"messageId":"a","eventSource":"aws:sqs","body":"{}"}""", "not valid JSON")]
    public async Task HandleAsync_EventThatIsNoSqsBatch_AnsweredAsADirectEvent(string json, string reason)
    {
        var (sut, transport) = CreateSut();

        var answer = JsonNode.Parse((await sut.HandleCheckedAsync(Encoding.UTF8.GetBytes(json), Context()).WaitAsync(TimeSpan.FromSeconds(30))).Span)!;

        Assert.Equal(400, answer["statusCode"]!.GetValue<int>());
        Assert.Contains(reason, answer["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(transport.Requests);
    }

    private static byte[] Bytes(params object[] parts) =>
        [.. parts.SelectMany(p => p is string s ? Encoding.UTF8.GetBytes(s) : (byte[])p)];

    private static byte[] Quoted(string json) => Encoding.UTF8.GetBytes(JsonValue.Create(json).ToJsonString());

    // A POST /leads payload 2.0 event; `fields` are merged in, and "method" goes to requestContext.http.
    private static byte[] HttpEvent(string fields)
    {
        var extra = JsonNode.Parse(fields)!.AsObject();
        var http = new JsonObject { ["method"] = "POST", ["path"] = "/leads" };
        if (extra.Remove("method", out var method))
        {
            http["method"] = method;
        }

        var request = new JsonObject
        {
            ["version"] = "2.0",
            ["rawPath"] = "/leads",
            ["requestContext"] = new JsonObject { ["http"] = http },
            ["isBase64Encoded"] = false,
        };
        foreach (var (name, value) in extra.ToList())
        {
            extra.Remove(name);
            request[name] = value;
        }

        return Encoding.UTF8.GetBytes(request.ToJsonString());
    }

    private static InvocationContext Context() => new("req-9", Now.AddSeconds(10), null, null, new FakeTimeProvider(Now));

    private static (FunctionHandler Sut, StubHttpHandler Transport) CreateSut()
    {
        var time = new FakeTimeProvider(Now);
        var metrics = new EmbeddedMetrics(new StringWriter(), time);
        var transport = new StubHttpHandler()
            .On(HttpMethod.Get, "/services/data/v62.0/sobjects/Lead/", _ => StubHttpHandler.Json(HttpStatusCode.OK, """{"attributes":{"type":"Lead"},"Id":"00Q000000000001AAA","LastName":"Doe"}"""));
        var client = new SalesforceClient(new FakeCredential(time), new SalesforceClientOptions { TimeProvider = time, Transport = transport, ApiVersion = "62.0" });
        var operations = new Forcelink.Aws.Fleet.IdempotentOperationHandler(
            new Forcelink.Operations.OperationHandler(client), null, "forcelink", TimeSpan.FromHours(1), time, NullLogger.Instance);
        return (new FunctionHandler(operations, metrics, time, NullLogger<FunctionHandler>.Instance), transport);
    }
}
