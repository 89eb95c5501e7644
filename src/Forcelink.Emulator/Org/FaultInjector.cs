using Forcelink.Emulator.Hosting;

namespace Forcelink.Emulator.Org;

/// <summary>The fault rules in force and which of them hit each request, drawn from a seeded random sequence.</summary>
internal sealed class FaultInjector(IEnumerable<FaultRule> rules, int randomSeed)
{
    private readonly List<FaultRule> _rules = [.. rules];
    private readonly Random _random = new(randomSeed);
    private readonly Lock _lock = new();
    private int _hits;
    private int _pendingLatencies;

    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (_lock)
            {
                return [.. _rules];
            }
        }
    }

    /// <summary>How many faults have hit requests since the org started: soak runs report it beside what they survived.</summary>
    public int Hits
    {
        get
        {
            lock (_lock)
            {
                return _hits;
            }
        }
    }

    /// <summary>Requests currently held by a latency fault; lets FakeTimeProvider tests advance time once the timer exists.</summary>
    public int PendingLatencies => Volatile.Read(ref _pendingLatencies);

    public void Add(FaultRule rule)
    {
        lock (_lock)
        {
            _rules.Add(rule);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _rules.Clear();
        }
    }

    /// <summary>The faults hitting this request, in rule order; "next N" rules are consumed here.</summary>
    public List<FaultRule> Draw(string path)
    {
        var hits = new List<FaultRule>();
        lock (_lock)
        {
            foreach (var rule in _rules.ToList())
            {
                if (!path.StartsWith(rule.PathPrefix, StringComparison.OrdinalIgnoreCase) || rule.Count is <= 0)
                {
                    continue;
                }

                // Always draw, so the sequence of outcomes depends only on the seed and the request order.
                var roll = _random.NextDouble();
                if (roll >= rule.Probability)
                {
                    continue;
                }

                if (rule.Count is { } remaining)
                {
                    rule.Count = remaining - 1;
                    if (remaining - 1 == 0)
                    {
                        _rules.Remove(rule);
                    }
                }

                hits.Add(rule);
            }

            _hits += hits.Count;
        }

        return hits;
    }

    public void LatencyStarted() => Interlocked.Increment(ref _pendingLatencies);

    public void LatencyEnded() => Interlocked.Decrement(ref _pendingLatencies);
}
