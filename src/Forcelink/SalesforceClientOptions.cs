using Forcelink.Configuration;
using System.Globalization;
using Forcelink.Bulk;
using Microsoft.Extensions.Logging;

namespace Forcelink;

/// <summary>Settings of <see cref="SalesforceClient"/>. Validated once when the client is created; every problem is reported together.</summary>
public sealed class SalesforceClientOptions
{
    /// <summary>The REST API version, such as <c>62.0</c>.</summary>
    /// <value>The default (<see langword="null"/>) uses the newest version the org offers, read once from <c>/services/data</c>.</value>
    public string? ApiVersion { get; set; }

    /// <summary>How long a token is assumed valid after it is issued: the session timeout of the connected app, else of the org.</summary>
    /// <value>The default is 2 hours, Salesforce's default session timeout, also the Lambda function's and the SAM template's default.
    /// Set it to the app's timeout when that is shorter; if it is longer than the real timeout, the first call after expiry gets 401
    /// and is re-sent once after a new login.</value>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How long before the end of <see cref="TokenLifetime"/> the token is renewed.</summary>
    /// <value>The default is 5 minutes. Must be shorter than <see cref="TokenLifetime"/>.</value>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many times a transient failure (502, 503, 504, <c>SERVER_UNAVAILABLE</c>, <c>UNABLE_TO_LOCK_ROW</c>, a dropped
    /// connection, a timeout) is retried. Only requests that are safe to repeat are retried: reads, updates, upserts and deletes,
    /// never a plain create, whose repeat would make a second record.</summary>
    /// <value>The default is 3; 0 turns retries off.</value>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; each further retry doubles it, up to 30 seconds. A random half of each delay is
    /// waited (jitter), so that clients failing together do not retry in step.</summary>
    /// <value>The default is 500 milliseconds.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>No retry starts once this much time has passed since the first attempt.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan MaxRetryDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one attempt may take.</summary>
    /// <value>The default is 120 seconds (Salesforce allows up to 10 minutes for long queries).</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Refuses to start a request once the org's daily API usage (as last reported by <c>Sforce-Limit-Info</c>) reaches this
    /// share of its limit, leaving the rest for other integrations.</summary>
    /// <value>The default (<see langword="null"/>) never refuses. For example 0.9 stops at 90%.</value>
    public double? MaxApiUsageShare { get; set; }

    /// <summary>The clock for token lifetimes and retries.</summary>
    /// <value>The default is <see cref="System.TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Receives request, retry and login events; secrets are never logged.</summary>
    /// <value>The default (<see langword="null"/>) logs nothing.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Creates the <c>Forcelink</c> meter this client records logins, retries, requests and API usage on
    /// (instrument names: <see cref="SalesforceClient.LoginsInstrument"/> and its siblings).</summary>
    /// <value>The default (<see langword="null"/>) records on one meter shared by the process, which OpenTelemetry's
    /// <c>AddMeter("Forcelink")</c> picks up; a factory (from dependency injection) scopes the meter to it.</value>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; set; }

    /// <summary>The handler that sends requests on the network.</summary>
    /// <value>The default (<see langword="null"/>) is a <see cref="SocketsHttpHandler"/> owned by the client, recycling connections every 5 minutes.
    /// A handler given here is not disposed by the client.</value>
    public HttpMessageHandler? Transport { get; set; }

    /// <summary>Creates the transport a client uses when <see cref="Transport"/> is <see langword="null"/>: pooled connections renewed
    /// every 5 minutes so DNS changes are seen, 10-second connect timeout, compressed responses accepted. Create one to share it between
    /// clients (or with a credential's <see cref="HttpClient"/>); you then own it and dispose it after them.</summary>
    public static SocketsHttpHandler CreateDefaultTransport() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Settings of Bulk API 2.0 work (<see cref="SalesforceClient.Bulk"/>), and from what size the many-record writes use it.</summary>
    /// <value>The default is <see cref="BulkOptions"/>'s defaults: 100 MB per job, 5 jobs at once, collections for every size.</value>
    public BulkOptions Bulk { get; set; } = new();

    /// <summary>Lists every problem with these settings, each with its fix; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate() => [.. Problems().Select(p => p.ToString())];

    /// <summary>The problems of <see cref="Validate"/>, each naming its property, so hosts can name their own setting instead.</summary>
    internal List<OptionProblem> Problems()
    {
        var errors = new List<OptionProblem>();
        if (ApiVersion is { } version
            && !(decimal.TryParse(version, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
                 && version.Contains('.', StringComparison.Ordinal) && number >= 20m))
        {
            errors.Add(new("ApiVersion", $"'{version}' is not a REST API version", $"write it as major.minor without 'v', such as 62.0."));
        }

        if (TokenLifetime < TimeSpan.FromMinutes(1) || TokenLifetime > TimeSpan.FromHours(24))
        {
            errors.Add(new("TokenLifetime", $"{TokenLifetime} is out of range", $"use the session timeout of the app or org, between 1 minute and 24 hours."));
        }

        if (TokenRefreshMargin < TimeSpan.Zero || TokenRefreshMargin >= TokenLifetime)
        {
            errors.Add(new("TokenRefreshMargin", $"{TokenRefreshMargin} must be at least zero and shorter than TokenLifetime {TokenLifetime}.", ""));
        }

        if (MaxRetries is < 0 or > 10)
        {
            errors.Add(new("MaxRetries", $"{MaxRetries} is out of range", $"use 0 (no retries) to 10."));
        }

        if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromMinutes(1))
        {
            errors.Add(new("RetryDelay", $"{RetryDelay} is out of range", $"use 0 to 1 minute."));
        }

        if (MaxRetryDuration < TimeSpan.Zero)
        {
            errors.Add(new("MaxRetryDuration", $"{MaxRetryDuration} must not be negative.", ""));
        }

        if (RequestTimeout < TimeSpan.FromSeconds(1) || RequestTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add(new("RequestTimeout", $"{RequestTimeout} is out of range", $"use 1 second to 10 minutes (Salesforce's own limit)."));
        }

        if (MaxApiUsageShare is { } share && (share <= 0 || share > 1 || double.IsNaN(share)))
        {
            errors.Add(new("MaxApiUsageShare", $"{share} is out of range", $"use a share above 0 and at most 1, such as 0.9."));
        }

        if (Bulk is null)
        {
            errors.Add(new("Bulk", "is required", "leave it at its default unless tuning Bulk API 2.0."));
        }
        else
        {
            Bulk.Validate(errors);
        }

        if (TimeProvider is null)
        {
            errors.Add(new("TimeProvider", "is required", "leave it at TimeProvider.System unless testing."));
        }

        return errors;
    }
}
