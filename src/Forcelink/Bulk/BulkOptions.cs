namespace Forcelink.Bulk;

/// <summary>Settings of Bulk API 2.0 work (<see cref="SalesforceClientOptions.Bulk"/>). Validated with the client's options.</summary>
public sealed class BulkOptions
{
    // 150 MB (150 x 2^20 bytes) after base64, which turns 3 bytes into 4.
    private const long MaxCsvBytesPerJob = 150L * 1024 * 1024 * 3 / 4;

    /// <summary>The most bytes of CSV sent to one job; larger input is split into several jobs. Salesforce takes 150 MB per job after
    /// base64 encoding, about 100 MB of CSV.</summary>
    /// <value>The default is 100,000,000 bytes.</value>
    public long MaxUploadBytes { get; set; } = 100_000_000;

    /// <summary>The most jobs of one ingest that Salesforce processes at once; the next job is uploaded when one finishes.</summary>
    /// <value>The default is 5.</value>
    public int MaxJobsInFlight { get; set; } = 5;

    /// <summary>The wait before a job's state is first read again.</summary>
    /// <value>The default is 1 second (the state is read first at once, then after this wait); each further wait is 1.5 times longer, up to <see cref="MaxPollInterval"/>.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two reads of a job's state.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>From how many records the list overloads of <c>CreateManyAsync</c>, <c>UpdateManyAsync</c>, <c>UpsertManyAsync</c> and
    /// <c>DeleteManyAsync</c> write through a Bulk API 2.0 job instead of sObject Collections. Results keep their shape and input order.
    /// Calls with <c>allOrNone</c>, or with records of several objects, stay on collections (a bulk job has neither).</summary>
    /// <value>The default (<see langword="null"/>) never uses Bulk API 2.0, so nothing changes for existing callers.</value>
    public int? CollectionThreshold { get; set; }

    internal void Validate(List<Configuration.OptionProblem> errors)
    {
        if (MaxUploadBytes is < 1_000 or > MaxCsvBytesPerJob)
        {
            errors.Add(new("Bulk.MaxUploadBytes", $"{MaxUploadBytes:N0} is out of range", $"use 1,000 to {MaxCsvBytesPerJob:N0} bytes (Salesforce takes 150 MB per job after base64 encoding, which is that much CSV)."));
        }

        if (MaxJobsInFlight is < 1 or > 100)
        {
            errors.Add(new("Bulk.MaxJobsInFlight", $"{MaxJobsInFlight} is out of range", $"use 1 to 100."));
        }

        if (PollInterval <= TimeSpan.Zero || PollInterval > MaxPollInterval)
        {
            errors.Add(new("Bulk.PollInterval", $"{PollInterval} must be above zero and at most Bulk.MaxPollInterval {MaxPollInterval}.", ""));
        }

        if (MaxPollInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add(new("Bulk.MaxPollInterval", $"{MaxPollInterval} is out of range", $"use at most 10 minutes."));
        }

        if (CollectionThreshold is < 1)
        {
            errors.Add(new("Bulk.CollectionThreshold", $"{CollectionThreshold} must be at least 1, or null to keep collections.", ""));
        }
    }
}
