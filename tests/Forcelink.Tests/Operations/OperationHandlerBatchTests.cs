using System.Net;
using System.Text.Json.Nodes;
using Forcelink.Operations;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.Operations;

/// <summary>A batch answers every operation: how each kind of failure of a call becomes its operations' answers.</summary>
public sealed class OperationHandlerBatchTests : IDisposable
{
    private const string Data = "/services/data/v62.0/";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private readonly StubHttpHandler _http = new();
    private readonly SalesforceClient _client;

    public OperationHandlerBatchTests() =>
        _client = new SalesforceClient(new FakeCredential(_time), new SalesforceClientOptions
        {
            ApiVersion = "62.0",
            TimeProvider = _time,
            Transport = _http,
            RetryDelay = TimeSpan.Zero,
            MaxRetries = 0,
        });

    public void Dispose() => _client.Dispose();

    private static CreateOperation Create(string company, string? key = null) =>
        new CreateOperation("Lead", new JsonObject { ["LastName"] = "Doe", ["Company"] = company }, key);

    private static FindOperation Find() =>
        new FindOperation("Lead", new Dictionary<string, JsonNode?> { ["Company"] = "Acme" }, ["Id"], 10);

    [Fact]
    public async Task ExecuteBatchAsync_OneCallThrowsUnexpectedly_OthersKeepTheirAnswers()
    {
        _http.On(HttpMethod.Post, Data + "sobjects/Lead", _ => StubHttpHandler.Json(HttpStatusCode.Created, """{"id":"00Q000000000001AAA","success":true,"errors":[]}"""));
        _http.On(HttpMethod.Get, Data + "query", _ => throw new InvalidOperationException("a defect in one operation"));

        var results = await new OperationHandler(_client).ExecuteBatchAsync([Create("A"), Find()]);

        Assert.True(results[0].IsSuccess);
        Assert.Equal("00Q000000000001AAA", results[0].Id);
        Assert.Equal("UNEXPECTED_ERROR", results[1].ErrorCode);
        Assert.False(results[1].Retryable);
    }

    [Theory]
    [InlineData(503, """[{"message":"Server is temporarily unavailable.","errorCode":"SERVER_UNAVAILABLE"}]""", "SERVER_UNAVAILABLE", true)]
    [InlineData(500, """[{"message":"An unexpected error occurred.","errorCode":"UNKNOWN_EXCEPTION"}]""", OperationResult.OutcomeUnknown, false)]
    [InlineData(502, "<html>Bad Gateway</html>", OperationResult.OutcomeUnknown, false)]
    [InlineData(400, """[{"message":"unable to obtain exclusive access to this record","errorCode":"UNABLE_TO_LOCK_ROW"}]""", "UNABLE_TO_LOCK_ROW", true)]
    [InlineData(400, """[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]}]""", "REQUIRED_FIELD_MISSING", false)]
    public async Task ExecuteBatchAsync_CreatesCallFails_EachCreateSaysWhetherARepeatIsSafe(int status, string body, string code, bool retryable)
    {
        _http.On(HttpMethod.Post, Data + "composite/sobjects", _ => StubHttpHandler.Json((HttpStatusCode)status, body));

        var results = await new OperationHandler(_client).ExecuteBatchAsync([Create("A"), Create("B")]);

        Assert.All(results, r => Assert.Equal(code, r.ErrorCode));
        Assert.All(results, r => Assert.Equal(retryable, r.Retryable));
    }

    [Fact]
    public async Task ExecuteBatchAsync_LostAnswerOfKeyedCreatesWithIdempotencyField_RetryableAndKeyWritten()
    {
        _http.On(HttpMethod.Post, Data + "composite/sobjects", _ => throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."));
        var sut = new OperationHandler(_client) { IdempotencyFields = new Dictionary<string, string> { ["Lead"] = "Forcelink_Key__c" } };

        var results = await sut.ExecuteBatchAsync([Create("A", "k1"), Create("B", "k2")]);

        Assert.All(results, r => Assert.Equal(OperationResult.OutcomeUnknown, r.ErrorCode));
        Assert.All(results, r => Assert.True(r.Retryable));
        Assert.Contains(OperationHandler.IdempotencyFieldValue("k1"), _http.Requests.Single().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteBatchAsync_RepeatRefusedAsDuplicate_AnsweredWithTheFirstRecord()
    {
        var key = OperationHandler.IdempotencyFieldValue("k1");
        _http.On(HttpMethod.Post, Data + "composite/sobjects", _ => StubHttpHandler.Json(HttpStatusCode.OK,
            """[{"success":false,"errors":[{"statusCode":"DUPLICATE_VALUE","message":"duplicate value found: Forcelink_Key__c duplicates value on record with id: 00Q000000000009AAA","fields":[]}]},{"id":"00Q000000000002AAA","success":true,"errors":[]}]"""));
        _http.On(HttpMethod.Get, Data + "query", _ => StubHttpHandler.Json(HttpStatusCode.OK,
            $$$"""{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Lead"},"Id":"00Q000000000009AAA","Forcelink_Key__c":"{{{key}}}"}]}"""));
        var sut = new OperationHandler(_client) { IdempotencyFields = new Dictionary<string, string> { ["Lead"] = "Forcelink_Key__c" } };

        var results = await sut.ExecuteBatchAsync([Create("A", "k1"), Create("B", "k2")]);

        Assert.Equal((201, "00Q000000000009AAA"), (results[0].StatusCode, results[0].Id));
        Assert.Equal((201, "00Q000000000002AAA"), (results[1].StatusCode, results[1].Id));
        Assert.Contains(key, Uri.UnescapeDataString(_http.Requests[1].Uri.Query), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteBatchAsync_Cancelled_OperationsNotStartedAreAnsweredNotThrown()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var results = await new OperationHandler(_client).ExecuteBatchAsync([Create("A"), Find()], cancelled.Token);

        Assert.All(results, r => Assert.Equal(OperationResult.NotStarted, r.ErrorCode));
        Assert.Empty(_http.Requests);
    }
}
