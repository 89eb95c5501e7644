using System.Globalization;
using Forcelink.Models;
using Forcelink.Serialization;

namespace Forcelink;

public partial class SalesforceClient
{
    /// <summary>
    /// The ids of an object's records created or changed in a window (<c>GET /sobjects/{object}/updated</c>), by
    /// <c>SystemModstamp</c>. Salesforce ignores the seconds of both ends and answers only for the last 30 days; more than
    /// 600,000 ids fail with <c>EXCEEDED_ID_LIMIT</c> (narrow the window). Start the next window at
    /// <see cref="UpdatedRecords.LatestDateCovered"/>. The object must be replicateable (<see cref="SObjectSummary.Replicateable"/>).
    /// </summary>
    /// <param name="objectName">The object, such as <c>Lead</c>.</param>
    /// <param name="windowStart">The window's start (inclusive), within the last 30 days.</param>
    /// <param name="windowEnd">The window's end, at least one whole minute after <paramref name="windowStart"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The window is shorter than a minute once seconds are dropped, or ends before it starts.</exception>
    /// <exception cref="SalesforceException"><c>INVALID_REPLICATION_DATE</c>: the window starts more than 30 days ago (or before the
    /// org could replicate); <c>EXCEEDED_ID_LIMIT</c>: too many changes, narrow the window.</exception>
    public virtual async Task<UpdatedRecords> GetUpdatedAsync(string objectName, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken = default)
    {
        var path = ReplicationPath(objectName, "updated", windowStart, windowEnd);
        using var activity = StartActivity("getUpdated", objectName);
        using var request = new HttpRequestMessage(HttpMethod.Get, await DataPathAsync(path, cancellationToken).ConfigureAwait(false));
        using var response = await SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, RestJsonContext.Default.UpdatedRecords, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An object's records deleted in a window (<c>GET /sobjects/{object}/deleted</c>), with when each was deleted. The
    /// same window rules as <see cref="GetUpdatedAsync"/> apply; besides, Salesforce purges its delete log after 15 days
    /// (sooner when the Recycle Bin is emptied): when <see cref="DeletedRecords.EarliestDateAvailable"/> is later than
    /// <paramref name="windowStart"/>, deletions may be missing and the object should be resynchronised (docs/client.md, "Changes since a time").
    /// </summary>
    /// <exception cref="ArgumentException">The window is shorter than a minute once seconds are dropped, or ends before it starts.</exception>
    /// <exception cref="SalesforceException"><c>INVALID_REPLICATION_DATE</c> or <c>EXCEEDED_ID_LIMIT</c>, as for <see cref="GetUpdatedAsync"/>.</exception>
    public virtual async Task<DeletedRecords> GetDeletedAsync(string objectName, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken = default)
    {
        var path = ReplicationPath(objectName, "deleted", windowStart, windowEnd);
        using var activity = StartActivity("getDeleted", objectName);
        using var request = new HttpRequestMessage(HttpMethod.Get, await DataPathAsync(path, cancellationToken).ConfigureAwait(false));
        using var response = await SendAsync(request, idempotent: true, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, RestJsonContext.Default.DeletedRecords, cancellationToken).ConfigureAwait(false);
    }

    private static string ReplicationPath(string objectName, string resource, DateTimeOffset windowStart, DateTimeOffset windowEnd)
    {
        CheckObjectName(objectName);
        var from = WholeMinute(windowStart);
        var to = WholeMinute(windowEnd);
        if (to <= from)
        {
            throw new ArgumentException(
                $"The window {Format(windowStart)} to {Format(windowEnd)} is empty once Salesforce drops the seconds ({Format(from)} to {Format(to)}): " +
                "the end must be at least one whole minute after the start.",
                nameof(windowStart));
        }

        return $"sobjects/{objectName}/{resource}/?start={Uri.EscapeDataString(Format(from))}&end={Uri.EscapeDataString(Format(to))}";
    }

    private static DateTimeOffset WholeMinute(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero);
    }

    private static string Format(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);
}
