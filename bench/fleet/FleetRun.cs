using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Forcelink.Authentication;
using Forcelink.Emulator.Hosting;
using Forcelink.Fleet.Testing;
using Forcelink.Operations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Forcelink.Aws.Fleet;

namespace Forcelink.FleetSimulation;

/// <summary>
/// One set-up's run: a fresh emulated org (session timeout and login limit per hour as Salesforce's), N containers,
/// M invocations each in lockstep ticks of simulated time, and SQS-like redeliveries of some creates to another
/// container a few ticks later, with the same idempotency key (the message id).
/// </summary>
internal sealed class FleetRun : IAsyncDisposable
{
    private const string ConsumerKey = "3MVG9fleetSimulation";
    private const string Username = "fleet@example.com";
    private const string Company = "Fleet";

    private readonly TokenSetup _setup;
    private readonly SimulationSettings _settings;
    private readonly FakeTimeProvider _time;
    private readonly EmulatorHost _host;
    private readonly RsaSigningKey _key;
    private readonly HttpMessageHandler _transport;
    private readonly HttpClient _tokenHttp;
    private readonly List<SalesforceClient> _clients = [];
    private readonly System.Collections.Concurrent.ConcurrentBag<(string MessageId, int Container)> _inProgress = [];
    private int _failed;

    private FleetRun(TokenSetup setup, SimulationSettings settings, FakeTimeProvider time, EmulatorHost host, RsaSigningKey key)
    {
        _setup = setup;
        _settings = settings;
        _time = time;
        _host = host;
        _key = key;
        _transport = SalesforceClientOptions.CreateDefaultTransport();
        _tokenHttp = new HttpClient(_transport, disposeHandler: false);
    }

    public static async Task<SimulationResult> RunAsync(TokenSetup setup, SimulationSettings settings, DynaliteProcess dynalite, CancellationToken cancellationToken = default)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=forcelink-fleet", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new EmulatorOptions { TimeProvider = time };
        options.Org.SessionTimeout = settings.Session;
        options.Org.DailyApiLimit = 1_000_000;
        options.Org.Apps.Add(new AppOptions { Name = "Forcelink", ConsumerKey = ConsumerKey, CertificatePem = certificate.ExportCertificatePem(), Profiles = ["System Administrator"] });
        options.Org.Users.Add(new UserOptions { Username = Username, FirstName = "Fleet", LastName = "User" });
        var host = await EmulatorHost.StartAsync(options, cancellationToken);
        var key = RsaSigningKey.FromRsa(RSA.Create(rsa.ExportParameters(includePrivateParameters: true)));
        await using var run = new FleetRun(setup, settings, time, host, key);
        return await run.RunAsync(dynalite, cancellationToken);
    }

    private async Task<SimulationResult> RunAsync(DynaliteProcess dynalite, CancellationToken cancellationToken)
    {
        using var dynamoDb = dynalite.CreateClient();
        TokenTable? tokens = null;
        IdempotencyTable? idempotency = null;
        if (_setup == TokenSetup.Shared)
        {
            var suffix = Guid.NewGuid().ToString("N")[..8];
            await DynaliteProcess.CreateTableAsync(dynamoDb, $"tokens-{suffix}", TokenTable.KeyAttribute, cancellationToken);
            await DynaliteProcess.CreateTableAsync(dynamoDb, $"idempotency-{suffix}", IdempotencyTable.KeyAttribute, cancellationToken);
            tokens = new TokenTable(dynamoDb, $"tokens-{suffix}", cipher: null);
            idempotency = new IdempotencyTable(dynamoDb, $"idempotency-{suffix}");
        }

        var containers = Enumerable.Range(0, _settings.Containers).Select(i => CreateContainer(i, tokens, idempotency)).ToList();

        // Deliveries per tick and container: every container's own invocation, plus redeliveries of earlier ones, which
        // may come after the last regular tick.
        var random = new Random(7);
        var schedule = new List<List<string>[]>();
        List<string> Slot(int tick, int container)
        {
            while (schedule.Count <= tick)
            {
                schedule.Add([.. containers.Select(_ => new List<string>())]);
            }

            return schedule[tick][container];
        }

        var retries = 0;
        for (var tick = 0; tick < _settings.Invocations; tick++)
        {
            for (var c = 0; c < containers.Count; c++)
            {
                var messageId = $"msg-{c:D3}-{tick:D4}";
                Slot(tick, c).Add(messageId);
                if (random.Next(100) < _settings.RetryPercent)
                {
                    retries++;
                    Slot(tick + 1 + random.Next(3), random.Next(containers.Count)).Add(messageId);
                }
            }
        }

        var start = _time.GetUtcNow();
        for (var tick = 0; tick < schedule.Count; tick++)
        {
            var due = start + (_settings.Step * tick);
            if (_time.GetUtcNow() < due)
            {
                _time.SetUtcNow(due);
            }

            var deliveries = schedule[tick];
            var work = Task.WhenAll(containers.Select((container, c) => DeliverAsync(container, deliveries[c], cancellationToken)));
            await PumpAsync(work);

            // As SQS does with a failed item: a create still in progress elsewhere (409) comes again at the next tick.
            foreach (var (messageId, c) in _inProgress)
            {
                retries++;
                Slot(tick + 1, c).Add(messageId);
            }

            _inProgress.Clear();
        }

        // Simulated time also passes while the work of a tick runs (see PumpAsync), so measure it rather than count ticks.
        var duration = _time.GetUtcNow() - start;
        var logins = _host.LoginCount(Username);

        // Counting needs a login of its own: after an hour, when the run's logins no longer hold it back.
        _time.Advance(TimeSpan.FromMinutes(61));
        var duplicates = await CountDuplicatesAsync(cancellationToken);
        return new SimulationResult(
            _setup,
            _settings.Containers * _settings.Invocations,
            retries,
            logins,
            (int)Math.Ceiling(duration / _settings.Session),
            (int)Math.Ceiling(duration / (_settings.Session - _settings.Margin)),
            duplicates,
            _failed,
            duration);
    }

    private Container CreateContainer(int index, TokenTable? tokens, IdempotencyTable? idempotency)
    {
        SalesforceCredential credential = new JwtBearerCredential(
            new JwtBearerCredentialOptions { LoginUrl = _host.BaseUrl, ConsumerKey = ConsumerKey, Username = Username },
            _key,
            _tokenHttp,
            _time);
        if (tokens is not null)
        {
            credential = new SharedTokenCredential(
                credential,
                tokens,
                TokenItem.KeyFor(_host.BaseUrl, ConsumerKey, Username),
                _settings.Session,
                _settings.Margin,
                SharedTokenCredential.DefaultLeaseDuration,
                _time,
                NullLogger.Instance);
        }

        return new Container(index, credential, _setup == TokenSetup.None ? null : Handler(NewClient(credential), idempotency));
    }

    private IdempotentOperationHandler Handler(SalesforceClient client, IdempotencyTable? idempotency) =>
        new(new OperationHandler(client), idempotency, "fleet-simulation", IdempotentOperationHandler.DefaultExpiry, _time, NullLogger.Instance);

    private SalesforceClient NewClient(SalesforceCredential credential)
    {
        var client = new SalesforceClient(credential, new SalesforceClientOptions
        {
            ApiVersion = "62.0",
            TimeProvider = _time,
            Transport = _transport,
            TokenLifetime = _settings.Session,
            TokenRefreshMargin = _settings.Margin,
            RetryDelay = TimeSpan.Zero,
        });
        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    /// <summary>A container handles one invocation at a time, as Lambda does.</summary>
    private async Task DeliverAsync(Container container, List<string> messageIds, CancellationToken cancellationToken)
    {
        foreach (var messageId in messageIds)
        {
            // Without any cache, every invocation starts from nothing: a new client, a new login.
            var handler = container.Handler ?? Handler(NewClient(container.Credential), idempotency: null);
            var request = new OperationRequest
            {
                OperationName = "create",
                ObjectName = "Lead",
                Fields = new JsonObject { ["LastName"] = messageId, ["Company"] = Company },
                IdempotencyKey = messageId,
            };
            try
            {
                var result = await handler.HandleAsync(request, _time.GetUtcNow().AddSeconds(30), cancellationToken).ConfigureAwait(false);
                if (result.ErrorCode == "IDEMPOTENCY_IN_PROGRESS")
                {
                    _inProgress.Add((messageId, container.Index));
                }
                else if (!result.IsSuccess)
                {
                    Interlocked.Increment(ref _failed);
                }
            }
            catch (SalesforceException)
            {
                // The function would report an invocation error (a refused login, for example).
                Interlocked.Increment(ref _failed);
            }
        }
    }

    /// <summary>Lets simulated time pass only while the work waits (a container backing off for another's login).</summary>
    private async Task PumpAsync(Task work)
    {
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System)).ConfigureAwait(false);
            if (!work.IsCompleted)
            {
                _time.Advance(TimeSpan.FromMilliseconds(50));
            }
        }

        await work.ConfigureAwait(false);
    }

    private async Task<int> CountDuplicatesAsync(CancellationToken cancellationToken)
    {
        using var client = new SalesforceClient(
            new JwtBearerCredential(new JwtBearerCredentialOptions { LoginUrl = _host.BaseUrl, ConsumerKey = ConsumerKey, Username = Username }, _key, _tokenHttp, _time),
            new SalesforceClientOptions { ApiVersion = "62.0", TimeProvider = _time, Transport = _transport });
        var perKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var company = Company;
        await foreach (var lead in client.QueryAsync(new Forcelink.Soql.SoqlQuery($"SELECT LastName FROM Lead WHERE Company = {company}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var name = lead.GetString("LastName")!;
            perKey[name] = perKey.GetValueOrDefault(name) + 1;
        }

        return perKey.Values.Sum(n => n - 1);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _tokenHttp.Dispose();
        _transport.Dispose();
        _key.Dispose();
        await _host.DisposeAsync();
    }

    private sealed record Container(int Index, SalesforceCredential Credential, IdempotentOperationHandler? Handler);
}
