using Forcelink.Tests.TestDoubles;
using System.Text.Json.Nodes;
using Forcelink.IntegrationTests.Library;
using Forcelink.Operations;
using Microsoft.Extensions.Logging.Abstractions;
using Forcelink.Aws.Fleet;

namespace Forcelink.IntegrationTests.Fleet;

/// <summary>Creates with idempotency keys against the emulator, recorded in an idempotency table in dynalite.</summary>
public sealed class IdempotentOperationHandlerTests(DynamoDbFixture dynamoDb) : IClassFixture<DynamoDbFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Expiry = TimeSpan.FromHours(1);
    private ClientFixture _fixture = null!;

    public async Task InitializeAsync() => _fixture = await ClientFixture.StartAsync();

    private DateTimeOffset Deadline => _fixture.Emulator.Time.GetUtcNow().AddSeconds(30);

    [Fact]
    public async Task HandleAsync_Repeat_ReturnsFirstAnswerAndCreatesNothing()
    {
        var (sut, _) = await CreateSutAsync();

        var first = await sut.HandleAsync(Create("Repeat", "key-1"), Deadline).WaitAsync(TimePump.Timeout);
        var apiBefore = _fixture.Emulator.Host.Org.ApiUsed;
        var second = await sut.HandleAsync(Create("Repeat", "key-1"), Deadline).WaitAsync(TimePump.Timeout);

        Assert.Equal(201, first.StatusCode);
        Assert.Equal(first.ToString(), second.ToString());
        Assert.Equal(apiBefore, _fixture.Emulator.Host.Org.ApiUsed);
        Assert.Equal(1, await CountAsync("Repeat"));
    }

    [Fact]
    public async Task HandleAsync_ConcurrentDuplicates_CreateOnce()
    {
        var (_, table) = await CreateSutAsync();
        var containers = Enumerable.Range(0, 6).Select(_ => Handler(table, _fixture.CreateClient())).ToList();

        var results = await Task.WhenAll(containers.Select(c => c.HandleAsync(Create("Concurrent", "key-c"), Deadline))).WaitAsync(TimePump.Timeout);

        Assert.Equal(1, await CountAsync("Concurrent"));
        // Each duplicate either waited for nothing (409, SQS retries it) or arrived after the first finished and got its answer.
        Assert.Single(results.Where(r => r.IsSuccess).Select(r => r.Id).Distinct());
        Assert.All(results, r => Assert.True(r.StatusCode == 201 || r.ErrorCode == "IDEMPOTENCY_IN_PROGRESS", r.ToString()));
    }

    [Fact]
    public async Task HandleAsync_StuckInProgressPastItsExpiry_IsNotRunAgainWithoutKeyField()
    {
        var (sut, table) = await CreateSutAsync();
        var now = _fixture.Emulator.Time.GetUtcNow();
        var create = (CreateOperation)Create("Stuck", "key-s").Validate(sut.Policy).Operation!;
        var claim = await table.ClaimAsync(sut.RecordId("key-s"), IdempotentOperationHandler.Validation(create), now, now.AddSeconds(10), now + Expiry);
        Assert.Equal(ClaimOutcome.Claimed, claim.Outcome);

        var whileRunning = await sut.HandleAsync(Create("Stuck", "key-s"), Deadline).WaitAsync(TimePump.Timeout);
        _fixture.Emulator.Time.Advance(TimeSpan.FromSeconds(11));
        var afterDeath = await sut.HandleAsync(Create("Stuck", "key-s"), Deadline).WaitAsync(TimePump.Timeout);

        // The attempt that died may have created the record: without an idempotency field nothing can tell, so it is not run again.
        Assert.Equal(409, whileRunning.StatusCode);
        Assert.Equal("IDEMPOTENCY_IN_PROGRESS", whileRunning.ErrorCode);
        Assert.Equal(OperationResult.OutcomeUnknown, afterDeath.ErrorCode);
        Assert.Equal(0, await CountAsync("Stuck"));
    }

    [Fact]
    public async Task HandleAsync_RecordExpired_CreatesAgain()
    {
        var (sut, _) = await CreateSutAsync();
        var first = await sut.HandleAsync(Create("Expired", "key-e"), Deadline).WaitAsync(TimePump.Timeout);
        _fixture.Emulator.Time.Advance(Expiry - TimeSpan.FromMinutes(1));
        var withinExpiry = await sut.HandleAsync(Create("Expired", "key-e"), Deadline).WaitAsync(TimePump.Timeout);
        _fixture.Emulator.Time.Advance(TimeSpan.FromMinutes(2));

        // The record is still in the table (TTL deletes lazily), but past its expiration it no longer counts.
        var afterExpiry = await sut.HandleAsync(Create("Expired", "key-e"), Deadline).WaitAsync(TimePump.Timeout);

        Assert.Equal(first.Id, withinExpiry.Id);
        Assert.Equal(201, afterExpiry.StatusCode);
        Assert.NotEqual(first.Id, afterExpiry.Id);
        Assert.Equal(2, await CountAsync("Expired"));
    }

    [Fact]
    public async Task HandleBatchAsync_RepeatInBatch_AnsweredFromTableAndOthersShareOneCollectionsCall()
    {
        var (sut, _) = await CreateSutAsync();
        var first = await sut.HandleAsync(Create("Batch", "m1"), Deadline).WaitAsync(TimePump.Timeout);
        var apiBefore = _fixture.Emulator.Host.Org.ApiUsed;

        var results = await sut.HandleBatchAsync([Create("Batch", "m1"), Create("Batch", "m2"), Create("Batch", "m3"), Create("Batch", null)], Deadline)
            .WaitAsync(TimePump.Timeout);

        Assert.Equal(first.Id, results[0].Id);
        Assert.All(results, r => Assert.Equal(201, r.StatusCode));
        Assert.Equal(1, _fixture.Emulator.Host.Org.ApiUsed - apiBefore);
        Assert.Equal(4, await CountAsync("Batch"));
    }

    [Fact]
    public async Task HandleAsync_RefusedCreate_ReleasesTheKeySoARetryRunsAgain()
    {
        var (sut, _) = await CreateSutAsync();
        var bad = OperationRequest.Parse("""{"operation":"create","object":"Lead","fields":{"Company":"Refused"},"idempotencyKey":"key-r"}"""u8).Request!;

        var first = await sut.HandleAsync(bad, Deadline).WaitAsync(TimePump.Timeout);
        var retry = await sut.HandleAsync(bad, Deadline).WaitAsync(TimePump.Timeout);

        Assert.False(first.IsSuccess);
        Assert.Equal(first.ErrorCode, retry.ErrorCode);
        Assert.NotEqual("IDEMPOTENCY_IN_PROGRESS", retry.ErrorCode);
    }

    [Fact]
    public async Task HandleAsync_SameKeyDifferentRecord_Refused()
    {
        var (sut, _) = await CreateSutAsync();
        await sut.HandleAsync(Create("Mismatch", "key-m"), Deadline).WaitAsync(TimePump.Timeout);

        var other = await sut.HandleAsync(Create("Other", "key-m"), Deadline).WaitAsync(TimePump.Timeout);

        Assert.Equal(422, other.StatusCode);
        Assert.Equal("IDEMPOTENCY_KEY_REUSED", other.ErrorCode);
        Assert.Equal(0, await CountAsync("Other"));
    }

    [Fact]
    public async Task HandleAsync_TableDown_RefusesKeyedCreateButRunsOthers()
    {
        using var closed = Forcelink.Fleet.Testing.DynaliteProcess.CreateClient(new Uri("http://127.0.0.1:9"));
        var sut = Handler(new IdempotencyTable(closed, "idempotency"), _fixture.Client);

        var keyed = await sut.HandleAsync(Create("Down", "key-d"), Deadline).WaitAsync(TimePump.Timeout);
        var unkeyed = await sut.HandleAsync(Create("Down", null), Deadline).WaitAsync(TimePump.Timeout);

        Assert.Equal(503, keyed.StatusCode);
        Assert.Equal("IDEMPOTENCY_UNAVAILABLE", keyed.ErrorCode);
        Assert.Equal(201, unkeyed.StatusCode);
        Assert.Equal(1, await CountAsync("Down"));
    }

    private async Task<(IdempotentOperationHandler Sut, IdempotencyTable Table)> CreateSutAsync()
    {
        var table = new IdempotencyTable(dynamoDb.Client, await dynamoDb.CreateIdempotencyTableAsync());
        return (Handler(table, _fixture.Client), table);
    }

    private IdempotentOperationHandler Handler(IdempotencyTable table, SalesforceClient client) =>
        new(new OperationHandler(client), table, "forcelink-test", Expiry, _fixture.Emulator.Time, NullLogger.Instance);

    private static OperationRequest Create(string company, string? key)
    {
        var json = new JsonObject
        {
            ["operation"] = "create",
            ["object"] = "Lead",
            ["fields"] = new JsonObject { ["LastName"] = "Doe", ["Company"] = company },
        };
        if (key is not null)
        {
            json["idempotencyKey"] = key;
        }

        return OperationRequest.FromJson(json);
    }

    private Task<int> CountAsync(string company) =>
        _fixture.Client.CountAsync($"SELECT COUNT() FROM Lead WHERE Company = {company}").WaitAsync(TimePump.Timeout);

    public async Task DisposeAsync() => await _fixture.DisposeAsync();
}
