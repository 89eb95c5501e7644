using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Forcelink.Authentication;

namespace Forcelink.Aws.Fleet;

/// <summary>
/// The DynamoDB table of shared tokens (<c>FORCELINK_TOKEN_TABLE</c>), one item per org login, keyed by <c>pk</c>.
/// Every read is consistent and every write conditional, so containers agree on one token and one lease holder.
/// </summary>
internal sealed class TokenTable(IAmazonDynamoDB dynamoDb, string tableName, KmsTokenCipher? cipher)
{
    public const string KeyAttribute = "pk";
    public const string ExpiresAtAttribute = "expiresAt";

    public string TableName { get; } = tableName;

    /// <summary>Whether tokens are stored encrypted with KMS (otherwise only the table's encryption at rest protects them).</summary>
    public bool Encrypts => cipher is not null;

    public async Task<TokenItem?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var response = await dynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = TableName,
            Key = Key(key),
            ConsistentRead = true,
        }, cancellationToken).ConfigureAwait(false);
        if (response.Item is not { Count: > 0 } item)
        {
            return null;
        }

        AccessToken? token = null;
        var hash = Text(item, "tokenHash");
        var instanceUrl = Text(item, "instanceUrl");
        var value = Text(item, "token");
        if (value is null && item.TryGetValue("tokenCiphertext", out var blob) && blob.B is { } ciphertext && cipher is not null)
        {
            value = await cipher.DecryptAsync(ciphertext.ToArray(), key, cancellationToken).ConfigureAwait(false);
        }

        if (value is not null && hash is not null && Uri.TryCreate(instanceUrl, UriKind.Absolute, out var instance))
        {
            Uri.TryCreate(Text(item, "identityUrl"), UriKind.Absolute, out var identity);
            token = new AccessToken(value, instance, DateTimeOffset.FromUnixTimeMilliseconds(Number(item, "issuedAt")), identity) { FromStore = true };
        }

        return new TokenItem(
            token,
            hash,
            DateTimeOffset.FromUnixTimeSeconds(Number(item, ExpiresAtAttribute)),
            Text(item, "leaseOwner"),
            DateTimeOffset.FromUnixTimeMilliseconds(Number(item, "leaseUntil")));
    }

    /// <summary>
    /// Takes the lease to replace the token, if nobody holds a live one and the token is still the one the caller saw
    /// (<paramref name="seenHash"/>; <see langword="null"/> when it saw none): otherwise another container replaced it already.
    /// </summary>
    /// <returns>Whether the caller now holds the lease.</returns>
    public async Task<bool> TryLeaseAsync(string key, string owner, string? seenHash, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            [":owner"] = new() { S = owner },
            [":until"] = Number(leaseUntil.ToUnixTimeMilliseconds()),
            [":now"] = Number(now.ToUnixTimeMilliseconds()),
        };
        var condition = "(attribute_not_exists(leaseUntil) OR leaseUntil < :now) AND ";
        if (seenHash is null)
        {
            condition += "attribute_not_exists(tokenHash)";
        }
        else
        {
            condition += "(attribute_not_exists(tokenHash) OR tokenHash = :seen)";
            values[":seen"] = new AttributeValue { S = seenHash };
        }

        try
        {
            await dynamoDb.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = TableName,
                Key = Key(key),
                UpdateExpression = "SET leaseOwner = :owner, leaseUntil = :until",
                ConditionExpression = condition,
                ExpressionAttributeValues = values,
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <summary>Stores the lease holder's new token and ends the lease.</summary>
    /// <returns>Whether it was stored; <see langword="false"/> when the lease had expired and another container took it over.</returns>
    public async Task<bool> StoreAsync(string key, string owner, AccessToken token, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var values = new Dictionary<string, AttributeValue>
        {
            [":owner"] = new() { S = owner },
            [":hash"] = new() { S = TokenItem.HashOf(token) },
            [":instance"] = new() { S = token.InstanceUrl.AbsoluteUri },
            [":issued"] = Number(token.IssuedAt.ToUnixTimeMilliseconds()),
            [":expires"] = Number(expiresAt.ToUnixTimeSeconds()),
        };
        var set = "tokenHash = :hash, instanceUrl = :instance, issuedAt = :issued, expiresAt = :expires";
        var remove = "leaseOwner, leaseUntil";
        if (cipher is not null)
        {
            values[":value"] = new AttributeValue { B = new MemoryStream(await cipher.EncryptAsync(token.Value, key, cancellationToken).ConfigureAwait(false)) };
            set += ", tokenCiphertext = :value";
            remove += ", #token";
        }
        else
        {
            values[":value"] = new AttributeValue { S = token.Value };
            set += ", #token = :value";
            remove += ", tokenCiphertext";
        }

        if (token.IdentityUrl is { } identity)
        {
            values[":identity"] = new AttributeValue { S = identity.AbsoluteUri };
            set += ", identityUrl = :identity";
        }
        else
        {
            remove += ", identityUrl";
        }

        try
        {
            await dynamoDb.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = TableName,
                Key = Key(key),
                UpdateExpression = $"SET {set} REMOVE {remove}",
                ConditionExpression = "leaseOwner = :owner",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#token"] = "token" },
                ExpressionAttributeValues = values,
            }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <summary>Ends the caller's lease without a new token (its login failed), so others need not wait for the lease to expire.</summary>
    public async Task ReleaseAsync(string key, string owner, CancellationToken cancellationToken = default)
    {
        try
        {
            await dynamoDb.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = TableName,
                Key = Key(key),
                UpdateExpression = "REMOVE leaseOwner, leaseUntil",
                ConditionExpression = "leaseOwner = :owner",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":owner"] = new() { S = owner } },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // Someone took the expired lease over: it is theirs now.
        }
    }

    private static Dictionary<string, AttributeValue> Key(string key) => new() { [KeyAttribute] = new AttributeValue { S = key } };

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static string? Text(Dictionary<string, AttributeValue> item, string name) => item.TryGetValue(name, out var value) ? value.S : null;

    private static long Number(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && long.TryParse(value.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : 0;
}
