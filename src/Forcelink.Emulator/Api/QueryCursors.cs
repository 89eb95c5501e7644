using System.Globalization;
using Forcelink.Emulator.Ids;
using Forcelink.Emulator.Org;
using Forcelink.Emulator.Soql;

namespace Forcelink.Emulator.Api;

/// <summary>Query locators: a result set kept server-side and paged as <c>/query/&lt;locator&gt;-&lt;offset&gt;</c>.</summary>
internal sealed class QueryCursors(EmulatedOrg org)
{
    private const int DefaultBatchSize = 2000;
    private const int MinBatchSize = 200;

    // Salesforce keeps a bounded number of open cursors per user; the oldest go first.
    private const int MaxOpenCursors = 200;

    private readonly Dictionary<string, (SoqlQueryResult Result, int BatchSize, string UserId)> _open = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private long _sequence;

    public ApiResult First(ApiCall call, SoqlQueryResult result)
    {
        var batchSize = BatchSize(call);
        if (result.IsCount || result.RowCount <= batchSize)
        {
            return Page(call, result, null, 0, batchSize);
        }

        var locator = RecordIds.Create("01g", org.OrgId.Substring(3, 2), ++_sequence);
        _open[locator] = (result, batchSize, call.Session.User.Id);
        _order.Enqueue(locator);
        while (_order.Count > MaxOpenCursors)
        {
            _open.Remove(_order.Dequeue());
        }

        return Page(call, result, locator, 0, batchSize);
    }

    public ApiResult Next(ApiCall call, string locatorWithOffset)
    {
        var dash = locatorWithOffset.LastIndexOf('-');
        if (dash <= 0
            || !int.TryParse(locatorWithOffset.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || !_open.TryGetValue(locatorWithOffset[..dash], out var cursor)
            || cursor.UserId != call.Session.User.Id
            || offset >= cursor.Result.RowCount)
        {
            return ApiResult.Error(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
        }

        return Page(call, cursor.Result, locatorWithOffset[..dash], offset, cursor.BatchSize);
    }

    private static int BatchSize(ApiCall call)
    {
        if (call.Headers.TryGetValue("Sforce-Query-Options", out var options))
        {
            foreach (var part in options.Split(',', StringSplitOptions.TrimEntries))
            {
                var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
                if (pair.Length == 2 && pair[0].Equals("batchSize", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                {
                    return Math.Clamp(size, MinBatchSize, DefaultBatchSize);
                }
            }
        }

        return DefaultBatchSize;
    }

    private static ApiResult Page(ApiCall call, SoqlQueryResult result, string? locator, int offset, int batchSize) => ApiResult.Json(200, w =>
    {
        var count = Math.Min(batchSize, result.RowCount - offset);
        var done = offset + count >= result.RowCount;
        w.WriteStartObject();
        w.WriteNumber("totalSize", result.TotalSize);
        w.WriteBoolean("done", done);
        if (!done)
        {
            w.WriteString("nextRecordsUrl", $"{call.VersionPrefix}/query/{locator}-{offset + count}");
        }

        w.WriteStartArray("records");
        for (var i = offset; i < offset + count; i++)
        {
            result.WriteRecord(w, i, call.Version);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });
}
