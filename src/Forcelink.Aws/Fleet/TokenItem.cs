using System.Security.Cryptography;
using System.Text;
using Forcelink.Authentication;

namespace Forcelink.Aws.Fleet;

/// <summary>
/// One org login's shared token as read from the token table: the token (already decrypted), what the client needs
/// besides it, its end, and who holds the lease to replace it.
/// </summary>
internal sealed record TokenItem(
    AccessToken? Token,
    string? TokenHash,
    DateTimeOffset ExpiresAt,
    string? LeaseOwner,
    DateTimeOffset LeaseUntil)
{
    /// <summary>
    /// The item key: a hash of the login URL, consumer key and username, so the table holds no user names and one
    /// table serves many orgs and users.
    /// </summary>
    public static string KeyFor(Uri loginUrl, string consumerKey, string username)
    {
        ArgumentNullException.ThrowIfNull(loginUrl);
        var text = $"{loginUrl.GetLeftPart(UriPartial.Authority).ToUpperInvariant()}\n{consumerKey}\n{username.ToUpperInvariant()}";
        return "sf-token#" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The SHA-256 of a token: enough to tell tokens apart, never enough to use one.</summary>
    public static string HashOf(AccessToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token.Value)));
    }
}
