using Forcelink.Emulator.Hosting;

namespace Forcelink.Emulator.Org;

/// <summary>Logins per user: the hourly allowance (a rolling window) and how many each user made.</summary>
internal sealed class LoginLimiter(OrgOptions options, TimeProvider timeProvider)
{
    private readonly Dictionary<string, Queue<DateTimeOffset>> _windows = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _counts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    /// <summary>Counts a login; false when the user already used the hourly allowance (rolling window).</summary>
    public bool TryRecord(OrgUser user)
    {
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            if (!_windows.TryGetValue(user.Options.Username, out var window))
            {
                _windows[user.Options.Username] = window = new Queue<DateTimeOffset>();
            }

            while (window.Count > 0 && window.Peek() <= now - TimeSpan.FromHours(1))
            {
                window.Dequeue();
            }

            if (window.Count >= options.LoginRateLimitPerHour)
            {
                return false;
            }

            window.Enqueue(now);
            _counts[user.Options.Username] = _counts.GetValueOrDefault(user.Options.Username) + 1;
            return true;
        }
    }

    public IReadOnlyDictionary<string, int> Counts
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, int>(_counts, StringComparer.OrdinalIgnoreCase);
            }
        }
    }

    public int Count(string username)
    {
        lock (_lock)
        {
            return _counts.GetValueOrDefault(username);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _windows.Clear();
            _counts.Clear();
        }
    }
}
