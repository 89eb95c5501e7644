using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Forcelink.Operations;
using Microsoft.Extensions.Logging;

namespace Forcelink.Aws.Fleet;

/// <summary>
/// Runs operations through <see cref="OperationHandler"/> so that a create carrying an idempotency key (the SQS message
/// id, the <c>Idempotency-Key</c> header, <c>idempotencyKey</c> in a direct event) creates at most one record, however
/// often it is delivered. The first delivery claims the key in the idempotency table, runs, and records its answer; a
/// repeat gets that answer back; a repeat while the first still runs gets 409 <c>IDEMPOTENCY_IN_PROGRESS</c>, which
/// makes SQS deliver it again later. When the first attempt's answer was lost, the key is given back only if the
/// object's idempotency field lets Salesforce recognise the repeat (<see cref="OperationHandler.IdempotencyFields"/>);
/// otherwise the key is marked unknown and repeats are refused with <c>OUTCOME_UNKNOWN</c> rather than run again.
/// Without a table (<c>FORCELINK_IDEMPOTENCY_TABLE</c> unset) the idempotency fields are the only protection.
/// Work stops in time to record what was done before <c>deadline</c>: operations not started by then are answered
/// <c>NOT_STARTED</c>.
/// </summary>
internal sealed partial class IdempotentOperationHandler(
    OperationHandler inner,
    IdempotencyTable? table,
    string functionName,
    TimeSpan expiry,
    TimeProvider timeProvider,
    ILogger logger)
{
    /// <summary>How long records are kept when the function does not say: as Powertools does, one hour.</summary>
    public static readonly TimeSpan DefaultExpiry = TimeSpan.FromHours(1);

    /// <summary>The most time kept back before the deadline for recording answers and replying.</summary>
    public static readonly TimeSpan Reserve = TimeSpan.FromSeconds(3);

    private const int MaxConcurrentRecordings = 16;

    public OperationPolicy Policy => inner.Policy;

    public bool RecordsCreates => table is not null;

    /// <summary>Validates and runs one request; <paramref name="deadline"/> bounds how long its claim counts as in progress.</summary>
    public async Task<OperationResult> HandleAsync(OperationRequest request, DateTimeOffset deadline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.TryValidate(Policy, out var operation, out var error))
        {
            return error;
        }

        var now = timeProvider.GetUtcNow();
        using var window = new WorkWindow(this, timeProvider, StopAt(deadline), now, cancellationToken);
        Claim? claim = null;
        if (table is not null && !window.Token.IsCancellationRequested && operation is CreateOperation { IdempotencyKey: { } key } create)
        {
            (claim, var answer) = await ClaimAsync(table, create, key, now, InProgressUntil(deadline, now), cancellationToken).ConfigureAwait(false);
            if (answer is not null)
            {
                return answer;
            }
        }

        var result = window.Token.IsCancellationRequested ? NotStarted() : await inner.ExecuteToResultAsync(operation, window.Token).ConfigureAwait(false);
        if (claim is not null)
        {
            await RecordAsync(table!, claim, result).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>When work must stop so that what was done can still be recorded and answered before <paramref name="deadline"/>.</summary>
    public DateTimeOffset StopAt(DateTimeOffset deadline)
    {
        var remaining = deadline - timeProvider.GetUtcNow();
        return deadline - (remaining > Reserve * 4 ? Reserve : remaining / 4);
    }

    /// <summary>
    /// Validates and runs many requests, answering every one. Repeats are answered from the table; everything else still
    /// goes to <see cref="OperationHandler.ExecuteBatchAsync"/> together, so creates share sObject Collections calls.
    /// </summary>
    public async Task<IReadOnlyList<OperationResult>> HandleBatchAsync(IReadOnlyList<OperationRequest> requests, DateTimeOffset deadline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);

        // Validated once, here: the operations, not the requests, go on to the inner handler.
        var results = new OperationResult?[requests.Count];
        var operations = new Operation?[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            if (requests[i].TryValidate(Policy, out var operation, out var error))
            {
                operations[i] = operation;
            }
            else
            {
                results[i] = error;
            }
        }

        var now = timeProvider.GetUtcNow();
        using var window = new WorkWindow(this, timeProvider, StopAt(deadline), now, cancellationToken);
        var claims = new Claim?[requests.Count];
        if (table is not null && !window.Token.IsCancellationRequested)
        {
            var inProgressUntil = InProgressUntil(deadline, now);
            for (var i = 0; i < requests.Count; i++)
            {
                if (operations[i] is CreateOperation { IdempotencyKey: { } key } create && results[i] is null)
                {
                    (claims[i], results[i]) = await ClaimAsync(table, create, key, now, inProgressUntil, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        var pending = Enumerable.Range(0, requests.Count).Where(i => results[i] is null).ToList();
        IReadOnlyList<OperationResult> ran = window.Token.IsCancellationRequested
            ? [.. pending.Select(_ => NotStarted())]
            : await inner.ExecuteBatchAsync([.. pending.Select(i => operations[i]!)], window.Token).ConfigureAwait(false);
        var recordings = new List<(Claim Claim, OperationResult Result)>();
        for (var j = 0; j < pending.Count; j++)
        {
            var i = pending[j];
            results[i] = ran[j];
            if (claims[i] is { } claim)
            {
                recordings.Add((claim, ran[j]));
            }
        }

        // Together rather than one after another (a slice may hold hundreds of claims), but bounded so a large slice
        // does not open hundreds of connections to DynamoDB at once.
        await Parallel.ForEachAsync(recordings, new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentRecordings },
            async (recording, _) => await RecordAsync(table!, recording.Claim, recording.Result).ConfigureAwait(false)).ConfigureAwait(false);
        return results!;
    }

    private sealed record Claim(string Id, CreateOperation Create);

    // A claim whose deadline has already passed (a clock or a test) still counts as running for a while.
    private static DateTimeOffset InProgressUntil(DateTimeOffset deadline, DateTimeOffset now) =>
        deadline > now ? deadline : now + TimeSpan.FromSeconds(30);

    /// <summary>Cancelled by the caller or at the stop time, whichever comes first.</summary>
    // One window source kept for the next invocation: a fresh linked source and timer each time were a tenth of a warm
    // read's allocations.
    private CancellationTokenSource? _spareWindow;

    /// <summary>The work's token: cancelled at the stop time (on the injected clock) or with the caller's token.</summary>
    private readonly struct WorkWindow : IDisposable
    {
        private readonly IdempotentOperationHandler _owner;
        private readonly CancellationTokenSource _stop;
        private readonly CancellationTokenRegistration _link;
        private readonly bool _linked;

        public WorkWindow(IdempotentOperationHandler owner, TimeProvider timeProvider, DateTimeOffset stopAt, DateTimeOffset now, CancellationToken cancellationToken)
        {
            _owner = owner;
            _stop = Interlocked.Exchange(ref owner._spareWindow, null) ?? new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
            _stop.CancelAfter(stopAt > now ? stopAt - now : TimeSpan.Zero);
            _linked = cancellationToken.CanBeCanceled;
            _link = _linked ? cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _stop) : default;
        }

        public CancellationToken Token => _stop.Token;

        public void Dispose()
        {
            // Kept only when unlinked before the caller cancelled and never cancelled itself (a late cancellation must
            // not reach the next invocation); otherwise left to the collector, as a callback may still run.
            if ((!_linked || _link.Unregister()) && _stop.TryReset())
            {
                Interlocked.Exchange(ref _owner._spareWindow, _stop)?.Dispose();
            }
        }
    }

    private async Task<(Claim? Claim, OperationResult? Answer)> ClaimAsync(IdempotencyTable idempotency, CreateOperation create, string key, DateTimeOffset now, DateTimeOffset inProgressUntil, CancellationToken cancellationToken)
    {
        var id = RecordId(key);
        IdempotencyClaim claim;
        try
        {
            claim = await idempotency.ClaimAsync(id, Validation(create), now, inProgressUntil, now + expiry, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (TableFailure.Is(e, cancellationToken))
        {
            LogTableUnavailable(logger, idempotency.TableName, e.GetType().Name, e);
            return inner.IsProtectedCreate(create)
                ? (null, null) // Salesforce's own check on the idempotency field still stops a second record.
                : (null, OperationResult.Transient(503, "IDEMPOTENCY_UNAVAILABLE",
                    "The idempotency table cannot be reached, so the create was not attempted; send it again later with the same key."));
        }

        switch (claim.Outcome)
        {
            case ClaimOutcome.Claimed:
                return (new Claim(id, create), null);
            case ClaimOutcome.TakenOver when inner.IsProtectedCreate(create):
                LogTakenOver(logger, id[^8..]);
                return (new Claim(id, create), null);
            case ClaimOutcome.TakenOver:
                // The dead attempt may have created the record, and nothing in Salesforce tells: refuse rather than guess.
                await MarkUnknownQuietlyAsync(idempotency, id).ConfigureAwait(false);
                return (null, Unknown());
            case ClaimOutcome.Unknown:
                return (null, Unknown());
            case ClaimOutcome.Completed:
                LogRepeat(logger, id[^8..]);
                return (null, ReadResult(claim.Data!));
            case ClaimOutcome.InProgress:
                return (null, OperationResult.Transient(409, "IDEMPOTENCY_IN_PROGRESS",
                    "A create with this idempotency key is running now; send it again later to get its answer."));
            default:
                return (null, OperationResult.Failure(422, "IDEMPOTENCY_KEY_REUSED",
                    "This idempotency key was used for a different create; use a new key for each record."));
        }
    }

    private static OperationResult NotStarted() =>
        OperationResult.Transient(503, OperationResult.NotStarted, "The operation was not sent: the invocation was near its deadline. Send it again.");

    private static OperationResult Unknown() =>
        OperationResult.Failure(409, OperationResult.OutcomeUnknown,
            "An earlier attempt of this create was sent and its answer lost, so the record may or may not exist; it is not sent again. "
            + "Check Salesforce for it; give the object an idempotency field (FORCELINK_IDEMPOTENCY_FIELDS) so such repeats are resolved by Salesforce.");

    /// <summary>Records a claimed create's answer. Table failures are logged, never thrown: the answer stands either way.</summary>
    private async Task RecordAsync(IdempotencyTable idempotency, Claim claim, OperationResult result)
    {
        try
        {
            if (result.IsSuccess)
            {
                await idempotency.CompleteAsync(claim.Id, Encoding.UTF8.GetString(result.ToJsonBytes()), timeProvider.GetUtcNow() + expiry, CancellationToken.None).ConfigureAwait(false);
            }
            else if (result.ErrorCode == OperationResult.OutcomeUnknown && !inner.IsProtectedCreate(claim.Create))
            {
                await idempotency.MarkUnknownAsync(claim.Id, timeProvider.GetUtcNow() + expiry, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                // Nothing was created, or Salesforce will recognise a repeat by the idempotency field: a retry may run it.
                await idempotency.ReleaseAsync(claim.Id, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (TableFailure.Is(e, CancellationToken.None))
        {
            // Until in_progress_expiration a repeat answers 409; after it, the takeover rules above apply.
            LogCompletionLost(logger, idempotency.TableName, e.GetType().Name, e);
        }
    }

    private async Task MarkUnknownQuietlyAsync(IdempotencyTable idempotency, string id)
    {
        try
        {
            await idempotency.MarkUnknownAsync(id, timeProvider.GetUtcNow() + expiry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (TableFailure.Is(e, CancellationToken.None))
        {
            LogTableUnavailable(logger, idempotency.TableName, e.GetType().Name, e);
        }
    }

    /// <summary>Powertools' key shape: the function name, then a hash of the caller's key (which may be sensitive).</summary>
    public string RecordId(string idempotencyKey) =>
        $"{functionName}#{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))}";

    /// <summary>What <c>validation</c> holds: a hash of the record a key was first used for, to refuse the key for another.</summary>
    internal static string Validation(CreateOperation create) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(create.ObjectName.ToUpperInvariant() + "\n" + create.Fields.ToJsonString())));

    /// <summary>Reads a recorded answer; only successful creates are recorded (<c>ok</c>, <c>statusCode</c>, <c>id</c>).</summary>
    internal static OperationResult ReadResult(string data)
    {
        using var document = JsonDocument.Parse(data);
        var root = document.RootElement;
        var status = root.TryGetProperty("statusCode", out var code) && code.TryGetInt32(out var n) ? n : 201;
        var id = root.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String ? idValue.GetString() : null;
        bool? created = root.TryGetProperty("created", out var createdValue) && createdValue.ValueKind is JsonValueKind.True or JsonValueKind.False ? createdValue.GetBoolean() : null;
        return OperationResult.Success(status, id, created);
    }

    [LoggerMessage(EventId = 510, Level = LogLevel.Warning, Message = "The idempotency table {Table} is unavailable ({ErrorType}): creates with a key are refused with 503 until it is back")]
    private static partial void LogTableUnavailable(ILogger logger, string table, string errorType, Exception exception);

    [LoggerMessage(EventId = 511, Level = LogLevel.Information, Message = "Create with idempotency record …{RecordSuffix} ran before: answering with its recorded result")]
    private static partial void LogRepeat(ILogger logger, string recordSuffix);

    [LoggerMessage(EventId = 513, Level = LogLevel.Warning, Message = "Create with idempotency record …{RecordSuffix} was claimed by an attempt that never finished: running it again, guarded by the object's idempotency field")]
    private static partial void LogTakenOver(ILogger logger, string recordSuffix);

    [LoggerMessage(EventId = 512, Level = LogLevel.Error, Message = "A create ran but its answer could not be recorded in {Table} ({ErrorType}); a repeat answers 409 until the claim's in-progress expiry, then is treated as an attempt that never finished")]
    private static partial void LogCompletionLost(ILogger logger, string table, string errorType, Exception exception);
}
