namespace Forcelink.Authentication;

/// <summary>
/// An access token (a Salesforce session id) and the facts that came with it. <see cref="ToString"/> shows only a short
/// prefix of the token, so an instance is safe to log.
/// </summary>
public sealed class AccessToken
{
    /// <summary>Creates a token.</summary>
    /// <param name="value">The access token itself; a secret.</param>
    /// <param name="instanceUrl">The org's instance URL: the base of every REST call made with this token.</param>
    /// <param name="issuedAt">When the token was issued.</param>
    /// <param name="identityUrl">The identity URL (<c>id</c>), ending in <c>/id/&lt;orgId&gt;/&lt;userId&gt;</c>, when known.</param>
    /// <param name="scopes">The granted scopes.</param>
    /// <param name="tokenType">The token type; Salesforce sends <c>Bearer</c>.</param>
    public AccessToken(
        string value,
        Uri instanceUrl,
        DateTimeOffset issuedAt,
        Uri? identityUrl = null,
        IReadOnlyList<string>? scopes = null,
        string tokenType = "Bearer")
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        ArgumentNullException.ThrowIfNull(instanceUrl);
        if (!instanceUrl.IsAbsoluteUri)
        {
            throw new ArgumentException($"The instance URL must be absolute, such as https://example.my.salesforce.com; got '{instanceUrl}'.", nameof(instanceUrl));
        }

        Value = value;
        InstanceUrl = instanceUrl;
        IssuedAt = issuedAt;
        IdentityUrl = identityUrl;
        Scopes = scopes ?? [];
        TokenType = tokenType;
        (OrganizationId, UserId) = ParseIdentity(identityUrl);
    }

    /// <summary>True when the token was read from a store shared with other processes rather than obtained by a login
    /// of this process, so that only real logins are counted.</summary>
    internal bool FromStore { get; init; }

    /// <summary>The instance URL without a trailing slash, which request paths follow (<c>https://host</c> or <c>https://host/path</c>);
    /// worked out once, as every request of the token's life goes there.</summary>
    internal string InstancePrefix => _instancePrefix ??= InstanceUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');

    private string? _instancePrefix;

    /// <summary>The access token itself. A secret: never log it.</summary>
    public string Value { get; }

    /// <summary>The org's instance URL, the base of every REST call made with this token.</summary>
    public Uri InstanceUrl { get; }

    /// <summary>When the token was issued (Salesforce's <c>issued_at</c> when sent, else the time it was received).</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>The identity URL (<c>id</c> in the token response), or <see langword="null"/> when not known.</summary>
    public Uri? IdentityUrl { get; }

    /// <summary>The org id taken from <see cref="IdentityUrl"/> (18 characters), or <see langword="null"/>.</summary>
    public string? OrganizationId { get; }

    /// <summary>The user id taken from <see cref="IdentityUrl"/> (18 characters), or <see langword="null"/>.</summary>
    public string? UserId { get; }

    /// <summary>The granted scopes, such as <c>api</c>.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The token type, <c>Bearer</c>.</summary>
    public string TokenType { get; }

    /// <summary>A short, safe description: a prefix of the token and the instance URL.</summary>
    public override string ToString() => $"{TokenType} {Redaction.Secret(Value)} for {InstanceUrl}";

    private static (string? OrgId, string? UserId) ParseIdentity(Uri? identityUrl)
    {
        if (identityUrl is null || !identityUrl.IsAbsoluteUri)
        {
            return (null, null);
        }

        var segments = identityUrl.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= 3 && segments[^3] == "id" ? (segments[^2], segments[^1]) : (null, null);
    }
}
