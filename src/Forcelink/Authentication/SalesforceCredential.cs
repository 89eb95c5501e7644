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
}
