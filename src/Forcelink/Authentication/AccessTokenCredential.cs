namespace Forcelink.Authentication;

/// <summary>A credential that always returns the token it was given, for a session obtained elsewhere
/// (another flow, a test). It cannot renew: once Salesforce rejects the token, calls fail with <c>INVALID_SESSION_ID</c>.</summary>
/// <param name="token">The token to return.</param>
public sealed class AccessTokenCredential(AccessToken token) : SalesforceCredential
{
    private readonly AccessToken _token = token ?? throw new ArgumentNullException(nameof(token));

    /// <inheritdoc/>
    public override ValueTask<AccessToken> GetTokenAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_token);
}
