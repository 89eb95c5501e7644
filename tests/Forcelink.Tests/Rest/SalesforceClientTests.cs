using System.Net;
using System.Text.Json.Nodes;
using Forcelink.Records;
using Forcelink.Http;
using Forcelink.Models;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.Rest;

public sealed class SalesforceClientTests : IDisposable
{
    private const string Data = "/services/data/v62.0/";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly StubHttpHandler _http = new();

    [Fact]
    public async Task GetAsync_503ThenOk_IsRetried()
    {
        _http.OnSequence(HttpMethod.Get, Data + "sobjects/Lead/",
            _ => StubHttpHandler.Json(HttpStatusCode.ServiceUnavailable, """[{"message":"Server unavailable","errorCode":"SERVER_UNAVAILABLE"}]"""),
            _ => StubHttpHandler.Json(HttpStatusCode.OK, """{"attributes":{"type":"Lead"},"Id":"00Q000000000001AAA","LastName":"Doe"}"""));
        using var sut = CreateSut();

        var lead = await sut.GetAsync<Lead>("00Q000000000001AAA");

        Assert.Equal("Doe", lead.LastName);
        Assert.Equal(2, _http.Requests.Count);
        Assert.Equal(1, sut.RetryCount);
    }

    [Fact]
    public async Task CreateAsync_503_IsNotRetried()
    {
        _http.On(HttpMethod.Post, Data + "sobjects/Lead", _ => StubHttpHandler.Json(HttpStatusCode.ServiceUnavailable, """[{"message":"down","errorCode":"SERVER_UNAVAILABLE"}]"""));
        using var sut = CreateSut();

        var error = await Assert.ThrowsAsync<SalesforceException>(() => sut.CreateAsync(new Lead { LastName = "Doe", Company = "Acme" }));

        Assert.Equal(503, error.StatusCode);
        Assert.Single(_http.Requests);
    }

    [Fact]
    public async Task CreateAsync_ConnectionNeverMade_IsRetried()
    {
        var attempts = 0;
        _http.On(HttpMethod.Post, Data + "sobjects/Lead", _ => ++attempts == 1
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused")
            : StubHttpHandler.Json(HttpStatusCode.Created, """{"id":"00Q000000000001AAA","success":true,"errors":[]}"""));
        using var sut = CreateSut();

        var lead = new Lead { LastName = "Doe", Company = "Acme" };
        Assert.Equal("00Q000000000001AAA", await sut.CreateAsync(lead));
        Assert.Equal("00Q000000000001AAA", lead.Id);
    }

    [Fact]
    public async Task CreateAsync_DroppedAfterSending_IsNotRetried()
    {
        _http.On(HttpMethod.Post, Data + "sobjects/Lead", _ => throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely"));
        using var sut = CreateSut();

        await Assert.ThrowsAsync<HttpRequestException>(() => sut.CreateAsync(new Lead { LastName = "Doe", Company = "Acme" }));
        Assert.Single(_http.Requests);
    }

    [Fact]
    public async Task UpdateAsync_UnableToLockRow_IsRetried()
    {
        _http.OnSequence(HttpMethod.Patch, Data + "sobjects/Lead/",
            _ => StubHttpHandler.Json(HttpStatusCode.BadRequest, """[{"message":"unable to obtain exclusive access to this record or 1 records: 00Q000000000001AAA","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}]"""),
            _ => new HttpResponseMessage(HttpStatusCode.NoContent));
        using var sut = CreateSut();

        await sut.UpdateAsync(new Lead { Id = "00Q000000000001AAA", Status = "Working - Contacted" });

        Assert.Equal(2, _http.Requests.Count);
        Assert.Equal("""{"Status":"Working - Contacted"}""", _http.Requests[1].Body);
    }

    [Fact]
    public async Task GetAsync_RequestLimitExceeded_IsNeverRetried()
    {
        _http.On(HttpMethod.Get, Data + "sobjects/Lead/", _ => StubHttpHandler.Json(HttpStatusCode.Forbidden, """[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"""));
        using var sut = CreateSut();

        var error = await Assert.ThrowsAsync<SalesforceException>(() => sut.GetAsync<Lead>("00Q000000000001AAA"));

        Assert.Equal("REQUEST_LIMIT_EXCEEDED", error.ErrorCode);
        Assert.Contains("daily API request limit", error.Message, StringComparison.Ordinal);
        Assert.Single(_http.Requests);
    }

    [Fact]
    public async Task GetAsync_AlwaysUnavailable_StopsAfterMaxRetries()
    {
        _http.On(HttpMethod.Get, Data + "sobjects/Lead/", _ => new HttpResponseMessage(HttpStatusCode.BadGateway));
        using var sut = CreateSut(o => o.MaxRetries = 2);

        var error = await Assert.ThrowsAsync<SalesforceException>(() => sut.GetAsync<Lead>("00Q000000000001AAA"));

        Assert.Equal(502, error.StatusCode);
        Assert.Equal(3, _http.Requests.Count);
    }

    [Fact]
    public async Task GetAsync_RetryTimeBudgetSpent_StopsRetrying()
    {
        _http.On(HttpMethod.Get, Data + "sobjects/Lead/", _ =>
        {
            _time.Advance(TimeSpan.FromSeconds(40));
            return new HttpResponseMessage(HttpStatusCode.GatewayTimeout);
        });
        using var sut = CreateSut();

        await Assert.ThrowsAsync<SalesforceException>(() => sut.GetAsync<Lead>("00Q000000000001AAA"));
        Assert.Single(_http.Requests);
    }

    [Fact]
    public async Task GetAsync_AttemptOutlivesRequestTimeout_IsRetried()
    {
        var attempts = 0;
        _http.OnAsync(HttpMethod.Get, Data + "sobjects/Lead/", async (_, cancellationToken) =>
        {
            if (++attempts == 1)
            {
                // The attempt hangs until its own timeout cancels it; the clock is moved past RequestTimeout meanwhile.
                var hanging = Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                _time.Advance(TimeSpan.FromSeconds(11));
                await hanging;
            }

            return StubHttpHandler.Json(HttpStatusCode.OK, """{"attributes":{"type":"Lead"},"Id":"00Q000000000001AAA","LastName":"Doe"}""");
        });
        using var sut = CreateSut(o => o.RequestTimeout = TimeSpan.FromSeconds(10));

        var lead = await sut.GetAsync<Lead>("00Q000000000001AAA");

        Assert.Equal("Doe", lead.LastName);
        Assert.Equal(2, attempts);
        Assert.Equal(1, sut.RetryCount);
    }

    [Fact]
    public async Task CreateAsync_AttemptOutlivesRequestTimeout_FailsNamingTheSetting()
    {
        _http.OnAsync(HttpMethod.Post, Data + "sobjects/Lead", async (_, cancellationToken) =>
        {
            var hanging = Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            _time.Advance(TimeSpan.FromSeconds(11));
            await hanging;
            return new HttpResponseMessage(HttpStatusCode.Created);
        });
        using var sut = CreateSut(o => o.RequestTimeout = TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<SalesforceException>(() => sut.CreateAsync(new Lead { LastName = "Doe", Company = "Acme" }));

        // A create that may have reached Salesforce is not repeated: its outcome is unknown, and the message says which setting ran out.
        Assert.Equal("Salesforce did not answer POST /services/data/v62.0/sobjects/Lead within 10 s (RequestTimeout).", error.Message);
        Assert.Single(_http.Requests);
        Assert.Equal(0, sut.RetryCount);
    }

    [Fact]
    public async Task GetAsync_CallerCancelsDuringAttempt_IsNeitherRetriedNorATimeout()
    {
        using var cancel = new CancellationTokenSource();
        var attempts = 0;
        _http.OnAsync(HttpMethod.Get, Data + "sobjects/Lead/", async (_, cancellationToken) =>
        {
            if (++attempts == 1)
            {
                var hanging = Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                await cancel.CancelAsync();
                await hanging;
            }

            return StubHttpHandler.Json(HttpStatusCode.OK, """{"attributes":{"type":"Lead"},"Id":"00Q000000000001AAA","LastName":"Doe"}""");
        });
        using var sut = CreateSut();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sut.GetAsync<Lead>("00Q000000000001AAA", cancellationToken: cancel.Token));
        Assert.Single(_http.Requests);
        Assert.Equal(0, sut.RetryCount);

        // The next request is not hurt by the cancelled one (attempt timeouts are reused between requests).
        Assert.Equal("Doe", (await sut.GetAsync<Lead>("00Q000000000001AAA")).LastName);
    }

    [Fact]
    public async Task GetAsync_502_WaitsTheBackoffOnTheInjectedClock()
    {
        _http.OnSequence(HttpMethod.Get, Data + "sobjects/Lead/",
            _ => new HttpResponseMessage(HttpStatusCode.BadGateway),
            _ => StubHttpHandler.Json(HttpStatusCode.OK, """{"attributes":{"type":"Lead"},"Id":"00Q000000000001AAA","LastName":"Doe"}"""));
        var clock = new Bulk.TimerRecordingTimeProvider(_time);
        using var sut = CreateSut(o =>
        {
            o.TimeProvider = clock;
            o.RetryDelay = TimeSpan.FromSeconds(2);
        });

        var lead = await FakeTimePump.RunAsync(sut.GetAsync<Lead>("00Q000000000001AAA"), _time);

        // The waits asked of the clock, not measured; timers that never fire and each attempt's timeout (RequestTimeout, 120 s) are left out.
        var wait = Assert.Single(clock.DueTimes, d => d > TimeSpan.Zero && d < TimeSpan.FromMinutes(1));
        Assert.InRange(wait.TotalSeconds, 1, 2);
        Assert.Equal("Doe", lead.LastName);
        Assert.Equal(2, _http.Requests.Count);
    }

    [Theory]
    [InlineData(0, 250, 500)]
    [InlineData(1, 500, 1_000)]
    [InlineData(3, 2_000, 4_000)]
    [InlineData(10, 15_000, 30_000)]
    public void Backoff_DoublesPerRetry_WaitsARandomHalf_AndStopsAt30Seconds(int attempt, double lowestMs, double highestMs)
    {
        using var handler = new RetryHandler(new SalesforceClientOptions { RetryDelay = TimeSpan.FromMilliseconds(500) }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, () => { }, _http);

        var delays = Enumerable.Range(0, 200).Select(_ => handler.Backoff(attempt).TotalMilliseconds).ToList();

        Assert.All(delays, d => Assert.InRange(d, lowestMs, highestMs));
        Assert.True(delays.Distinct().Count() > 100, "the delays should be spread, not in step");
    }

    [Fact]
    public async Task UpsertAsync_SeveralMatches_IsMultipleChoices()
    {
        _http.On(HttpMethod.Patch, Data + "sobjects/Lead/Ext_Id__c/42", _ => StubHttpHandler.Json((HttpStatusCode)300,
            """["/services/data/v62.0/sobjects/Lead/00Q000000000001AAA","/services/data/v62.0/sobjects/Lead/00Q000000000002AAA"]"""));
        using var sut = CreateSut();
        var lead = new Lead { LastName = "Doe" };
        lead.Set("Ext_Id__c", "42");

        var error = await Assert.ThrowsAsync<SalesforceException>(() => sut.UpsertAsync(lead, "Ext_Id__c"));

        Assert.Equal(300, error.StatusCode);
        Assert.Equal("MULTIPLE_CHOICES", error.ErrorCode);
        Assert.Contains("00Q000000000002AAA", error.Message, StringComparison.Ordinal);
        Assert.Equal("""{"LastName":"Doe"}""", _http.Requests[0].Body);
    }

    [Theory]
    [InlineData("""["00Q000000000001AAA"]""", "with JSON that is not an object")]
    [InlineData("""{"Id":"00Q000000000001AAA",""", "with a body Forcelink could not read")]
    public async Task GetAsync_BodyThatIsNoRecord_IsASalesforceExceptionNamingThePath(string body, string expected)
    {
        _http.On(HttpMethod.Get, Data + "sobjects/Lead/00Q000000000001AAA", _ => StubHttpHandler.Json(HttpStatusCode.OK, body));
        using var sut = CreateSut();

        var error = await Assert.ThrowsAsync<SalesforceException>(() => sut.GetAsync("Lead", "00Q000000000001AAA"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("/services/data/v62.0/sobjects/Lead/00Q000000000001AAA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryAsync_UntypedRecordWithoutItsType_IsASalesforceExceptionSayingWhatIsMissing()
    {
        _http.On(HttpMethod.Get, Data + "query", _ => StubHttpHandler.Json(HttpStatusCode.OK, """{"totalSize":1,"done":true,"records":[{"Id":"00Q000000000001AAA"}]}"""));
        using var sut = CreateSut();

        var error = await Assert.ThrowsAsync<SalesforceException>(async () =>
        {
            await foreach (var record in sut.QueryAsync(Forcelink.Soql.SoqlQuery.Raw("SELECT Id FROM Lead")))
            {
                Assert.Fail($"{record} was read without its type.");
            }
        });

        Assert.Contains("attributes.type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryAsync_FollowsNextRecordsUrlLazily()
    {
        _http.On(HttpMethod.Get, Data + "query/01g-2", _ => StubHttpHandler.Json(HttpStatusCode.OK, Page(4, 1, next: null)));
        _http.On(HttpMethod.Get, Data + "query/01g-1", _ => StubHttpHandler.Json(HttpStatusCode.OK, Page(2, 2, next: "/services/data/v62.0/query/01g-2")));
        _http.On(HttpMethod.Get, Data + "query", _ => StubHttpHandler.Json(HttpStatusCode.OK, Page(0, 2, next: "/services/data/v62.0/query/01g-1")));
        using var sut = CreateSut();
        var email = "a@example.com";

        var seen = new List<string>();
        await foreach (var lead in sut.QueryAsync<Lead>($"SELECT Id FROM Lead WHERE Email = {email}", new QueryOptions { BatchSize = 200 }))
        {
            seen.Add(lead.Id!);
            if (seen.Count == 1)
            {
                Assert.Single(_http.Requests);
            }
        }

        Assert.Equal(5, seen.Count);
        Assert.Equal(3, _http.Requests.Count);
        Assert.Equal("/services/data/v62.0/query?q=SELECT%20Id%20FROM%20Lead%20WHERE%20Email%20%3D%20%27a%40example.com%27", _http.Requests[0].Uri.PathAndQuery);
    }

    [Fact]
    public async Task QueryAsync_ReadAhead_RequestsTheNextPageBeforeTheCallerReachesIt()
    {
        _http.On(HttpMethod.Get, Data + "query/01g-2", _ => StubHttpHandler.Json(HttpStatusCode.OK, Page(4, 1, next: null)));
        _http.On(HttpMethod.Get, Data + "query/01g-1", _ => StubHttpHandler.Json(HttpStatusCode.OK, Page(2, 2, next: "/services/data/v62.0/query/01g-2")));
        _http.On(HttpMethod.Get, Data + "query", _ => StubHttpHandler.Json(HttpStatusCode.OK, Page(0, 2, next: "/services/data/v62.0/query/01g-1")));
        using var sut = CreateSut();

        var seen = new List<string>();
        await foreach (var lead in sut.QueryAsync<Lead>($"SELECT Id FROM Lead", new QueryOptions { ReadAhead = true }))
        {
            seen.Add(lead.Id!);
            if (seen.Count == 1)
            {
                // The second page was asked for when the first arrived (the stub answers at once).
                Assert.Equal(2, _http.Requests.Count);
            }
        }

        Assert.Equal(["00Q000000000000AAA", "00Q000000000001AAA", "00Q000000000002AAA", "00Q000000000003AAA", "00Q000000000004AAA"], seen);
        Assert.Equal(3, _http.Requests.Count);
    }

    [Fact]
    public async Task QueryAsync_ReadAhead_CallerStopsEarly_CancelsThePageReadAhead()
    {
        var aheadCancelled = new TaskCompletionSource();
        _http.OnAsync(HttpMethod.Get, Data + "query/01g-1", async (_, cancellationToken) =>
        {
            await using (cancellationToken.Register(() => aheadCancelled.TrySetResult()))
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }

            return StubHttpHandler.Json(HttpStatusCode.OK, Page(2, 2, next: null));
        });
        _http.On(HttpMethod.Get, Data + "query", _ => StubHttpHandler.Json(HttpStatusCode.OK, Page(0, 2, next: "/services/data/v62.0/query/01g-1")));
        using var sut = CreateSut();

        await foreach (var lead in sut.QueryAsync<Lead>($"SELECT Id FROM Lead", new QueryOptions { ReadAhead = true }))
        {
            Assert.Equal("00Q000000000000AAA", lead.Id);
            break;
        }

        // Leaving the loop disposed the enumerator, which stopped the request for the page the caller never reached.
        await aheadCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, _http.Requests.Count);
    }

    [Fact]
    public async Task QueryAsync_ReadAhead_APageThatFails_FailsWhereTheCallerReachesIt()
    {
        _http.On(HttpMethod.Get, Data + "query/01g-1", _ => StubHttpHandler.Json(HttpStatusCode.BadRequest, """[{"message":"invalid query locator","errorCode":"INVALID_QUERY_LOCATOR"}]"""));
        _http.On(HttpMethod.Get, Data + "query", _ => StubHttpHandler.Json(HttpStatusCode.OK, Page(0, 2, next: "/services/data/v62.0/query/01g-1")));
        using var sut = CreateSut();

        var seen = new List<string>();
        var error = await Assert.ThrowsAsync<SalesforceException>(async () =>
        {
            await foreach (var lead in sut.QueryAsync<Lead>($"SELECT Id FROM Lead", new QueryOptions { ReadAhead = true }))
            {
                seen.Add(lead.Id!);
            }
        });

        Assert.Equal(2, seen.Count);
        Assert.Equal("INVALID_QUERY_LOCATOR", error.ErrorCode);
    }

    [Fact]
    public async Task CreateManyAsync_450Records_ThreeCallsResultsInOrder()
    {
        var calls = 0;
        _http.On(HttpMethod.Post, Data + "composite/sobjects", r =>
        {
            var body = JsonNode.Parse(r.Content!.ReadAsStringAsync().Result)!;
            var count = body["records"]!.AsArray().Count;
            calls++;
            var results = new JsonArray();
            for (var i = 0; i < count; i++)
            {
                results.Add((JsonNode)(i == 0 && calls == 2
                    ? new JsonObject { ["success"] = false, ["errors"] = new JsonArray(new JsonObject { ["statusCode"] = "REQUIRED_FIELD_MISSING", ["message"] = "Required fields are missing: [LastName]", ["fields"] = new JsonArray("LastName") }) }
                    : new JsonObject { ["id"] = $"00Q{calls:D3}{i:D9}AAA", ["success"] = true, ["errors"] = new JsonArray() }));
            }

            return StubHttpHandler.Json(HttpStatusCode.OK, results.ToJsonString());
        });
        using var sut = CreateSut();
        var leads = Enumerable.Range(0, 450).Select(i => new Lead { LastName = $"L{i}", Company = "Acme" }).ToList();

        var results = await sut.CreateManyAsync(leads);

        Assert.Equal(3, _http.Requests.Count);
        Assert.Equal(450, results.Count);
        Assert.False(results[200].IsSuccess);
        Assert.Equal("REQUIRED_FIELD_MISSING", results[200].Errors[0].ErrorCode);
        Assert.Null(leads[200].Id);
        Assert.Equal("00Q003000000049AAA", leads[449].Id);
        Assert.Contains("\"attributes\":{\"type\":\"Lead\"}", _http.Requests[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateManyAsync_Body_AttributesSetFieldsNullsAndIdOnly()
    {
        _http.On(HttpMethod.Patch, Data + "composite/sobjects", _ =>
            StubHttpHandler.Json(HttpStatusCode.OK, """[{"id":"00Q000000000001AAA","success":true,"errors":[]},{"id":"00Q000000000002AAA","success":true,"errors":[]}]"""));
        using var sut = CreateSut();
        var first = SObject.FromJson(JsonNode.Parse("""{"attributes":{"type":"Lead"},"Id":"00Q000000000001AAA","Owner":{"Name":"Ann"}}""")!.AsObject());
        first.Set("Company", "Acme \"Ltd\" é");
        first.Set("Phone", (string?)null);
        var second = new Lead { Id = "00Q000000000002AAA", LastName = "Ng" };

        var results = await sut.UpdateManyAsync([first, second], allOrNone: true);

        Assert.All(results, r => Assert.True(r.IsSuccess));
        var body = JsonNode.Parse(_http.Requests[0].Body!)!;
        Assert.True(body["allOrNone"]!.GetValue<bool>());
        var records = body["records"]!.AsArray();
        Assert.Equal("Lead", records[0]!["attributes"]!["type"]!.GetValue<string>());
        Assert.Equal("Acme \"Ltd\" é", records[0]!["Company"]!.GetValue<string>());
        Assert.True(records[0]!.AsObject().ContainsKey("Phone"));
        Assert.Null(records[0]!["Phone"]);
        Assert.Equal("00Q000000000001AAA", records[0]!["id"]!.GetValue<string>());
        Assert.False(records[0]!.AsObject().ContainsKey("Id"));
        Assert.False(records[0]!.AsObject().ContainsKey("Owner"));
        Assert.Equal("""{"attributes":{"type":"Lead"},"LastName":"Ng","id":"00Q000000000002AAA"}""", records[1]!.ToJsonString());
    }

    [Fact]
    public async Task ApiUsage_FromHeader_AndGuardRefusesPastShare()
    {
        _http.On(HttpMethod.Get, Data + "sobjects/Lead/", _ =>
        {
            var response = StubHttpHandler.Json(HttpStatusCode.OK, """{"attributes":{"type":"Lead"},"Id":"00Q000000000001AAA"}""");
            response.Headers.TryAddWithoutValidation("Sforce-Limit-Info", "api-usage=95/100; per-app-api-usage=1/10(appName=x)");
            return response;
        });
        using var sut = CreateSut(o => o.MaxApiUsageShare = 0.9);

        await sut.GetAsync<Lead>("00Q000000000001AAA");
        Assert.Equal(new ApiUsage(95, 100), sut.ApiUsage);

        var error = await Assert.ThrowsAsync<SalesforceException>(() => sut.GetAsync<Lead>("00Q000000000001AAA"));
        Assert.Equal("API_USAGE_GUARD", error.ErrorCode);
        Assert.True(error.IsApiUsageGuard);
        Assert.Single(_http.Requests);
    }

    [Fact]
    public async Task GetApiVersionAsync_NotConfigured_DiscoversNewestOnce()
    {
        _http.On(HttpMethod.Get, "/services/data", _ => StubHttpHandler.Json(HttpStatusCode.OK,
            """[{"label":"Winter '25","url":"/services/data/v62.0","version":"62.0"},{"label":"Summer '26","url":"/services/data/v67.0","version":"67.0"},{"label":"Spring '25","url":"/services/data/v63.0","version":"63.0"}]"""));
        using var sut = new SalesforceClient(new FakeCredential(_time), new SalesforceClientOptions { TimeProvider = _time, Transport = _http });

        Assert.Equal("67.0", await sut.GetApiVersionAsync());
        Assert.Equal("67.0", await sut.GetApiVersionAsync());
        Assert.Single(_http.Requests);
    }

    [Theory]
    [InlineData("api-usage=10018/100000", 10018, 100000)]
    [InlineData("api-usage=110018/100000; api-bursts=1/750", 110018, 100000)]
    public void TryParseApiUsage_DocumentedForms(string header, long used, long max)
    {
        Assert.True(TelemetryHandler.TryParseApiUsage(header, out var usage));
        Assert.Equal(new ApiUsage(used, max), usage);
    }

    [Fact]
    public void Options_Invalid_ListsEveryProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => new SalesforceClient(new FakeCredential(_time), new SalesforceClientOptions
        {
            ApiVersion = "v62",
            TokenLifetime = TimeSpan.FromSeconds(5),
            MaxRetries = 50,
            MaxApiUsageShare = 2,
        }));
        Assert.Contains("ApiVersion 'v62'", error.Message, StringComparison.Ordinal);
        Assert.Contains("TokenLifetime", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRetries", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxApiUsageShare", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../Account/001")]
    [InlineData("00Q' OR '1'='1")]
    [InlineData("00Q00000000000")]
    public async Task GetAsync_MalformedId_RefusedBeforeAnyCall(string id)
    {
        using var sut = CreateSut();
        await Assert.ThrowsAsync<ArgumentException>(() => sut.GetAsync<Lead>(id));
        Assert.Empty(_http.Requests);
    }

    [Fact]
    public void Update_SendsOnlySetFields_NullClears()
    {
        var lead = new Lead { Id = "00Q000000000001AAA", Email = null, Status = "Open" };
        lead["Custom__c"] = 5;
        Assert.Equal("""{"Email":null,"Status":"Open","Custom__c":5}""", lead.ToWriteBody().ToJsonString());
    }

    [Fact]
    public void SObject_KeepsUndeclaredFields_AndParsesSalesforceDates()
    {
        var lead = SObject.FromJson<Lead>(JsonNode.Parse("""{"attributes":{"type":"Lead"},"Id":"00Q000000000001AAA","Ext_Id__c":"42","CreatedDate":"2021-11-06T17:38:40.000+0000","NumberOfEmployees":50,"Owner":{"attributes":{"type":"User"},"Name":"Ann"}}""")!.AsObject());
        Assert.Equal("42", lead.GetString("Ext_Id__c"));
        Assert.Equal(new DateTimeOffset(2021, 11, 6, 17, 38, 40, TimeSpan.Zero), lead.CreatedDate);
        Assert.Equal(50, lead.NumberOfEmployees);
        Assert.Equal("Ann", lead.GetRelated("Owner")!.GetString("Name"));
    }

    public void Dispose() => _http.Dispose();

    private static string Page(int start, int count, string? next)
    {
        var records = new JsonArray();
        for (var i = start; i < start + count; i++)
        {
            records.Add((JsonNode)new JsonObject { ["attributes"] = new JsonObject { ["type"] = "Lead" }, ["Id"] = $"00Q{i:D12}AAA" });
        }

        var page = new JsonObject { ["totalSize"] = 5, ["done"] = next is null, ["records"] = records };
        if (next is not null)
        {
            page["nextRecordsUrl"] = next;
        }

        return page.ToJsonString();
    }

    [Fact]
    public async Task Dispose_TransportGivenInOptions_StaysUsable()
    {
        _http.On(HttpMethod.Get, Data + "sobjects/Lead/", _ => StubHttpHandler.Json(HttpStatusCode.OK, """{"attributes":{"type":"Lead"},"Id":"00Q000000000001AAA","LastName":"Doe"}"""));
        using (var first = CreateSut())
        {
            await first.GetAsync<Lead>("00Q000000000001AAA");
        }

        // A disposed handler throws ObjectDisposedException on its next request; the user's transport must outlive the client.
        using var second = CreateSut();
        var lead = await second.GetAsync<Lead>("00Q000000000001AAA");

        Assert.Equal("Doe", lead.LastName);
        Assert.False(_http.IsDisposed);
    }

    private SalesforceClient CreateSut(Action<SalesforceClientOptions>? configure = null)
    {
        var options = new SalesforceClientOptions { ApiVersion = "62.0", TimeProvider = _time, Transport = _http, RetryDelay = TimeSpan.Zero };
        configure?.Invoke(options);
        return new SalesforceClient(new FakeCredential(_time), options);
    }
}
