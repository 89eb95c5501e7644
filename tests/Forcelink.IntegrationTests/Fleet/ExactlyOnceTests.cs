using Forcelink.Tests.TestDoubles;
using System.Text;
using System.Text.Json.Nodes;
using Forcelink.Emulator.Hosting;
using Forcelink.IntegrationTests.Library;
using Forcelink.Lambda;
using Forcelink.Lambda.Runtime;
using Forcelink.Operations;
using Forcelink.Tests.Lambda;
using Microsoft.Extensions.Logging.Abstractions;
using Forcelink.Aws.Metrics;
using Forcelink.Aws.Fleet;

namespace Forcelink.IntegrationTests.Fleet;

/// <summary>
/// Nothing lost, nothing twice: SQS redeliveries, lost answers after Salesforce committed, 503s and deadlines, through the
/// function with and without an idempotency table and with and without an idempotency field on the object.
/// </summary>
public sealed class ExactlyOnceTests(DynamoDbFixture dynamoDb) : IClassFixture<DynamoDbFixture>, IAsyncLifetime
{
    private const string KeyField = "Forcelink_Key__c";
    private ClientFixture _fixture = null!;

    public async Task InitializeAsync() => _fixture = await ClientFixture.StartAsync(options =>
    {
        foreach (var objectName in new[] { "Lead", "Case" })
        {
            options.Org.CustomFields[objectName] = [new CustomFieldOptions { Name = KeyField, Type = "string", Length = 64, ExternalId = true, Unique = true }];
        }
    });

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task SqsBatch_OneMessageFails_OthersAreNotRepeated(bool table, bool keyField)
    {
        var sut = await CreateSutAsync(table, keyField);
        var batch = Sqs(
            ("m1", """{"operation":"create","object":"Lead","fields":{"LastName":"Doe","Company":"Poison batch"}}"""),
            ("m2", """{"operation":"find","object":"Lead","where":{"NumberOfEmployees":1e30}}"""));

        // Three deliveries of the whole batch, as SQS makes when an invocation fails.
        var answers = new List<JsonNode>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await InvokeAsync(sut, batch));
        }

        Assert.All(answers, a => Assert.Equal(["m2"], Failures(a)));
        Assert.Equal(1, await CountLeadsAsync("Poison batch"));
    }

    [Fact]
    public async Task SqsBatch_CaseCreateMeets503_LeadIsNotCreatedAgain()
    {
        var sut = await CreateSutAsync(table: true, keyField: false);
        _fixture.Emulator.Host.Org.AddFault(new FaultRule { PathPrefix = $"/services/data/v{Emulator.EmulatorFixture.ApiVersion}/sobjects/Case", Kind = FaultKind.ServiceUnavailable, Count = 1 });
        var batch = Sqs(
            ("m1", """{"operation":"create","object":"Lead","fields":{"LastName":"Doe","Company":"Lead and Case"}}"""),
            ("m2", """{"operation":"create","object":"Case","fields":{"Subject":"Lead and Case"}}"""));

        var first = await InvokeAsync(sut, batch);
        var redelivered = await InvokeAsync(sut, Sqs(
            ("m2", """{"operation":"create","object":"Case","fields":{"Subject":"Lead and Case"}}""")));

        Assert.Equal(["m2"], Failures(first));
        Assert.Empty(Failures(redelivered));
        Assert.Equal(1, await CountLeadsAsync("Lead and Case"));
        Assert.Equal(1, await _fixture.Client.CountAsync($"SELECT COUNT() FROM Case WHERE Subject = {"Lead and Case"}").WaitAsync(TimePump.Timeout));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DirectCreate_AnswerLostAfterCommit_RepeatWithSameKeyCreatesNothing(bool table)
    {
        var lose = new LostAnswers(r => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath.EndsWith("/sobjects/Lead", StringComparison.Ordinal), count: 1);
        var sut = await CreateSutAsync(table, keyField: true, lose);
        var create = """{"operation":"create","object":"Lead","fields":{"LastName":"Doe","Company":"Lost answer"},"idempotencyKey":"order-4711"}""";

        var first = await InvokeAsync(sut, JsonNode.Parse(create)!.AsObject());
        var again = await InvokeAsync(sut, JsonNode.Parse(create)!.AsObject());

        Assert.Equal(OperationResult.OutcomeUnknown, first["error"]!["code"]!.GetValue<string>());
        Assert.True(first["error"]!["retryable"]!.GetValue<bool>());
        Assert.Equal(201, again["statusCode"]!.GetValue<int>());
        Assert.Equal(1, await CountLeadsAsync("Lost answer"));
        var record = await _fixture.Client.GetAsync("Lead", again["id"]!.GetValue<string>());
        Assert.Equal(OperationHandler.IdempotencyFieldValue("order-4711"), record[KeyField]!.GetValue<string>());
    }

    [Fact]
    public async Task DirectCreate_AnswerLostWithoutKeyField_RepeatIsRefusedNotRun()
    {
        var lose = new LostAnswers(r => r.Method == HttpMethod.Post && r.RequestUri!.AbsolutePath.EndsWith("/sobjects/Lead", StringComparison.Ordinal), count: 1);
        var sut = await CreateSutAsync(table: true, keyField: false, lose);
        var create = """{"operation":"create","object":"Lead","fields":{"LastName":"Doe","Company":"Unknown outcome"},"idempotencyKey":"order-4712"}""";

        var first = await InvokeAsync(sut, JsonNode.Parse(create)!.AsObject());
        var again = await InvokeAsync(sut, JsonNode.Parse(create)!.AsObject());

        Assert.Equal(OperationResult.OutcomeUnknown, first["error"]!["code"]!.GetValue<string>());
        Assert.False(first["error"]!["retryable"]!.GetValue<bool>());
        Assert.Equal(OperationResult.OutcomeUnknown, again["error"]!["code"]!.GetValue<string>());
        Assert.Equal(1, await CountLeadsAsync("Unknown outcome"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SqsBatch_CollectionsAnswerLost_RedeliveryCreatesEachOnce(bool table)
    {
        var lose = new LostAnswers(r => r.RequestUri!.AbsolutePath.EndsWith("/composite/sobjects", StringComparison.Ordinal), count: 1);
        var sut = await CreateSutAsync(table, keyField: true, lose);
        var messages = Enumerable.Range(1, 10)
            .Select(i => ($"lost-{i}", $$$"""{"operation":"create","object":"Lead","fields":{"LastName":"Doe {{{i}}}","Company":"Lost batch"}}"""))
            .ToArray();

        var first = await InvokeAsync(sut, Sqs(messages));
        var failed = Failures(first);
        var again = await InvokeAsync(sut, Sqs([.. messages.Where(m => failed.Contains(m.Item1))]));

        Assert.Equal(10, failed.Count);
        Assert.Empty(Failures(again));
        Assert.Equal(10, await CountLeadsAsync("Lost batch"));
    }

    [Fact]
    public async Task SqsBatch_NearDeadline_StopsStartingWorkAndAnswersTheRestAsFailed()
    {
        var sut = await CreateSutAsync(table: true, keyField: true);
        _fixture.Emulator.Host.Org.AddFault(new FaultRule { PathPrefix = $"/services/data/v{Emulator.EmulatorFixture.ApiVersion}/sobjects/Case", Kind = FaultKind.Latency, LatencyMilliseconds = 120_000, Count = 1 });
        var batch = Sqs(
            ("d1", """{"operation":"create","object":"Lead","fields":{"LastName":"Doe","Company":"Deadline"}}"""),
            ("d2", """{"operation":"create","object":"Case","fields":{"Subject":"Deadline"}}"""),
            ("d3", """{"operation":"get","object":"Lead","id":"00Q000000000001AAA"}"""));

        var invocation = InvokeAsync(sut, batch, TimeSpan.FromSeconds(30));
        await Task.Run(() => SpinWait.SpinUntil(() => _fixture.Emulator.Host.Org.PendingLatencies == 1, TimePump.Timeout));
        _fixture.Emulator.Time.Advance(TimeSpan.FromSeconds(28));
        var answer = await invocation.WaitAsync(TimePump.Timeout);

        // The Lead was created and recorded; the Case in flight and the get never started are failed items for SQS to resend.
        Assert.Equal(["d2", "d3"], Failures(answer));
        var redelivered = await InvokeAsync(sut, Sqs(("d1", """{"operation":"create","object":"Lead","fields":{"LastName":"Doe","Company":"Deadline"}}""")));
        Assert.Empty(Failures(redelivered));
        Assert.Equal(1, await CountLeadsAsync("Deadline"));
    }

    [Theory]
    [InlineData(false, 409, 0)]
    [InlineData(true, 201, 1)]
    public async Task KeyClaimedByAnAttemptThatDied_IsRunAgainOnlyWithKeyField(bool keyField, int status, int leads)
    {
        var table = new IdempotencyTable(dynamoDb.Client, await dynamoDb.CreateIdempotencyTableAsync());
        var handler = Idempotent(table, keyField, _fixture.Client);
        var now = _fixture.Emulator.Time.GetUtcNow();
        var create = (CreateOperation)OperationRequest.Parse(
            """{"operation":"create","object":"Lead","fields":{"LastName":"Doe","Company":"Died"},"idempotencyKey":"died-1"}"""u8).Request!.Validate(handler.Policy).Operation!;
        await table.ClaimAsync(handler.RecordId("died-1"), IdempotentOperationHandler.Validation(create), now, now.AddSeconds(10), now.AddHours(1));
        _fixture.Emulator.Time.Advance(TimeSpan.FromSeconds(11));

        var answer = await handler.HandleAsync(OperationRequest.FromJson(new JsonObject
        {
            ["operation"] = "create",
            ["object"] = "Lead",
            ["fields"] = new JsonObject { ["LastName"] = "Doe", ["Company"] = "Died" },
            ["idempotencyKey"] = "died-1",
        }), now.AddMinutes(1)).WaitAsync(TimePump.Timeout);

        Assert.Equal(status, answer.StatusCode);
        Assert.Equal(leads, await CountLeadsAsync("Died"));
    }

    [Fact]
    public async Task SqsBatch_DeleteAnswerLost_IsASuccess()
    {
        var id = await _fixture.Client.CreateAsync(new Records.Lead { LastName = "Doe", Company = "Deleted twice" });
        var lose = new LostAnswers(r => r.Method == HttpMethod.Delete, count: 1);
        var sut = await CreateSutAsync(table: false, keyField: false, lose);
        var delete = Sqs(("x1", $$"""{"operation":"delete","object":"Lead","id":"{{id}}"}"""));

        var first = await InvokeAsync(sut, delete);
        var again = await InvokeAsync(sut, delete);

        // The client resends a delete whose answer was lost; finding it deleted is the answer it wanted.
        Assert.Empty(Failures(first));
        Assert.Empty(Failures(again));
        Assert.Equal(0, await CountLeadsAsync("Deleted twice"));
    }

    private IdempotentOperationHandler Idempotent(IdempotencyTable? table, bool keyField, SalesforceClient client)
    {
        var inner = new OperationHandler(client)
        {
            IdempotencyFields = keyField ? new Dictionary<string, string> { ["Lead"] = KeyField, ["Case"] = KeyField } : new Dictionary<string, string>(),
        };
        return new IdempotentOperationHandler(inner, table, "forcelink-test", TimeSpan.FromHours(1), _fixture.Emulator.Time, NullLogger.Instance);
    }

    private async Task<FunctionHandler> CreateSutAsync(bool table, bool keyField, LostAnswers? lose = null)
    {
        var client = lose is null ? _fixture.Client : _fixture.CreateClient(o => o.Transport = lose);
        var idempotency = table ? new IdempotencyTable(dynamoDb.Client, await dynamoDb.CreateIdempotencyTableAsync()) : null;
        var metrics = new EmbeddedMetrics(new StringWriter(), _fixture.Emulator.Time);
        return new FunctionHandler(Idempotent(idempotency, keyField, client), metrics, _fixture.Emulator.Time, NullLogger<FunctionHandler>.Instance);
    }

    private async Task<JsonNode> InvokeAsync(FunctionHandler sut, JsonObject json, TimeSpan? remaining = null)
    {
        var context = new InvocationContext("req-1", _fixture.Emulator.Time.GetUtcNow() + (remaining ?? TimeSpan.FromMinutes(1)), null, null, _fixture.Emulator.Time);
        var response = await sut.HandleCheckedAsync(Encoding.UTF8.GetBytes(json.ToJsonString()), context).WaitAsync(TimePump.Timeout);
        return JsonNode.Parse(response.Span)!;
    }

    private static List<string> Failures(JsonNode answer) =>
        [.. answer["batchItemFailures"]!.AsArray().Select(f => f!["itemIdentifier"]!.GetValue<string>())];

    private static JsonObject Sqs(params (string MessageId, string Body)[] messages) => new()
    {
        ["Records"] = new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject
        {
            ["messageId"] = m.MessageId,
            ["eventSource"] = "aws:sqs",
            ["body"] = m.Body,
        })]),
    };

    private Task<int> CountLeadsAsync(string company) =>
        _fixture.Client.CountAsync($"SELECT COUNT() FROM Lead WHERE Company = {company}").WaitAsync(TimePump.Timeout);

    /// <summary>Lets matching requests reach the emulator (which commits them), then loses their answers, as a dropped connection does.</summary>
    private sealed class LostAnswers(Func<HttpRequestMessage, bool> match, int count) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _left = count;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!match(request) || Interlocked.Decrement(ref _left) < 0)
            {
                return response;
            }

            await response.Content.LoadIntoBufferAsync(cancellationToken);
            response.Dispose();
            throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.", new IOException("Connection reset by peer."));
        }
    }
}
