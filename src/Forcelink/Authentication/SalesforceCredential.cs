namespace Forcelink.Authentication;

/// <summary>
/// Acquires access tokens. A credential never caches: every call may exchange a new token (for the JWT bearer flow,
/// that is a Salesforce login). <see cref="SalesforceClient"/> caches tokens in front of it.
/// </summary>
public abstract class SalesforceCredential
{
    /// <summary>Acquires a new access token.</summary>
    /// <exception cref="SalesforceException">Salesforce refused, with a message that says how to fix it.</exception>
    public abstract ValueTask<AccessToken> GetTokenAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Acquires a token to replace <paramref name="rejected"/>, which Salesforce refused (401 <c>INVALID_SESSION_ID</c>), or to
    /// renew it before its end. A credential that shares tokens between processes uses it to replace only that token, not a
    /// newer one another process already obtained. By default the same as <see cref="GetTokenAsync(CancellationToken)"/>.
    /// </summary>
    /// <param name="rejected">The token being replaced; <see langword="null"/> when there was none.</param>
    /// <param name="cancellationToken">Cancels the acquisition.</param>
    public virtual ValueTask<AccessToken> GetTokenAsync(AccessToken? rejected, CancellationToken cancellationToken = default) =>
        GetTokenAsync(cancellationToken);

    /// <summary>Gives a credential created without a logger the logger factory of the client that uses it
    /// (<see cref="SalesforceClientOptions.LoggerFactory"/>), so login events reach the same logs as the client's requests.
    /// A logger given to the credential's constructor wins.</summary>
    internal virtual void UseLoggerFactory(Microsoft.Extensions.Logging.ILoggerFactory loggerFactory)
    {
    }
}
