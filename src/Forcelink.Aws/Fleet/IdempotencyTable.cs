using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Forcelink.Aws.Fleet;

/// <summary>What claiming an idempotency key found.</summary>
public enum ClaimOutcome
{
    /// <summary>The caller owns the key now and must run the operation, then complete or release it.</summary>
    Claimed,

    /// <summary>The operation ran before; <see cref="IdempotencyClaim.Data"/> holds its answer.</summary>
    Completed,

    /// <summary>Another invocation is running it right now.</summary>
    InProgress,

    /// <summary>The key was used before for a different request.</summary>
    Mismatch,

    /// <summary>
    /// The caller owns the key now, taken over from an attempt that claimed it and never finished (its invocation died
    /// or timed out): that attempt may have created the record.
    /// </summary>
    TakenOver,

    /// <summary>An earlier attempt was sent and its answer lost: the record may or may not exist.</summary>
    Unknown,
}

/// <summary>What <see cref="IdempotencyTable.ClaimAsync"/> found.</summary>
/// <param name="Outcome">Whether the caller may run the operation.</param>
/// <param name="Data">The recorded answer when <paramref name="Outcome"/> is <see cref="ClaimOutcome.Completed"/>.</param>
public sealed record IdempotencyClaim(ClaimOutcome Outcome, string? Data = null);

/// <summary>
/// The DynamoDB table of idempotency records (<c>FORCELINK_IDEMPOTENCY_TABLE</c>) in the schema of Powertools for AWS
/// Lambda, so the table can be shared with functions that use Powertools: <c>id</c>, <c>status</c>, <c>data</c>,
/// <c>expiration</c> (epoch seconds, the TTL attribute), <c>in_progress_expiration</c> (epoch milliseconds), <c>validation</c>.
/// <para>
/// For exactly-once work: claim a key before acting (<see cref="ClaimAsync"/>), then record the answer
/// (<see cref="CompleteAsync"/>), give the key back when nothing changed (<see cref="ReleaseAsync"/>), or mark the outcome
/// unknown when the answer was lost (<see cref="MarkUnknownAsync"/>) so that repeats are refused rather than run twice.
/// </para>
/// </summary>
/// <param name="dynamoDb">The DynamoDB client.</param>
/// <param name="tableName">The table, with partition key <c>id</c> (string) and TTL on <c>expiration</c>.</param>
public sealed class IdempotencyTable(IAmazonDynamoDB dynamoDb, string tableName)
{
    internal const string KeyAttribute = "id";
    internal const string ExpiryAttribute = "expiration";
    private const string InProgress = "INPROGRESS";
    private const string Completed = "COMPLETED";

    // Not a Powertools status: Powertools releases the key when the outcome is unknown, which is how duplicates happen.
    private const string Unknown = "UNKNOWN";

    private static readonly Dictionary<string, string> Names = new()
    {
        ["#id"] = KeyAttribute,
        ["#expiry"] = ExpiryAttribute,
        ["#in_progress_expiry"] = "in_progress_expiration",
        ["#status"] = "status",
        ["#data"] = "data",
        ["#validation"] = "validation",
    };

    /// <summary>The table's name.</summary>
    public string TableName { get; } = tableName;

    /// <summary>
    /// Claims <paramref name="id"/> with a conditional put: it succeeds when there is no record or the record expired. A
    /// record stuck in progress past its in-progress expiry (the invocation that claimed it died) is taken over with a
    /// conditional update, and the caller is told (<see cref="ClaimOutcome.TakenOver"/>): the dead attempt may have created the record.
    /// </summary>
    /// <param name="id">The idempotency key, such as <c>function#message-id</c>.</param>
    /// <param name="validation">A hash of the request, so that a key reused for another request is told apart (<see cref="ClaimOutcome.Mismatch"/>).</param>
    /// <param name="now">The current time.</param>
    /// <param name="inProgressUntil">When the claim counts as abandoned if not completed: the end of the caller's invocation.</param>
    /// <param name="expiresAt">When the record may be deleted (TTL).</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>What the claim found.</returns>
    public async Task<IdempotencyClaim> ClaimAsync(string id, string validation, DateTimeOffset now, DateTimeOffset inProgressUntil, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        try
        {
            await dynamoDb.PutItemAsync(new PutItemRequest
            {
                TableName = TableName,
                Item = new Dictionary<string, AttributeValue>
                {
                    [KeyAttribute] = new() { S = id },
                    ["status"] = new() { S = InProgress },
                    [ExpiryAttribute] = Number(expiresAt.ToUnixTimeSeconds()),
                    ["in_progress_expiration"] = Number(inProgressUntil.ToUnixTimeMilliseconds()),
                    ["validation"] = new() { S = validation },
                },
                ConditionExpression = "attribute_not_exists(#id) OR #expiry < :now",
                ExpressionAttributeNames = Pick("#id", "#expiry"),
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":now"] = Number(now.ToUnixTimeSeconds()),
                },
            }, cancellationToken).ConfigureAwait(false);
            return new IdempotencyClaim(ClaimOutcome.Claimed);
        }
        catch (ConditionalCheckFailedException)
        {
            var existing = await dynamoDb.GetItemAsync(new GetItemRequest
            {
                TableName = TableName,
                Key = Key(id),
                ConsistentRead = true,
            }, cancellationToken).ConfigureAwait(false);
            var item = existing.Item;

            // Gone between the put and the get: its holder released it, so it is neither done nor free to take here.
            if (item is not { Count: > 0 })
            {
                return new IdempotencyClaim(ClaimOutcome.InProgress);
            }

            if (item.TryGetValue("validation", out var stored) && stored.S is { } storedValidation && storedValidation != validation)
            {
                return new IdempotencyClaim(ClaimOutcome.Mismatch);
            }

            var state = item.TryGetValue("status", out var status) ? status.S : null;
            if (state == Completed && item.TryGetValue("data", out var data) && data.S is { } text)
            {
                return new IdempotencyClaim(ClaimOutcome.Completed, text);
            }

            if (state == Unknown)
            {
                return new IdempotencyClaim(ClaimOutcome.Unknown);
            }

            return state == InProgress && item.TryGetValue("in_progress_expiration", out var until) && until.N is { } seen
                && long.Parse(seen, CultureInfo.InvariantCulture) < now.ToUnixTimeMilliseconds()
                ? await TakeOverAsync(id, seen, inProgressUntil, expiresAt, cancellationToken).ConfigureAwait(false)
                : new IdempotencyClaim(ClaimOutcome.InProgress);
        }
    }

    private async Task<IdempotencyClaim> TakeOverAsync(string id, string seenUntil, DateTimeOffset inProgressUntil, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        // Conditional on the in-progress expiry this caller saw, so of several callers finding the same dead claim one wins.
        var won = await UpdateIfAsync(id, "SET #in_progress_expiry = :until, #expiry = :expiry", "#status = :inprogress AND #in_progress_expiry = :seen",
            ["#in_progress_expiry", "#expiry", "#status"],
            new()
            {
                [":until"] = Number(inProgressUntil.ToUnixTimeMilliseconds()),
                [":expiry"] = Number(expiresAt.ToUnixTimeSeconds()),
                [":inprogress"] = new() { S = InProgress },
                [":seen"] = new() { N = seenUntil },
            },
            cancellationToken).ConfigureAwait(false);
        return new IdempotencyClaim(won ? ClaimOutcome.TakenOver : ClaimOutcome.InProgress);
    }

    /// <summary>
    /// Records that a claimed create was sent and its answer lost, when nothing in Salesforce can tell a repeat from a
    /// first attempt: repeats are then refused instead of run, so the record is never made twice. A claim completed
    /// meanwhile by an attempt that did get its answer keeps that answer, which is better than "unknown".
    /// </summary>
    /// <param name="id">The claimed key.</param>
    /// <param name="expiresAt">When the record may be deleted (TTL).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the mark is written or found unnecessary.</returns>
    public Task MarkUnknownAsync(string id, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        UpdateIfAsync(id, "SET #status = :unknown, #expiry = :expiry", "#status = :inprogress",
            ["#status", "#expiry"],
            new()
            {
                [":unknown"] = new() { S = Unknown },
                [":expiry"] = Number(expiresAt.ToUnixTimeSeconds()),
                [":inprogress"] = new() { S = InProgress },
            },
            cancellationToken);

    /// <summary>An <c>UpdateItem</c> that applies only when <paramref name="condition"/> holds; whether it did.</summary>
    private async Task<bool> UpdateIfAsync(string id, string update, string condition, string[] names, Dictionary<string, AttributeValue> values, CancellationToken cancellationToken)
    {
        try
        {
            await dynamoDb.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = TableName,
                Key = Key(id),
                UpdateExpression = update,
                ConditionExpression = condition,
                ExpressionAttributeNames = Pick(names),
                ExpressionAttributeValues = values,
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <summary>Records the answer of a claimed operation; a repeat returns it.</summary>
    /// <param name="id">The claimed key.</param>
    /// <param name="data">The answer to give repeats, such as the created record's id as JSON.</param>
    /// <param name="expiresAt">When the record may be deleted (TTL).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the answer is recorded.</returns>
    public async Task CompleteAsync(string id, string data, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        await dynamoDb.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = TableName,
            Key = Key(id),
            UpdateExpression = "SET #data = :data, #expiry = :expiry, #status = :completed",
            ExpressionAttributeNames = Pick("#data", "#expiry", "#status"),
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":data"] = new() { S = data },
                [":expiry"] = Number(expiresAt.ToUnixTimeSeconds()),
                [":completed"] = new() { S = Completed },
            },
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives a claim back when the operation changed nothing (it failed), so a retry runs it again.</summary>
    /// <param name="id">The claimed key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the claim is given back.</returns>
    public async Task ReleaseAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            await dynamoDb.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = TableName,
                Key = Key(id),
                ConditionExpression = "#status = :inprogress",
                ExpressionAttributeNames = Pick("#status"),
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":inprogress"] = new() { S = InProgress } },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // Already completed by a retry that took the record over: keep its answer.
        }
    }

    private static Dictionary<string, string> Pick(params string[] names) => names.ToDictionary(n => n, n => Names[n], StringComparer.Ordinal);

    private static Dictionary<string, AttributeValue> Key(string id) => new() { [KeyAttribute] = new AttributeValue { S = id } };

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
