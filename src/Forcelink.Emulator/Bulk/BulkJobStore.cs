using Forcelink.Emulator.Ids;

namespace Forcelink.Emulator.Bulk;

/// <summary>
/// The org's Bulk API 2.0 jobs, their files (one temporary folder per org, removed on dispose) and the daily bulk
/// counters of <c>/limits</c>. Jobs live in memory only: a restarted emulator has none, as a real org has none after
/// its 7-day retention. Callers hold the org gate.
/// </summary>
internal sealed class BulkJobStore(TimeProvider timeProvider, string pod) : IDisposable
{
    /// <summary>Salesforce's daily allocations (<c>/limits</c>): batches of 10,000 records, query jobs, query storage.</summary>
    public const int DailyBatches = 15_000;
    public const int DailyQueryJobs = 10_000;
    public const int DailyQueryStorageMegabytes = 976_562;

    /// <summary>Salesforce splits an ingest job into internal batches of this many records; each counts.</summary>
    public const int RecordsPerBatch = 10_000;

    private readonly Dictionary<string, BulkJob> _jobs = new(StringComparer.Ordinal);
    private readonly List<BulkJob> _order = [];
    private string? _root;
    private long _sequence;
    private DateOnly _day = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
    private int _batches;
    private int _queryJobs;
    private long _queryBytes;

    public IReadOnlyList<BulkJob> Jobs => _order;

    public string NewId() => RecordIds.Create("750", pod, ++_sequence);

    /// <summary>A fresh folder for a job's files.</summary>
    public string NewDirectory(string jobId)
    {
        _root ??= System.IO.Directory.CreateTempSubdirectory("forcelink-emulator-bulk-").FullName;
        return System.IO.Directory.CreateDirectory(Path.Combine(_root, jobId)).FullName;
    }

    public void Add(BulkJob job)
    {
        _jobs[job.Id] = job;
        _order.Add(job);
    }

    /// <summary>The job with this 15- or 18-character id, or null.</summary>
    public BulkJob? Find(string id) => RecordIds.TryNormalize(id, out var id18) ? _jobs.GetValueOrDefault(id18) : null;

    public void Remove(BulkJob job)
    {
        _jobs.Remove(job.Id);
        _order.Remove(job);
        DeleteFolder(job.Directory);
    }

    public int BatchesUsed
    {
        get
        {
            RollDay();
            return _batches;
        }
    }

    public int QueryJobsUsed
    {
        get
        {
            RollDay();
            return _queryJobs;
        }
    }

    public int QueryStorageMegabytesUsed
    {
        get
        {
            RollDay();
            return (int)(_queryBytes / (1024 * 1024));
        }
    }

    public void CountRecords(long records)
    {
        RollDay();
        _batches += (int)((records + RecordsPerBatch - 1) / RecordsPerBatch);
    }

    public void CountQueryJob(long resultBytes)
    {
        RollDay();
        _queryJobs++;
        _queryBytes += resultBytes;
    }

    /// <summary>Drops every job and its files, and the counters (the admin reset).</summary>
    public void Clear()
    {
        foreach (var job in _order)
        {
            DeleteFolder(job.Directory);
        }

        _jobs.Clear();
        _order.Clear();
        _batches = 0;
        _queryJobs = 0;
        _queryBytes = 0;
    }

    public void Dispose()
    {
        if (_root is not null)
        {
            DeleteFolder(_root);
        }
    }

    /// <summary>Counters cover the current UTC day, like the emulator's daily API count.</summary>
    private void RollDay()
    {
        var today = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
        if (today != _day)
        {
            _day = today;
            _batches = 0;
            _queryJobs = 0;
            _queryBytes = 0;
        }
    }

    private static void DeleteFolder(string path)
    {
        try
        {
            System.IO.Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A result still being streamed keeps its file open; the temp folder is cleaned by the OS in the end.
        }
        catch (UnauthorizedAccessException)
        {
            // As above on platforms that refuse to delete open files.
        }
    }
}
