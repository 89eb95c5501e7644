using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Forcelink.Authentication;
using Forcelink.Emulator.Hosting;
using Forcelink.Lambda;
using Forcelink.Lambda.Runtime;
using Forcelink.Operations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Forcelink.Aws.Metrics;
using Forcelink.Aws.Fleet;

namespace Forcelink.Fleet.Testing;

/// <summary>How big a soak is and how hostile its world.</summary>
/// <param name="Operations">Operations in all: half keyed creates, a fifth upserts, a fifth updates, a tenth deletes.</param>
/// <param name="BatchSize">Messages per SQS batch.</param>
/// <param name="Containers">Containers invoked at once.</param>
/// <param name="FaultRate">Share of Salesforce requests (REST and token endpoint each) hit by a fault, spread over every kind.</param>
/// <param name="KillRate">Share of invocations whose container is killed mid-batch, as Lambda kills one past its deadline.</param>
/// <param name="Revocations">Times every session is revoked during the run.</param>
/// <param name="Seed">Seeds the emulator's faults and the run's choices.</param>
internal sealed record SoakSettings(int Operations, int BatchSize, int Containers, double FaultRate, double KillRate, int Revocations, int Seed)
{
    /// <summary>The suite's version: small, same hostility.</summary>
    public static SoakSettings Small { get; } = new(600, 10, 3, 0.10, 0.05, 3, 7);

    /// <summary>The version: 10,000 operations.</summary>
    public static SoakSettings Full { get; } = new(10_000, 10, 4, 0.10, 0.03, 3, 7);
}

/// <summary>What a soak did and found.</summary>
internal sealed record SoakResult(
    SoakSettings Settings,
    int Invocations,
    int Deliveries,
    int Redeliveries,
    int Killed,
    int DeadlineStops,
    int Lost,
    int Duplicated,
    int Wrong,
    int Unhandled,
    int FleetLogins,
    int OrgLogins,
    int FaultsHit,
    TimeSpan SimulatedTime,
    TimeSpan WallTime,
    IReadOnlyList<string> Problems)
{
    public bool Passed => Lost == 0 && Duplicated == 0 && Wrong == 0 && Unhandled == 0 && FleetLogins == Settings.Revocations + 1;

    public string ToMarkdown() => string.Create(CultureInfo.InvariantCulture, $"""
        | figure | value |
        |---|---:|
        | operations (creates with keys, upserts, updates, deletes) | {Settings.Operations:N0} |
        | SQS batches delivered (invocations) | {Invocations:N0} |
        | messages delivered, of which redeliveries | {Deliveries:N0}, {Redeliveries:N0} |
        | faults hit (REST and token endpoint, before and after commit, latency) | {FaultsHit:N0} |
        | containers killed mid-batch | {Killed:N0} |
        | invocations that stopped early for their deadline | {DeadlineStops:N0} |
        | session revocations | {Settings.Revocations} |
        | logins by the fleet (revocations + 1 expected) | {FleetLogins} |
        | logins seen by the org (with logins whose answer was lost) | {OrgLogins} |
        | lost operations | {Lost} |
        | duplicated operations | {Duplicated} |
        | wrong results | {Wrong} |
        | unhandled errors | {Unhandled} |
        | simulated time | {SimulatedTime:hh\:mm\:ss} |
        | wall time | {WallTime.TotalSeconds:N1} s |
        """);
}

/// <summary>
/// The function under everything Lambda, SQS and Salesforce do to it: SQS batches of keyed creates, upserts, updates and
/// deletes to a few containers sharing the token and idempotency tables in dynalite, against an emulated org that drops
/// connections and loses answers (before and after committing, at the token endpoint too), answers 503 and
/// UNABLE_TO_LOCK_ROW, and stalls past deadlines; containers killed mid-batch; every session revoked a few times; failed
/// items and the batches of dead containers redelivered until every message succeeds. Then every operation's effect is
/// checked in the org: each create made exactly one record, each upsert's record exists once, updates and deletes took.
/// </summary>
internal sealed class SoakRun : IAsyncDisposable
{
    private const string ConsumerKey = "3MVG9soak";
    private const string Username = "soak@example.com";
    private const string ApiVersion = "62.0";
    private const string KeyField = "Forcelink_Key__c";
    private const string UpsertField = "Soak_Ext__c";
    private const int MaxReceives = 60;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly SoakSettings _settings;
    private readonly FakeTimeProvider _time;
    private readonly EmulatorHost _host;
    private readonly RsaSigningKey _key;
    private readonly DynaliteProcess _dynalite;
    private readonly Random _random;
    private readonly List<Container> _containers = [];
    private readonly List<Container> _dead = [];
    private readonly OperationPolicy _policy = OperationPolicy.Parse("""{"Lead":"*"}""");
    private string _tokenTable = "";
    private string _idempotencyTable = "";
    private int _invocations;
    private int _deliveries;
    private int _redeliveries;
    private int _killed;
    private int _deadlineStops;
    private int _unhandled;
    private readonly List<string> _problems = [];

    private SoakRun(SoakSettings settings, FakeTimeProvider time, EmulatorHost host, RsaSigningKey key, DynaliteProcess dynalite)
    {
        _settings = settings;
        _time = time;
        _host = host;
        _key = key;
        _dynalite = dynalite;
        _random = new Random(settings.Seed);
    }

    public static async Task<SoakResult> RunAsync(SoakSettings settings, DynaliteProcess dynalite, CancellationToken cancellationToken = default)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=forcelink-soak", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new EmulatorOptions { TimeProvider = time, RandomSeed = settings.Seed };
        options.Org.DailyApiLimit = 10_000_000;
        options.Org.Apps.Add(new AppOptions { Name = "Forcelink", ConsumerKey = ConsumerKey, CertificatePem = certificate.ExportCertificatePem(), Profiles = ["System Administrator"] });
        options.Org.Users.Add(new UserOptions { Username = Username, FirstName = "Soak", LastName = "User" });
        options.Org.CustomFields["Lead"] =
        [
            new CustomFieldOptions { Name = KeyField, Type = "string", Length = 64, ExternalId = true, Unique = true },
            new CustomFieldOptions { Name = UpsertField, Type = "string", Length = 40, ExternalId = true, Unique = true },
        ];
        var host = await EmulatorHost.StartAsync(options, cancellationToken);
        var key = RsaSigningKey.FromRsa(RSA.Create(rsa.ExportParameters(includePrivateParameters: true)));
        await using var run = new SoakRun(settings, time, host, key, dynalite);
        return await run.RunAsync(cancellationToken);
    }

    private async Task<SoakResult> RunAsync(CancellationToken cancellationToken)
    {
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var started = _time.GetUtcNow();
        using (var dynamoDb = _dynalite.CreateClient())
        {
            var suffix = Guid.NewGuid().ToString("N")[..8];
            _tokenTable = $"soak-tokens-{suffix}";
            _idempotencyTable = $"soak-idempotency-{suffix}";
            await DynaliteProcess.CreateTableAsync(dynamoDb, _tokenTable, TokenTable.KeyAttribute, cancellationToken);
            await DynaliteProcess.CreateTableAsync(dynamoDb, _idempotencyTable, IdempotencyTable.KeyAttribute, cancellationToken);
        }

        for (var i = 0; i < _settings.Containers; i++)
        {
            _containers.Add(NewContainer());
        }

        InjectFaults();
        var n = _settings.Operations;
        var creates = n / 2;
        var upserts = n / 5;
        var updates = n / 5;
        var deletes = n - creates - upserts - updates;

        // Phase one: keyed creates (the message id is the key) and upserts, interleaved.
        var first = new List<Message>();
        for (var i = 0; i < Math.Max(creates, upserts); i++)
        {
            if (i < creates)
            {
                first.Add(new Message($"create-{i}", $$$"""{"operation":"create","object":"Lead","fields":{"LastName":"soak-create","Company":"c-{{{i}}}"}}"""));
            }

            if (i < upserts)
            {
                first.Add(new Message($"upsert-{i}", $$$"""{"operation":"upsert","object":"Lead","externalIdField":"{{{UpsertField}}}","externalId":"u-{{{i}}}","fields":{"LastName":"soak-upsert","Company":"u-{{{i}}}"}}"""));
            }
        }

        var revocationsLeft = _settings.Revocations;
        var totalDeliveries = (first.Count + updates + deletes) / _settings.BatchSize;
        var revokeEvery = Math.Max(1, totalDeliveries / (_settings.Revocations + 1));
        await DeliverAllAsync(first, () =>
        {
            if (revocationsLeft > 0 && _invocations >= revokeEvery * (_settings.Revocations - revocationsLeft + 1))
            {
                revocationsLeft--;
                _host.Org.RevokeAll(null);
            }
        }, cancellationToken);

        // Phase two: updates and deletes of the records the creates made, found by their marker. The look-up runs on a
        // quiet org: nothing advances fake time for it, so a stalled or backed-off request would wait forever.
        _host.Org.ClearFaults();
        var ids = await CreatedIdsAsync(cancellationToken);
        InjectFaults();
        var second = new List<Message>();
        for (var i = 0; i < Math.Max(updates, deletes); i++)
        {
            if (i < updates && ids.TryGetValue($"c-{i}", out var updateId))
            {
                second.Add(new Message($"update-{i}", $$$"""{"operation":"update","object":"Lead","id":"{{{updateId}}}","fields":{"Title":"t-{{{i}}}"}}"""));
            }

            var target = creates - 1 - i;
            if (i < deletes && target >= updates && ids.TryGetValue($"c-{target}", out var deleteId))
            {
                second.Add(new Message($"delete-{target}", $$$"""{"operation":"delete","object":"Lead","id":"{{{deleteId}}}"}"""));
            }
        }

        await DeliverAllAsync(second, () =>
        {
            if (revocationsLeft > 0 && _invocations >= revokeEvery * (_settings.Revocations - revocationsLeft + 1))
            {
                revocationsLeft--;
                _host.Org.RevokeAll(null);
            }
        }, cancellationToken);
        while (revocationsLeft-- > 0)
        {
            _host.Org.RevokeAll(null);
            await DeliverAllAsync([new Message($"after-revocation-{revocationsLeft}", """{"operation":"find","object":"Lead","where":{"LastName":"nobody"},"limit":1}""")], () => { }, cancellationToken);
        }

        var simulated = _time.GetUtcNow() - started;
        var faultsHit = _host.Org.FaultsHit;
        _host.Org.ClearFaults();
        var fleetLogins = _containers.Concat(_dead).Sum(c => c.Credential.LoginCount);
        var orgLogins = _host.LoginCount(Username);
        var (lost, duplicated, wrong) = await VerifyAsync(creates, upserts, updates, deletes, cancellationToken);
        return new SoakResult(_settings, _invocations, _deliveries, _redeliveries, _killed, _deadlineStops, lost, duplicated, wrong, _unhandled,
            fleetLogins, orgLogins, faultsHit, simulated, wall.Elapsed, _problems);
    }

    private void InjectFaults()
    {
        FaultKind[] rest = [FaultKind.ServiceUnavailable, FaultKind.DropConnection, FaultKind.CommitThenDropConnection, FaultKind.CommitThenServerError, FaultKind.UnableToLockRow];
        foreach (var kind in rest)
        {
            _host.Org.AddFault(new FaultRule { PathPrefix = "/services/data/", Kind = kind, Probability = _settings.FaultRate / rest.Length });
        }

        FaultKind[] token = [FaultKind.ServiceUnavailable, FaultKind.DropConnection, FaultKind.CommitThenDropConnection];
        foreach (var kind in token)
        {
            _host.Org.AddFault(new FaultRule { PathPrefix = "/services/oauth2/token", Kind = kind, Probability = _settings.FaultRate / token.Length });
        }

        // Salesforce slower than the invocation's time: the function must stop and answer before Lambda's deadline.
        _host.Org.AddFault(new FaultRule { PathPrefix = "/services/data/", Kind = FaultKind.Latency, Probability = 0.01, LatencyMilliseconds = 45_000 });
    }

    /// <summary>Delivers messages in SQS batches until every one has succeeded, redelivering failed items and dead batches.</summary>
    private async Task DeliverAllAsync(List<Message> messages, Action beforeWave, CancellationToken cancellationToken)
    {
        var queue = new Queue<Message>(messages);
        while (queue.Count > 0)
        {
            beforeWave();
            var batches = new List<(Container Container, List<Message> Messages)>();
            for (var c = 0; c < _containers.Count && queue.Count > 0; c++)
            {
                var batch = new List<Message>();
                while (batch.Count < _settings.BatchSize && queue.Count > 0)
                {
                    var message = queue.Dequeue();
                    if (++message.Receives > MaxReceives)
                    {
                        _problems.Add($"{message.Id} was delivered {MaxReceives} times without success: {message.LastError}");
                        continue;
                    }

                    _deliveries++;
                    if (message.Receives > 1)
                    {
                        _redeliveries++;
                    }

                    batch.Add(message);
                }

                if (batch.Count > 0)
                {
                    batches.Add((_containers[c], batch));
                }
            }

            var runs = batches.Select(b => InvokeAsync(b.Container, b.Messages, cancellationToken)).ToList();
            await PumpAsync(Task.WhenAll(runs));
            for (var i = 0; i < batches.Count; i++)
            {
                var (container, batch) = batches[i];
                var outcome = await runs[i];
                if (outcome.Killed)
                {
                    // SQS makes a dead invocation's whole batch visible again; Lambda starts a new container.
                    _killed++;
                    _dead.Add(container);
                    _containers[_containers.IndexOf(container)] = NewContainer();
                }

                foreach (var message in batch.Where(m => outcome.Killed || outcome.Failed.ContainsKey(m.Id)))
                {
                    message.LastError = outcome.Killed ? "killed" : outcome.Failed[message.Id];
                    queue.Enqueue(message);
                }
            }

            // The visibility timeout passes before failed items come back.
            _time.Advance(TimeSpan.FromSeconds(35));
        }
    }

    private async Task<Outcome> InvokeAsync(Container container, List<Message> batch, CancellationToken cancellationToken)
    {
        _invocations++;
        if (_random.NextDouble() < _settings.KillRate)
        {
            container.Switch.ArmAfter(1 + _random.Next(3));
        }

        var json = new JsonObject
        {
            ["Records"] = new JsonArray([.. batch.Select(m => (JsonNode)new JsonObject { ["messageId"] = m.Id, ["eventSource"] = "aws:sqs", ["body"] = m.Body })]),
        };
        var deadline = _time.GetUtcNow() + Timeout;
        var context = new InvocationContext($"soak-{_invocations}", deadline, null, null, _time);
        var invocation = container.Function.HandleAsync(Encoding.UTF8.GetBytes(json.ToJsonString()), context, cancellationToken);
        var finished = await Task.WhenAny(invocation, container.Switch.Tripped).ConfigureAwait(false);
        if (finished != invocation)
        {
            return new Outcome(Killed: true, []);
        }

        var answeredAt = _time.GetUtcNow();
        ReadOnlyMemory<byte> answer;
        try
        {
            answer = await invocation.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _unhandled++;
            _problems.Add($"invocation {_invocations} threw {e.GetType().Name}: {e.Message}");
            return new Outcome(Killed: true, []);
        }

        if (answeredAt > deadline)
        {
            // Lambda would have killed it before it answered.
            return new Outcome(Killed: true, []);
        }

        var failed = JsonNode.Parse(answer.Span)!["batchItemFailures"]!.AsArray()
            .Select(f => f!["itemIdentifier"]!.GetValue<string>())
            .ToDictionary(id => id, _ => "failed item", StringComparer.Ordinal);
        if (container.Logs.TakeNotStarted() > 0)
        {
            _deadlineStops++;
        }

        return new Outcome(Killed: false, failed);
    }

    /// <summary>Lets fake time pass while the work waits on it (backoff, latency, deadlines); nothing is timed.</summary>
    private async Task PumpAsync(Task work)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (!work.IsCompleted && !limit.IsCancellationRequested)
        {
            await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System)).ConfigureAwait(false);
            if (!work.IsCompleted)
            {
                _time.Advance(TimeSpan.FromMilliseconds(250));
            }
        }

        await work.WaitAsync(TimeSpan.FromMinutes(1)).ConfigureAwait(false);
    }

    private Container NewContainer()
    {
        var killSwitch = new KillSwitch();
        var transport = new KillableHandler(killSwitch, new SocketsHttpHandler());
        var tokenHttp = new HttpClient(transport, disposeHandler: false);
        var dynamoDb = new AmazonDynamoDBClient(new BasicAWSCredentials("test", "test"), new AmazonDynamoDBConfig
        {
            ServiceURL = _dynalite.ServiceUrl.AbsoluteUri,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromSeconds(10),
            HttpClientFactory = new KillableHttpClientFactory(killSwitch),
        });
        var jwt = new JwtBearerCredential(
            new JwtBearerCredentialOptions { LoginUrl = _host.BaseUrl, ConsumerKey = ConsumerKey, Username = Username }, _key, tokenHttp, _time);
        var credential = new SharedTokenCredential(
            jwt,
            new TokenTable(dynamoDb, _tokenTable, cipher: null),
            TokenItem.KeyFor(_host.BaseUrl, ConsumerKey, Username),
            TimeSpan.FromHours(2),
            TimeSpan.FromMinutes(10),
            SharedTokenCredential.DefaultLeaseDuration,
            _time,
            NullLogger.Instance);
        var client = new SalesforceClient(credential, new SalesforceClientOptions
        {
            ApiVersion = ApiVersion,
            TimeProvider = _time,
            Transport = transport,
            RetryDelay = TimeSpan.Zero,
            TokenLifetime = TimeSpan.FromHours(2),
        });
        var operations = new IdempotentOperationHandler(
            new OperationHandler(client, _policy) { IdempotencyFields = new Dictionary<string, string> { ["Lead"] = KeyField } },
            new IdempotencyTable(dynamoDb, _idempotencyTable),
            "soak",
            IdempotentOperationHandler.DefaultExpiry,
            _time,
            NullLogger.Instance);
        var logs = new NotStartedCounter();
        var function = new FunctionHandler(operations, new EmbeddedMetrics(TextWriter.Null, _time), _time, logs);
        return new Container(killSwitch, credential, client, dynamoDb, tokenHttp, function, logs);
    }

    private async Task<Dictionary<string, string>> CreatedIdsAsync(CancellationToken cancellationToken)
    {
        using var client = CheckingClient();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var lead in client.QueryAsync(Soql.SoqlQuery.Raw("SELECT Id, Company FROM Lead WHERE LastName = 'soak-create'"), cancellationToken: cancellationToken))
        {
            ids.TryAdd(lead.GetString("Company")!, lead.Id!);
        }

        return ids;
    }

    private async Task<(int Lost, int Duplicated, int Wrong)> VerifyAsync(int creates, int upserts, int updates, int deletes, CancellationToken cancellationToken)
    {
        using var client = CheckingClient();
        var live = new Dictionary<string, List<(string Id, string? Title)>>(StringComparer.Ordinal);
        await foreach (var lead in client.QueryAsync(Soql.SoqlQuery.Raw("SELECT Id, Company, Title FROM Lead WHERE LastName IN ('soak-create', 'soak-upsert')"), cancellationToken: cancellationToken))
        {
            var company = lead.GetString("Company")!;
            if (!live.TryGetValue(company, out var list))
            {
                live[company] = list = [];
            }

            list.Add((lead.Id!, lead.GetString("Title")));
        }

        var all = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var lead in client.QueryAllAsync<Records.Lead>(Soql.SoqlQuery.Raw("SELECT Company FROM Lead WHERE LastName = 'soak-create'"), cancellationToken: cancellationToken))
        {
            var company = lead.GetString("Company")!;
            all[company] = all.GetValueOrDefault(company) + 1;
        }

        int lost = 0, duplicated = 0, wrong = 0;
        void Problem(ref int counter, string text)
        {
            counter++;
            if (_problems.Count < 50)
            {
                _problems.Add(text);
            }
        }

        for (var i = 0; i < creates; i++)
        {
            var company = $"c-{i}";
            var made = all.GetValueOrDefault(company);
            var deleted = i >= updates && i > creates - 1 - deletes;
            var alive = live.GetValueOrDefault(company) ?? [];
            if (made == 0)
            {
                Problem(ref lost, $"create {i} made no record");
            }
            else if (made > 1)
            {
                Problem(ref duplicated, $"create {i} made {made} records");
            }
            else if (deleted != (alive.Count == 0))
            {
                Problem(ref wrong, deleted ? $"record of create {i} was not deleted" : $"record of create {i} is gone");
            }
            else if (i < updates && alive[0].Title != $"t-{i}")
            {
                Problem(ref wrong, $"record of create {i} has Title '{alive[0].Title}', not t-{i}");
            }
        }

        for (var i = 0; i < upserts; i++)
        {
            var count = live.GetValueOrDefault($"u-{i}")?.Count ?? 0;
            if (count == 0)
            {
                Problem(ref lost, $"upsert {i} made no record");
            }
            else if (count > 1)
            {
                Problem(ref duplicated, $"upsert {i} made {count} records");
            }
        }

        return (lost, duplicated, wrong);
    }

    private SalesforceClient CheckingClient() => new(
        new JwtBearerCredential(new JwtBearerCredentialOptions { LoginUrl = _host.BaseUrl, ConsumerKey = ConsumerKey, Username = Username }, _key, new HttpClient(), _time),
        new SalesforceClientOptions { ApiVersion = ApiVersion, TimeProvider = _time, RetryDelay = TimeSpan.Zero });

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers.Concat(_dead))
        {
            container.Dispose();
        }

        _key.Dispose();
        await _host.DisposeAsync();
    }

    private sealed record Outcome(bool Killed, Dictionary<string, string> Failed);

    private sealed class Message(string id, string body)
    {
        public string Id { get; } = id;

        public string Body { get; } = body;

        public int Receives { get; set; }

        public string? LastError { get; set; }
    }

    private sealed record Container(KillSwitch Switch, SharedTokenCredential Credential, SalesforceClient Client, AmazonDynamoDBClient DynamoDb, HttpClient TokenHttp, FunctionHandler Function, NotStartedCounter Logs) : IDisposable
    {
        public void Dispose()
        {
            // A dead container's calls wait forever, as they would in a frozen sandbox; release them now the run is checked.
            Switch.Release();
            Client.Dispose();
            DynamoDb.Dispose();
            TokenHttp.Dispose();
        }
    }

    /// <summary>Once tripped, every call of its container waits until the run ends: the process is gone.</summary>
    private sealed class KillSwitch
    {
        private readonly TaskCompletionSource _tripped = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armedAfter = -1;

        public Task Tripped => _tripped.Task;

        public bool IsTripped => _tripped.Task.IsCompleted;

        public void ArmAfter(int requests) => Volatile.Write(ref _armedAfter, requests);

        /// <summary>Counts a REST request; the one that trips the switch still reaches the org, so it may have committed.</summary>
        public bool CountsDown() => Volatile.Read(ref _armedAfter) > 0 && Interlocked.Decrement(ref _armedAfter) == 0;

        public void Trip() => _tripped.TrySetResult();

        public Task Frozen() => _released.Task.ContinueWith<Task>(_ => Task.FromException(new HttpRequestException("The container was killed.")), TaskScheduler.Default).Unwrap();

        public void Release() => _released.TrySetResult();
    }

    private sealed class KillableHandler(KillSwitch killSwitch, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (killSwitch.IsTripped)
            {
                await killSwitch.Frozen().ConfigureAwait(false);
            }

            var trips = request.RequestUri!.AbsolutePath.StartsWith("/services/data/", StringComparison.Ordinal) && killSwitch.CountsDown();
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (trips)
            {
                killSwitch.Trip();
                response.Dispose();
                await killSwitch.Frozen().ConfigureAwait(false);
            }

            return response;
        }
    }

    private sealed class KillableHttpClientFactory(KillSwitch killSwitch) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new(new KillableHandler(killSwitch, new SocketsHttpHandler()));

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }

    /// <summary>Counts the invocations that answered some operations NOT_STARTED, from the handler's own log.</summary>
    private sealed class NotStartedCounter : Microsoft.Extensions.Logging.ILogger<FunctionHandler>
    {
        private int _count;

        public int TakeNotStarted() => Interlocked.Exchange(ref _count, 0);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (formatter(state, exception).Contains(OperationResult.NotStarted, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }
}
