using Amazon.DynamoDBv2.Model;
using Forcelink.Authentication;
using Forcelink.Fleet.Testing;
using Forcelink.IntegrationTests.Emulator;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Forcelink.Aws.Fleet;

namespace Forcelink.IntegrationTests.Fleet;

/// <summary>
/// Many "containers" (each its own credential, in-memory cache and client) sharing one token table in dynalite, logging
/// in at the emulator, which counts the logins.
/// </summary>
public sealed class SharedTokenCredentialTests(DynamoDbFixture dynamoDb) : IClassFixture<DynamoDbFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(20);

    private readonly List<IDisposable> _owned = [];
    private EmulatorFixture _emulator = null!;
    private RsaSigningKey _key = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorFixture.StartAsync(o => o.Org.SessionTimeout = Lifetime);
        _key = RsaSigningKey.FromRsa(System.Security.Cryptography.RSA.Create(EmulatorFixture.Key.ExportParameters(includePrivateParameters: true)));
    }

    private int Logins => _emulator.Host.LoginCount(EmulatorFixture.Username);

    private string ItemKey => TokenItem.KeyFor(_emulator.Host.BaseUrl, EmulatorFixture.ConsumerKey, EmulatorFixture.Username);

    [Fact]
    public async Task GetTokenAsync_ManyContainersAtOnce_OneLogin()
    {
        var table = new TokenTable(dynamoDb.Client, await dynamoDb.CreateTokenTableAsync(), cipher: null);
        var containers = Enumerable.Range(0, 12).Select(_ => Container(table)).ToList();

        var counts = await TimePump.RunAsync(Task.WhenAll(containers.Select(c => c.Client.CountAsync($"SELECT COUNT() FROM Lead"))), _emulator.Time);

        Assert.All(counts, c => Assert.Equal(0, c));
        Assert.Equal(1, Logins);
        Assert.Equal(1, containers.Sum(c => c.Credential.LoginCount));
    }

    [Fact]
    public async Task GetTokenAsync_NewContainerLater_ReusesStoredToken()
    {
        var table = new TokenTable(dynamoDb.Client, await dynamoDb.CreateTokenTableAsync(), cipher: null);
        var first = Container(table);
        await TimePump.RunAsync(first.Client.CountAsync($"SELECT COUNT() FROM Lead"), _emulator.Time);
        _emulator.Time.Advance(TimeSpan.FromMinutes(5));

        var second = Container(table);
        await TimePump.RunAsync(second.Client.CountAsync($"SELECT COUNT() FROM Lead"), _emulator.Time);

        Assert.Equal(1, Logins);
        Assert.Equal(0, second.Credential.LoginCount);
    }

    [Fact]
    public async Task GetTokenAsync_StoredTokenPastItsEnd_LogsInAlthoughItemIsStillThere()
    {
        var table = new TokenTable(dynamoDb.Client, await dynamoDb.CreateTokenTableAsync(), cipher: null);
        await TimePump.RunAsync(Container(table).Client.CountAsync($"SELECT COUNT() FROM Lead"), _emulator.Time);
        _emulator.Time.Advance(Lifetime + TimeSpan.FromMinutes(1));

        // dynalite, like DynamoDB within its TTL delay, still returns the expired item.
        Assert.NotNull((await table.ReadAsync(ItemKey))?.Token);
        var later = Container(table);
        await TimePump.RunAsync(later.Client.CountAsync($"SELECT COUNT() FROM Lead"), _emulator.Time);

        Assert.Equal(2, Logins);
        Assert.Equal(1, later.Credential.LoginCount);
        Assert.True((await table.ReadAsync(ItemKey))!.ExpiresAt > _emulator.Time.GetUtcNow());
    }

    [Fact]
    public async Task GetTokenAsync_After401_ReplacesOnlyTheFailedTokenAndKeepsNewerOne()
    {
        var table = new TokenTable(dynamoDb.Client, await dynamoDb.CreateTokenTableAsync(), cipher: null);
        var a = Container(table);
        var b = Container(table);
        await TimePump.RunAsync(Task.WhenAll(a.Client.CountAsync($"SELECT COUNT() FROM Lead"), b.Client.CountAsync($"SELECT COUNT() FROM Lead")), _emulator.Time);
        var first = (await table.ReadAsync(ItemKey))!.Token!;
        Assert.True(_emulator.Host.Org.Revoke(first.Value));
        // Either container may have won the first lease, so B's own logins count from here.
        var bLoginsBefore = b.Credential.LoginCount;

        // A meets the 401 first and replaces the token; B, holding the same failed token, must take A's, not log in again.
        await TimePump.RunAsync(a.Client.CountAsync($"SELECT COUNT() FROM Lead"), _emulator.Time);
        var second = (await table.ReadAsync(ItemKey))!.Token!;
        await TimePump.RunAsync(b.Client.CountAsync($"SELECT COUNT() FROM Lead"), _emulator.Time);

        Assert.NotEqual(first.Value, second.Value);
        Assert.Equal(2, Logins);
        Assert.Equal(bLoginsBefore, b.Credential.LoginCount);
        Assert.Equal(second.Value, (await table.ReadAsync(ItemKey))!.Token!.Value);
    }

    [Fact]
    public async Task GetTokenAsync_RejectedTokenIsOlderThanStoredOne_ReturnsStoredWithoutLogin()
    {
        var table = new TokenTable(dynamoDb.Client, await dynamoDb.CreateTokenTableAsync(), cipher: null);
        var container = Container(table);
        var stored = await TimePump.RunAsync(container.Credential.GetTokenAsync(null).AsTask(), _emulator.Time);
        var older = new AccessToken("00D000000000001!an-older-token", stored.InstanceUrl, stored.IssuedAt.AddMinutes(-5));

        var answer = await TimePump.RunAsync(container.Credential.GetTokenAsync(older).AsTask(), _emulator.Time);

        Assert.Equal(stored.Value, answer.Value);
        Assert.Equal(stored.InstanceUrl, answer.InstanceUrl);
        Assert.Equal(stored.IdentityUrl, answer.IdentityUrl);
        Assert.Equal(stored.IssuedAt.ToUnixTimeMilliseconds(), answer.IssuedAt.ToUnixTimeMilliseconds());
        Assert.Equal(1, Logins);
    }

    [Fact]
    public async Task GetTokenAsync_LeaseHolderDied_WaitsThenTakesTheLeaseOver()
    {
        var table = new TokenTable(dynamoDb.Client, await dynamoDb.CreateTokenTableAsync(), cipher: null);
        var now = _emulator.Time.GetUtcNow();
        Assert.True(await table.TryLeaseAsync(ItemKey, "dead-container", null, now, now + Lease));
        var container = Container(table);

        await TimePump.RunAsync(container.Client.CountAsync($"SELECT COUNT() FROM Lead"), _emulator.Time, TimeSpan.FromMilliseconds(500));

        Assert.Equal(1, Logins);
        Assert.True(_emulator.Time.GetUtcNow() >= now + Lease);
        var item = (await table.ReadAsync(ItemKey))!;
        Assert.Null(item.LeaseOwner);
        Assert.NotNull(item.Token);
    }

    [Fact]
    public async Task GetTokenAsync_LiveLeaseOfAnother_WaitsForItsToken()
    {
        var table = new TokenTable(dynamoDb.Client, await dynamoDb.CreateTokenTableAsync(), cipher: null);
        var holder = Container(table);
        var now = _emulator.Time.GetUtcNow();
        Assert.True(await table.TryLeaseAsync(ItemKey, holder.Credential.Owner, null, now, now + Lease));
        var waiter = Container(table);
        var waiting = waiter.Credential.GetTokenAsync(null).AsTask();

        var token = new AccessToken("00D000000000001!stored-by-the-holder", new Uri("https://acme.my.salesforce.com"), now);
        Assert.True(await table.StoreAsync(ItemKey, holder.Credential.Owner, token, now + Lifetime));
        var answer = await TimePump.RunAsync(waiting, _emulator.Time);

        Assert.Equal(token.Value, answer.Value);
        Assert.Equal(0, Logins);
    }

    [Fact]
    public async Task GetTokenAsync_DynamoDbDown_LogsInDirectlyAndWarns()
    {
        using var closed = DynaliteProcess.CreateClient(new Uri("http://127.0.0.1:9"));
        var logger = new ListLogger();
        var container = Container(new TokenTable(closed, "tokens", cipher: null), logger);

        var count = await TimePump.RunAsync(container.Client.CountAsync($"SELECT COUNT() FROM Lead"), _emulator.Time);

        Assert.Equal(0, count);
        Assert.Equal(1, Logins);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("logging in to Salesforce directly", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("00D", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetTokenAsync_ClientWithLoggerFactory_ReachesTheInnerCredentialsLoginEvents()
    {
        var table = new TokenTable(dynamoDb.Client, await dynamoDb.CreateTokenTableAsync(), cipher: null);
        var jwt = new JwtBearerCredential(
            new JwtBearerCredentialOptions { LoginUrl = _emulator.Host.BaseUrl, ConsumerKey = EmulatorFixture.ConsumerKey, Username = EmulatorFixture.Username },
            _key,
            new HttpClient(),
            _emulator.Time);
        var credential = new SharedTokenCredential(jwt, table, ItemKey, Lifetime, Margin, Lease, _emulator.Time, NullLogger.Instance);
        using var logs = new RecordingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        using var client = new SalesforceClient(credential, new SalesforceClientOptions { TimeProvider = _emulator.Time, RetryDelay = TimeSpan.Zero, LoggerFactory = loggerFactory });

        await TimePump.RunAsync(client.CountAsync($"SELECT COUNT() FROM Lead"), _emulator.Time);

        Assert.Contains(logs.Lines, l => l.Category == typeof(JwtBearerCredential).FullName && l.Message.Contains(EmulatorFixture.Username, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetTokenAsync_WithKms_StoresOnlyCiphertextAndOtherContainersDecrypt()
    {
        using var kms = new FakeKms();
        using var kmsClient = kms.CreateClient();
        var tableName = await dynamoDb.CreateTokenTableAsync();
        var table = new TokenTable(dynamoDb.Client, tableName, new KmsTokenCipher(kmsClient, FakeKms.KeyArn));
        var first = Container(table);
        var token = await TimePump.RunAsync(first.Credential.GetTokenAsync(null).AsTask(), _emulator.Time);

        var raw = (await dynamoDb.Client.GetItemAsync(new GetItemRequest
        {
            TableName = tableName,
            Key = new() { [TokenTable.KeyAttribute] = new AttributeValue { S = ItemKey } },
            ConsistentRead = true,
        })).Item;
        var second = Container(table);
        var shared = await TimePump.RunAsync(second.Client.CountAsync($"SELECT COUNT() FROM Lead"), _emulator.Time);

        Assert.False(raw.ContainsKey("token"));
        var ciphertext = raw["tokenCiphertext"].B.ToArray();
        Assert.DoesNotContain(token.Value, System.Text.Encoding.UTF8.GetString(ciphertext), StringComparison.Ordinal);
        Assert.Equal(TokenItem.HashOf(token), raw["tokenHash"].S);
        Assert.Equal(1, kms.Encrypts);
        Assert.True(kms.Decrypts >= 1);
        Assert.Equal(0, shared);
        Assert.Equal(1, Logins);

        // A ciphertext only opens under its own item key (the encryption context).
        var cipher = new KmsTokenCipher(kmsClient, FakeKms.KeyArn);
        await Assert.ThrowsAnyAsync<Amazon.Runtime.AmazonServiceException>(() => cipher.DecryptAsync(ciphertext, "sf-token#another"));
    }

    private FleetContainer Container(TokenTable table, ILogger? logger = null)
    {
        var jwt = new JwtBearerCredential(
            new JwtBearerCredentialOptions { LoginUrl = _emulator.Host.BaseUrl, ConsumerKey = EmulatorFixture.ConsumerKey, Username = EmulatorFixture.Username },
            _key,
            new HttpClient(),
            _emulator.Time);
        var credential = new SharedTokenCredential(jwt, table, ItemKey, Lifetime, Margin, Lease, _emulator.Time, logger ?? NullLogger.Instance);
        var client = new SalesforceClient(credential, new SalesforceClientOptions
        {
            TimeProvider = _emulator.Time,
            RetryDelay = TimeSpan.Zero,
            TokenLifetime = Lifetime,
            TokenRefreshMargin = Margin,
        });
        _owned.Add(client);
        return new FleetContainer(credential, client);
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _key.Dispose();
        await _emulator.DisposeAsync();
    }

    private sealed record FleetContainer(SharedTokenCredential Credential, SalesforceClient Client);
}
