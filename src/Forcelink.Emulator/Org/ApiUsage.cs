using Forcelink.Emulator.Hosting;

namespace Forcelink.Emulator.Org;

/// <summary>The daily API request allowance: what is used today and the <c>Sforce-Limit-Info</c> that reports it.</summary>
internal sealed class ApiUsage
{
    private readonly OrgOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private DateOnly _day;
    private int _used;

    public ApiUsage(OrgOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
        _day = Today();
    }

    /// <summary>Counts one API call; false (not counted) when the daily allowance is spent.</summary>
    public bool TryCount()
    {
        lock (_lock)
        {
            RollDay();
            if (_used >= _options.DailyApiLimit)
            {
                return false;
            }

            _used++;
            return true;
        }
    }

    public int Used
    {
        get
        {
            lock (_lock)
            {
                RollDay();
                return _used;
            }
        }
    }

    public void SetUsed(int used)
    {
        lock (_lock)
        {
            RollDay();
            _used = used;
        }
    }

    public string LimitInfo => $"api-usage={Used}/{_options.DailyApiLimit}";

    public void Clear()
    {
        lock (_lock)
        {
            _used = 0;
        }
    }

    private DateOnly Today() => DateOnly.FromDateTime(_timeProvider.GetUtcNow().UtcDateTime);

    private void RollDay()
    {
        // A calendar-day (UTC) window: simpler than Salesforce's rolling 24 hours and documented as such.
        var today = Today();
        if (today != _day)
        {
            _day = today;
            _used = 0;
        }
    }
}
