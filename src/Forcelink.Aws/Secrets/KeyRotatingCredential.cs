using Forcelink.Authentication;
using Microsoft.Extensions.Logging;

namespace Forcelink.Aws.Secrets;

/// <summary>
/// Makes a rotated key take effect without a redeploy. When Salesforce refuses a login in a way a changed key explains
/// (<see cref="CouldBeRotatedKey"/>), the key source is read once more, past any cache; if it now holds another key, the
/// login is tried once with it. So each refusal costs at most one extra read and one extra login, and there is no read
/// per invocation nor a loop: a second refusal is the caller's answer.
/// </summary>
internal sealed partial class KeyRotatingCredential : SalesforceCredential, IDisposable
{
    private readonly Func<RsaSigningKey, SalesforceCredential> _create;
    private readonly SigningKeyProvider _keys;
    private readonly ILogger _logger;

    // Logins are already single-flight in the client's token cache; this keeps a swap from racing a login that still signs with the old key.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SigningMaterial _material;
    private SalesforceCredential _inner;

    /// <param name="create">Builds the credential that logs in with a key, such as a <see cref="JwtBearerCredential"/>.</param>
    /// <param name="keys">The key source, asked again after a refusal.</param>
    /// <param name="initial">The material read at init; owned from now on.</param>
    /// <param name="logger">Receives the re-reads and their outcome, with key hashes only.</param>
    public KeyRotatingCredential(Func<RsaSigningKey, SalesforceCredential> create, SigningKeyProvider keys, SigningMaterial initial, ILogger<KeyRotatingCredential> logger)
    {
        _create = create;
        _keys = keys;
        _logger = logger;
        _material = initial;
        _inner = create(initial.Key);
    }

    /// <summary>The key that signs now.</summary>
    public RsaSigningKey Key => _material.Key;

    /// <summary>
    /// Whether a refusal could come from a key that no longer matches the app's certificate: <c>invalid_grant</c> whose
    /// description speaks of the assertion, its signature or JWT validation, the certificate, or the audience. Salesforce
    /// does not document what it answers for a signature that does not verify (reference §1.6), so every text about
    /// validating the token counts. Never: <c>user hasn't approved this consumer</c> (permissions, app replication),
    /// <c>expired authorization code</c> (the clock), <c>login rate exceeded</c>, <c>authentication failure</c> (the user),
    /// other error codes (<c>invalid_client_id</c>, <c>app_not_found</c>, ...) and transient failures.
    /// </summary>
    public static bool CouldBeRotatedKey(SalesforceException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.IsLoginFailure
            && exception.ErrorCode == "invalid_grant"
            && exception.Description is { } description
            && (description.Contains("assertion", StringComparison.OrdinalIgnoreCase)
                || description.Contains("signature", StringComparison.OrdinalIgnoreCase)
                || description.Contains("jwt", StringComparison.OrdinalIgnoreCase)
                || description.Contains("certificate", StringComparison.OrdinalIgnoreCase)
                || description.Contains("audience", StringComparison.OrdinalIgnoreCase));
    }

    public override async ValueTask<AccessToken> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                return await _inner.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SalesforceException refusal) when (_keys.CanChange && CouldBeRotatedKey(refusal))
            {
                if (!await TryTakeNewKeyAsync(refusal, cancellationToken).ConfigureAwait(false))
                {
                    throw;
                }
            }

            return await _inner.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _material.Dispose();
        _gate.Dispose();
    }

    private async Task<bool> TryTakeNewKeyAsync(SalesforceException refusal, CancellationToken cancellationToken)
    {
        var current = _material.Key.PublicKeySha256;
        LogRereading(_logger, refusal.Description ?? "", _keys.Source.VariableName);
        SigningMaterial fresh;
        try
        {
            fresh = await _keys.ReadAsync(fresh: true, cancellationToken).ConfigureAwait(false);
        }
        catch (FunctionConfigurationException exception)
        {
            // The function keeps serving with the key it has; the refusal stays the answer.
            LogRereadFailed(_logger, exception.Errors.Count > 0 ? exception.Errors[0] : exception.Message);
            return false;
        }

        if (fresh.Key.PublicKeySha256 == current)
        {
            fresh.Dispose();
            LogKeyUnchanged(_logger, current[..16]);
            return false;
        }

        LogKeyChanged(_logger, current[..16], fresh.Key.PublicKeySha256[..16]);
        var old = _material;
        _material = fresh;
        _inner = _create(fresh.Key);
        old.Dispose();
        return true;
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Login refused ({Description}): reading the key from {Variable} again in case it was rotated")]
    private static partial void LogRereading(ILogger logger, string description, string variable);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "The key source still holds the same key (public key SHA-256 {Hash}…): the refusal stands")]
    private static partial void LogKeyUnchanged(ILogger logger, string hash);

    [LoggerMessage(EventId = 702, Level = LogLevel.Warning, Message = "The key was rotated (public key SHA-256 {OldHash}… to {NewHash}…): logging in with the new key")]
    private static partial void LogKeyChanged(ILogger logger, string oldHash, string newHash);

    [LoggerMessage(EventId = 703, Level = LogLevel.Error, Message = "Reading the key again failed; keeping the current key: {Reason}")]
    private static partial void LogRereadFailed(ILogger logger, string reason);
}
