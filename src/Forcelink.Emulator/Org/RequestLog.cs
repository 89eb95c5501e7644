namespace Forcelink.Emulator.Org;

internal sealed record RequestLogEntry(DateTimeOffset At, string Method, string Path, int Status, double DurationMilliseconds, string? TokenPrefix);

/// <summary>The last requests the org answered, oldest first, for tests and the console.</summary>
internal sealed class RequestLog
{
    private const int Capacity = 500;

    private readonly LinkedList<RequestLogEntry> _entries = new();
    private readonly Lock _lock = new();

    public IReadOnlyList<RequestLogEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public void Add(RequestLogEntry entry)
    {
        lock (_lock)
        {
            _entries.AddLast(entry);
            if (_entries.Count > Capacity)
            {
                _entries.RemoveFirst();
            }
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
        }
    }
}
