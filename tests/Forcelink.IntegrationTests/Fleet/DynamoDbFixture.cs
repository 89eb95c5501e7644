using Amazon.DynamoDBv2;
using Forcelink.Fleet.Testing;
using Forcelink.Aws.Fleet;

namespace Forcelink.IntegrationTests.Fleet;

/// <summary>One dynalite per test class; every test makes its own tables, so tests never see each other's items.</summary>
public sealed class DynamoDbFixture : IAsyncLifetime
{
    private DynaliteProcess? _dynalite;
    private int _tables;

    internal DynaliteProcess Dynalite => _dynalite ?? throw new InvalidOperationException("Not started.");

    internal AmazonDynamoDBClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _dynalite = await DynaliteProcess.StartAsync();
        Client = _dynalite.CreateClient();
    }

    internal async Task<string> CreateTokenTableAsync()
    {
        var name = $"tokens-{Interlocked.Increment(ref _tables)}";
        await DynaliteProcess.CreateTableAsync(Client, name, TokenTable.KeyAttribute);
        return name;
    }

    internal async Task<string> CreateIdempotencyTableAsync()
    {
        var name = $"idempotency-{Interlocked.Increment(ref _tables)}";
        await DynaliteProcess.CreateTableAsync(Client, name, IdempotencyTable.KeyAttribute);
        return name;
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_dynalite is not null)
        {
            await _dynalite.DisposeAsync();
        }
    }
}
