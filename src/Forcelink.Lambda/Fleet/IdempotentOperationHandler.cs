using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Forcelink.Operations;
using Microsoft.Extensions.Logging;

namespace Forcelink.Lambda.Fleet;

/// <summary>
/// Runs operations through <see cref="OperationHandler"/> so that a create carrying an idempotency key (the SQS message
/// id, the <c>Idempotency-Key</c> header, <c>idempotencyKey</c> in a direct event) creates at most one record, however
/// often it is delivered: the first delivery claims the key in the idempotency table, runs, and records its answer;
/// a repeat gets that answer back; a repeat while the first still runs gets 409 <c>IDEMPOTENCY_IN_PROGRESS</c>, which
/// makes SQS deliver it again later. Without a table (<c>FORCELINK_IDEMPOTENCY_TABLE</c> unset) it only passes requests on.
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

    public OperationPolicy Policy => inner.Policy;

    public bool RecordsCreates => table is not null;

    /// <summary>Validates and runs one request; <paramref name="deadline"/> bounds how long its claim counts as in progress.</summary>
    public async Task<OperationResult> HandleAsync(OperationRequest request, DateTimeOffset deadline, CancellationToken cancellationToken = default)
    {
        var results = await HandleBatchAsync([request], deadline, cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    /// <summary>
    /// Validates and runs many requests. Repeats are answered from the table; everything else still goes to
    /// <see cref="OperationHandler.ExecuteBatchAsync"/> together, so creates share sObject Collections calls.
    /// </summary>
    public async Task<IReadOnlyList<OperationResult>> HandleBatchAsync(IReadOnlyList<OperationRequest> requests, DateTimeOffset deadline, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (table is null)
        {
            return requests.Count == 1
                ? [await inner.HandleAsync(requests[0], cancellationToken).ConfigureAwait(false)]
                : await inner.HandleBatchAsync(requests, cancellationToken).ConfigureAwait(false);
        }

        // Validated once, here: the operations, not the requests, go on to the inner handler.
        var results = new OperationResult?[requests.Count];
        var operations = new Operation?[requests.Count];
        var claims = new string?[requests.Count];
        var now = timeProvider.GetUtcNow();
        var inProgressUntil = deadline > now ? deadline : now + TimeSpan.FromSeconds(30);
        for (var i = 0; i < requests.Count; i++)
        {
            (operations[i], results[i]) = requests[i].Validate(Policy);
            if (operations[i] is not CreateOperation { IdempotencyKey: { } key } create)
            {
                continue;
            }

            var id = RecordId(key);
            IdempotencyClaim claim;
            try
            {
                claim = await table.ClaimAsync(id, Validation(create), now, inProgressUntil, now + expiry, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (TableFailure.Is(e, cancellationToken))
            {
                // Creating without a record could duplicate; failing makes the caller (or SQS) try again later.
                LogTableUnavailable(logger, table.TableName, e.GetType().Name, e);
                results[i] = OperationResult.Failure(503, "IDEMPOTENCY_UNAVAILABLE",
                    "The idempotency table cannot be reached, so the create was not attempted; send it again later with the same key.");
                continue;
            }

            switch (claim.Outcome)
            {
                case ClaimOutcome.Claimed:
                    claims[i] = id;
                    break;
                case ClaimOutcome.Completed:
                    LogRepeat(logger, id[^8..]);
                    results[i] = ReadResult(claim.Data!);
                    break;
                case ClaimOutcome.InProgress:
                    results[i] = OperationResult.Failure(409, "IDEMPOTENCY_IN_PROGRESS",
                        "A create with this idempotency key is running now; send it again later to get its answer.");
                    break;
                default:
                    results[i] = OperationResult.Failure(422, "IDEMPOTENCY_KEY_REUSED",
                        "This idempotency key was used for a different create; use a new key for each record.");
                    break;
            }
        }

        var pending = Enumerable.Range(0, requests.Count).Where(i => results[i] is null).ToList();
        IReadOnlyList<OperationResult> ran;
        try
        {
            ran = pending.Count == 1
                ? [await inner.ExecuteAsync(operations[pending[0]]!, cancellationToken).ConfigureAwait(false)]
                : await inner.ExecuteBatchAsync([.. pending.Select(i => operations[i]!)], cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Powertools' rule: an exception means the answer is unknown; give the keys back so a retry can run.
            foreach (var id in claims.OfType<string>())
            {
                await ReleaseQuietlyAsync(table, id).ConfigureAwait(false);
            }

            throw;
        }

        for (var j = 0; j < pending.Count; j++)
        {
            var i = pending[j];
            results[i] = ran[j];
            if (claims[i] is not { } id)
            {
                continue;
            }

            try
            {
                if (ran[j].Ok)
                {
                    await table.CompleteAsync(id, Encoding.UTF8.GetString(ran[j].ToJsonBytes()), timeProvider.GetUtcNow() + expiry, CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    // A refused create made no record: the retry may run it again (and may succeed after a fix).
                    await table.ReleaseAsync(id, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (TableFailure.Is(e, CancellationToken.None))
            {
                // The record exists in Salesforce; until in_progress_expiration a repeat answers 409, after it a repeat would create again.
                LogCompletionLost(logger, table.TableName, e.GetType().Name, e);
            }
        }

        return results!;
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

    private async Task ReleaseQuietlyAsync(IdempotencyTable idempotency, string id)
    {
        try
        {
            await idempotency.ReleaseAsync(id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (TableFailure.Is(e, CancellationToken.None))
        {
            LogTableUnavailable(logger, idempotency.TableName, e.GetType().Name, e);
        }
    }

    [LoggerMessage(EventId = 510, Level = LogLevel.Warning, Message = "The idempotency table {Table} is unavailable ({ErrorType}): creates with a key are refused with 503 until it is back")]
    private static partial void LogTableUnavailable(ILogger logger, string table, string errorType, Exception exception);

    [LoggerMessage(EventId = 511, Level = LogLevel.Information, Message = "Create with idempotency record …{RecordSuffix} ran before: answering with its recorded result")]
    private static partial void LogRepeat(ILogger logger, string recordSuffix);

    [LoggerMessage(EventId = 512, Level = LogLevel.Error, Message = "A create ran but its answer could not be recorded in {Table} ({ErrorType}); a repeat after its in-progress expiry would create again")]
    private static partial void LogCompletionLost(ILogger logger, string table, string errorType, Exception exception);
}
