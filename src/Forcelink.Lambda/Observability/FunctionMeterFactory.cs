using System.Diagnostics.Metrics;

namespace Forcelink.Lambda.Observability;

/// <summary>
/// The scope of the function's own meters: the client records on a meter created here, so the EMF listener hears this
/// function's client and nothing else that shares the process (tests run several functions in one).
/// </summary>
internal sealed class FunctionMeterFactory : IMeterFactory
{
    private readonly Lock _gate = new();
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (_gate)
        {
            if (_meters.Find(m => m.Name == options.Name && m.Version == options.Version) is { } existing)
            {
                return existing;
            }

            var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
            _meters.Add(meter);
            return meter;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }

            _meters.Clear();
        }
    }
}
