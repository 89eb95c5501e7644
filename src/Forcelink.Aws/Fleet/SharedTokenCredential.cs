using System.Security.Cryptography;
using Amazon.DynamoDBv2;
using Amazon.KeyManagementService;
using Forcelink.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Forcelink.Aws.Fleet;

/// <summary>
/// Shares one Salesforce login among every container of a function (and every function with the same login) through
/// the token table, in front of the credential that really logs in. Salesforce allows 3,600 logins per user per hour;
/// a fleet that logs in per container spends them in minutes.
/// <para>
/// A stored token is used while it has more than the refresh margin left and is not the one the caller is replacing.
/// Otherwise exactly one container takes a conditional-write lease and logs in; the others re-read with backoff and
/// use what it stores. A lease whose holder died expires and is taken over. When the table cannot be reached the
/// container logs in on its own: a login more is better than a failed invocation.
/// </para>
/// </summary>
public sealed partial class SharedTokenCredential : SalesforceCredential
{
    /// <summary>Long enough for a JWT exchange with retries, short enough that a dead holder delays others little.</summary>
    public static readonly TimeSpan DefaultLeaseDuration = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan FirstWait = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestWait = TimeSpan.FromMilliseconds(800);

    private readonly SalesforceCredential _inner;
    private readonly TokenTable _table;
    private readonly string _key;
    private readonly TimeSpan _lifetime;
    private readonly TimeSpan _refreshMargin;
    private readonly TimeSpan _leaseDuration;
    private readonly TimeProvider _timeProvider;
    private ILogger _logger;
    private int _loginCount;

    /// <summary>Creates the credential. Validates <paramref name="options"/> and reports every problem at once.</summary>
    /// <param name="inner">The credential that really logs in, such as a <see cref="JwtBearerCredential"/>.</param>
    /// <param name="dynamoDb">The DynamoDB client; fail fast (a short timeout, few retries): when the table does not answer, the container logs in itself.</param>
    /// <param name="options">The table, the KMS key and the login's identity.</param>
    /// <param name="kms">The KMS client, required when <see cref="SharedTokenOptions.KmsKeyId"/> is set.</param>
    /// <param name="timeProvider">The clock for expiry, leases and backoff; by default <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Receives fallbacks and lease events, never a token; by default none.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem and its fix.</exception>
    public SharedTokenCredential(
        SalesforceCredential inner,
        IAmazonDynamoDB dynamoDb,
        SharedTokenOptions options,
        IAmazonKeyManagementService? kms = null,
        TimeProvider? timeProvider = null,
        ILogger<SharedTokenCredential>? logger = null)
        : this(inner, dynamoDb, Checked(options, kms), kms, timeProvider, (ILogger?)logger)
    {
    }

    private SharedTokenCredential(
        SalesforceCredential inner, IAmazonDynamoDB dynamoDb, SharedTokenOptions options, IAmazonKeyManagementService? kms, TimeProvider? timeProvider, ILogger? logger)
        : this(
            inner ?? throw new ArgumentNullException(nameof(inner)),
            new TokenTable(dynamoDb ?? throw new ArgumentNullException(nameof(dynamoDb)), options.TableName!, kms is null || options.KmsKeyId is null ? null : new KmsTokenCipher(kms, options.KmsKeyId)),
            TokenItem.KeyFor(options.LoginUrl, options.ConsumerKey!, options.Username ?? ClientCredentialsUser),
            options.TokenLifetime,
            options.TokenRefreshMargin,
            options.LeaseDuration,
            timeProvider ?? TimeProvider.System,
            logger ?? NullLogger.Instance)
    {
    }

    /// <param name="inner">The credential that logs in (JWT bearer).</param>
    /// <param name="table">The token table.</param>
    /// <param name="key">The item key of this login (<see cref="TokenItem.KeyFor"/>).</param>
    /// <param name="lifetime">How long a token is valid after it is issued (the client's <c>TokenLifetime</c>).</param>
    /// <param name="refreshMargin">A stored token with less left than this is replaced, as the in-memory cache would.</param>
    /// <param name="leaseDuration">How long a container may take to log in before another may take its lease over.</param>
    /// <param name="timeProvider">The clock for expiry, leases and backoff.</param>
    /// <param name="logger">Receives fallbacks and lease events; never a token.</param>
    internal SharedTokenCredential(
        SalesforceCredential inner,
        TokenTable table,
        string key,
        TimeSpan lifetime,
        TimeSpan refreshMargin,
        TimeSpan leaseDuration,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _inner = inner;
        _table = table;
        _key = key;
        _lifetime = lifetime;
        _refreshMargin = refreshMargin;
        _leaseDuration = leaseDuration;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The user part of the item key for the client credentials flow, whose user (the app's Run As user) is not known here.</summary>
    internal const string ClientCredentialsUser = "(client credentials)";

    /// <summary>Identifies this container as a lease holder; random, so it says nothing about the container.</summary>
    internal string Owner { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>How many times this container logged in itself (as lease holder or as fallback).</summary>
    public int LoginCount => Volatile.Read(ref _loginCount);

    // The login that really happens is the inner credential's: a client's logger factory must reach it, as it reaches a
    // credential used directly, and this credential's own fallback and lease events, unless each was given a logger.
    internal override void UseLoggerFactory(ILoggerFactory loggerFactory)
    {
        _inner.UseLoggerFactory(loggerFactory);
        if (_logger == NullLogger.Instance)
        {
            _logger = loggerFactory.CreateLogger<SharedTokenCredential>();
        }
    }

    // Both overloads are SalesforceCredential's; an override cannot choose its parameters.
#pragma warning disable RS0026
    /// <inheritdoc/>
    public override ValueTask<AccessToken> GetTokenAsync(CancellationToken cancellationToken = default) => GetTokenAsync(null, cancellationToken);

    /// <summary>A token from the table while it has more than the refresh margin left and is not <paramref name="rejected"/>;
    /// otherwise one login for the whole fleet, or the container's own when the table cannot be used.</summary>
    /// <param name="rejected">The token the caller is replacing, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait and the login.</param>
    /// <returns>The token.</returns>
    public override async ValueTask<AccessToken> GetTokenAsync(AccessToken? rejected, CancellationToken cancellationToken = default)
    {
        var rejectedHash = rejected is null ? null : TokenItem.HashOf(rejected);
        var giveUpAt = _timeProvider.GetUtcNow() + (2 * _leaseDuration);
        var wait = FirstWait;
        while (true)
        {
            bool leased;
            try
            {
                var item = await _table.ReadAsync(_key, cancellationToken).ConfigureAwait(false);
                var now = _timeProvider.GetUtcNow();

                // TTL deletes lazily (up to days late): an item still present says nothing about the token being valid.
                if (item?.Token is { } stored && item.TokenHash != rejectedHash && item.ExpiresAt - _refreshMargin > now)
                {
                    return stored;
                }

                leased = (item is null || item.LeaseOwner is null || item.LeaseUntil < now)
                    && await _table.TryLeaseAsync(_key, Owner, item?.TokenHash, now, now + _leaseDuration, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (TableFailure.Is(e, cancellationToken))
            {
                LogStoreUnavailable(_logger, _table.TableName, e.GetType().Name, e);
                return await LogInAsync(rejected, cancellationToken).ConfigureAwait(false);
            }

            if (leased)
            {
                return await LogInAndStoreAsync(rejected, cancellationToken).ConfigureAwait(false);
            }

            if (_timeProvider.GetUtcNow() >= giveUpAt)
            {
                LogWaitedTooLong(_logger, _table.TableName);
                return await LogInAsync(rejected, cancellationToken).ConfigureAwait(false);
            }

            // Another container is logging in (or just did): give it time, then read what it stored.
            await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
            wait = wait * 2 < LongestWait ? wait * 2 : LongestWait;
        }
    }
#pragma warning restore RS0026

    private static SharedTokenOptions Checked(SharedTokenOptions options, IAmazonKeyManagementService? kms)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        if (options.KmsKeyId is not null && kms is null)
        {
            errors.Add("KmsKeyId is set but no KMS client was given: pass an IAmazonKeyManagementService, or leave KmsKeyId unset to rely on the table's encryption at rest.");
        }

        return errors.Count == 0
            ? options
            : throw new ArgumentException($"The shared token settings are invalid:{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", errors)}", nameof(options));
    }

    private async Task<AccessToken> LogInAndStoreAsync(AccessToken? rejected, CancellationToken cancellationToken)
    {
        AccessToken token;
        try
        {
            token = await LogInAsync(rejected, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            try
            {
                await _table.ReleaseAsync(_key, Owner, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (TableFailure.Is(e, CancellationToken.None))
            {
                // The lease expires on its own; the login failure is what the caller must see.
                LogStoreUnavailable(_logger, _table.TableName, e.GetType().Name, e);
            }

            throw;
        }

        try
        {
            var issuedAt = token.IssuedAt < _timeProvider.GetUtcNow() ? token.IssuedAt : _timeProvider.GetUtcNow();
            if (!await _table.StoreAsync(_key, Owner, token, issuedAt + _lifetime, cancellationToken).ConfigureAwait(false))
            {
                LogLeaseLost(_logger, _table.TableName);
            }
        }
        catch (Exception e) when (TableFailure.Is(e, cancellationToken))
        {
            // The token is good; other containers will log in once more after their lease wait.
            LogStoreUnavailable(_logger, _table.TableName, e.GetType().Name, e);
        }

        return token;
    }

    private async Task<AccessToken> LogInAsync(AccessToken? rejected, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _loginCount);
        return await _inner.GetTokenAsync(rejected, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "The token table {Table} is unavailable ({ErrorType}): logging in to Salesforce directly")]
    private static partial void LogStoreUnavailable(ILogger logger, string table, string errorType, Exception exception);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Waited too long for another container's login through {Table}: logging in directly")]
    private static partial void LogWaitedTooLong(ILogger logger, string table);

    [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "The login took longer than the lease on {Table} and another container took it over; the new token is used here but not stored")]
    private static partial void LogLeaseLost(ILogger logger, string table);
}
