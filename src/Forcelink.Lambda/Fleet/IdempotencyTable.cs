using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Forcelink.Lambda.Fleet;

/// <summary>What claiming an idempotency key found.</summary>
internal enum ClaimOutcome
{
    /// <summary>The caller owns the key now and must run the operation, then complete or release it.</summary>
    Claimed,

    /// <summary>The operation ran before; <see cref="IdempotencyClaim.Data"/> holds its answer.</summary>
    Completed,

    /// <summary>Another invocation is running it right now.</summary>
    InProgress,

    /// <summary>The key was used before for a different request.</summary>
    Mismatch,
}

internal sealed record IdempotencyClaim(ClaimOutcome Outcome, string? Data = null);

/// <summary>
/// The DynamoDB table of idempotency records (<c>FORCELINK_IDEMPOTENCY_TABLE</c>) in the schema of Powertools for AWS
/// Lambda, so the table can be shared with functions that use Powertools: <c>id</c>, <c>status</c>, <c>data</c>,
/// <c>expiration</c> (epoch seconds, the TTL attribute), <c>in_progress_expiration</c> (epoch milliseconds), <c>validation</c>.
/// </summary>
internal sealed class IdempotencyTable(IAmazonDynamoDB dynamoDb, string tableName)
{
    public const string KeyAttribute = "id";
    public const string ExpiryAttribute = "expiration";
    private const string InProgress = "INPROGRESS";
    private const string Completed = "COMPLETED";

    private static readonly Dictionary<string, string> Names = new()
    {
        ["#id"] = KeyAttribute,
        ["#expiry"] = ExpiryAttribute,
        ["#in_progress_expiry"] = "in_progress_expiration",
        ["#status"] = "status",
        ["#data"] = "data",
        ["#validation"] = "validation",
    };

    public string TableName { get; } = tableName;

    /// <summary>
    /// Claims <paramref name="id"/> with a conditional put: it succeeds when there is no record, the record expired, or
    /// it is stuck in progress past its in-progress expiry (the invocation that claimed it died).
    /// </summary>
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
                ConditionExpression = "attribute_not_exists(#id) OR #expiry < :now OR (attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_ms AND #status = :inprogress)",
                ExpressionAttributeNames = Pick("#id", "#expiry", "#in_progress_expiry", "#status"),
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":now"] = Number(now.ToUnixTimeSeconds()),
                    [":now_ms"] = Number(now.ToUnixTimeMilliseconds()),
                    [":inprogress"] = new() { S = InProgress },
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

            return item.TryGetValue("status", out var status) && status.S == Completed && item.TryGetValue("data", out var data) && data.S is { } text
                ? new IdempotencyClaim(ClaimOutcome.Completed, text)
                : new IdempotencyClaim(ClaimOutcome.InProgress);
        }
    }

    /// <summary>Records the answer of a claimed operation; a repeat returns it.</summary>
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
