using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Forcelink.Emulator.Hosting;

namespace Forcelink.Emulator.Org;

/// <summary>The org's live sessions: issued at login, slid forward on use, timed out or revoked; and the key that signs
/// what the org hands out.</summary>
internal sealed class SessionStore(string orgId15, OrgOptions options, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    public byte[] SigningKey { get; } = RandomNumberGenerator.GetBytes(32);

    public int ActiveCount => _sessions.Count;

    public Session Issue(OrgUser user, AppOptions app)
    {
        // Salesforce session ids: 15-char org id, '!', then an opaque secret.
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(72))
            .Replace('+', '.').Replace('/', '_').TrimEnd('=');
        var session = new Session($"{orgId15}!{secret}", user, app, timeProvider.GetUtcNow());
        _sessions[session.Token] = session;
        return session;
    }

    /// <summary>The live session for a bearer token, slid forward; null when unknown, revoked or timed out.</summary>
    public Session? Authenticate(string? token)
    {
        if (token is null || !_sessions.TryGetValue(token, out var session))
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        if (now - session.LastUsed >= (session.App.SessionTimeout ?? options.SessionTimeout))
        {
            _sessions.TryRemove(token, out _);
            return null;
        }

        session.LastUsed = now;
        return session;
    }

    public bool Revoke(string token) => _sessions.TryRemove(token, out _);

    public int RevokeAll(string? username)
    {
        var revoked = 0;
        foreach (var session in _sessions.Values)
        {
            if ((username is null || string.Equals(session.User.Options.Username, username, StringComparison.OrdinalIgnoreCase))
                && _sessions.TryRemove(session.Token, out _))
            {
                revoked++;
            }
        }

        return revoked;
    }

    public string Sign(string text) =>
        Convert.ToBase64String(HMACSHA256.HashData(SigningKey, Encoding.UTF8.GetBytes(text)));

    public void Clear() => _sessions.Clear();
}
