using System.Globalization;
using Forcelink.Emulator.Org;
using Forcelink.Emulator.Records;
using Forcelink.Emulator.Schema;

namespace Forcelink.Emulator.Api;

/// <summary>
/// <c>/sobjects/{object}/updated</c> and <c>/deleted</c>: the records whose <c>SystemModstamp</c> falls in a window, as
/// data replication reads them. Salesforce drops the seconds of both ends, refuses a window that is not at least a minute
/// long or that starts more than 30 days ago (<c>INVALID_REPLICATION_DATE</c>), caps an answer at 600,000 ids
/// (<c>EXCEEDED_ID_LIMIT</c>), and keeps deletions for 15 days. The caller holds the org gate.
/// </summary>
internal sealed class ReplicationApi(EmulatedOrg org)
{
    public const int MaxIds = 600_000;

    private static readonly TimeSpan Horizon = TimeSpan.FromDays(30);
    private static readonly TimeSpan DeleteLogRetention = TimeSpan.FromDays(15);

    public ApiResult Updated(ApiCall call, ObjectSchema schema)
    {
        if (Window(call, out var start, out var end, out var covered) is { } refused)
        {
            return refused;
        }

        var ids = Changed(schema, deleted: false, start, end).Select(r => (string)r["Id"]!).ToList();
        if (ids.Count > MaxIds)
        {
            return TooMany();
        }

        return ApiResult.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("ids");
            foreach (var id in ids)
            {
                w.WriteStringValue(id);
            }

            w.WriteEndArray();
            w.WriteString("latestDateCovered", FieldValues.FormatDateTime(covered));
            w.WriteEndObject();
        });
    }

    public ApiResult Deleted(ApiCall call, ObjectSchema schema)
    {
        if (Window(call, out var start, out var end, out var covered) is { } refused)
        {
            return refused;
        }

        var earliest = WholeMinute(org.TimeProvider.GetUtcNow() - DeleteLogRetention);
        var from = start < earliest ? earliest : start;
        var rows = Changed(schema, deleted: true, from, end).ToList();
        if (rows.Count > MaxIds)
        {
            return TooMany();
        }

        return ApiResult.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("deletedRecords");
            foreach (var row in rows)
            {
                w.WriteStartObject();
                w.WriteString("id", (string)row["Id"]!);
                w.WriteString("deletedDate", FieldValues.FormatDateTime((DateTimeOffset)row["SystemModstamp"]!));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("earliestDateAvailable", FieldValues.FormatDateTime(earliest));
            w.WriteString("latestDateCovered", FieldValues.FormatDateTime(covered));
            w.WriteEndObject();
        });
    }

    /// <summary>Rows changed in [start, end), in modification order.</summary>
    private IEnumerable<IReadOnlyDictionary<string, object?>> Changed(ObjectSchema schema, bool deleted, DateTimeOffset start, DateTimeOffset end) =>
        org.Store.Rows(schema.Name, includeDeleted: deleted)
            .Where(r => (r.GetValueOrDefault("IsDeleted") is true) == deleted
                && (r.GetValueOrDefault("SystemModstamp") ?? r.GetValueOrDefault("LastModifiedDate")) is DateTimeOffset stamp && stamp >= start && stamp < end)
            .OrderBy(r => (DateTimeOffset)(r.GetValueOrDefault("SystemModstamp") ?? r.GetValueOrDefault("LastModifiedDate"))!);

    /// <summary>
    /// Parses and checks <c>start</c> and <c>end</c>. Changes up to the window's end are returned, but what is covered stops at
    /// the current minute: the changes of a minute still under way may be returned again by the next window, which starts at
    /// <c>latestDateCovered</c>, as Salesforce advises for changes committing during a call.
    /// </summary>
    private ApiResult? Window(ApiCall call, out DateTimeOffset start, out DateTimeOffset end, out DateTimeOffset covered)
    {
        start = end = covered = default;
        foreach (var (name, value) in new[] { ("start", call.Query.GetValueOrDefault("start")), ("end", call.Query.GetValueOrDefault("end")) })
        {
            if (string.IsNullOrEmpty(value))
            {
                return ApiResult.Error(400, "MISSING_ARGUMENT", $"{name} must be specified");
            }

            if (!TryParse(value, out var parsed))
            {
                return ApiResult.Error(400, "INVALID_REPLICATION_DATE", $"{name} is not a valid dateTime: {value}");
            }

            if (name == "start")
            {
                start = WholeMinute(parsed);
            }
            else
            {
                end = WholeMinute(parsed);
            }
        }

        if (start >= end)
        {
            // Salesforce's own wording, which reads the comparison backwards.
            return ApiResult.Error(400, "INVALID_REPLICATION_DATE", "startDate must be at least one minute greater than endDate");
        }

        var now = org.TimeProvider.GetUtcNow();
        if (start < WholeMinute(now - Horizon))
        {
            return ApiResult.Error(400, "INVALID_REPLICATION_DATE", "startDate before org replication enabled date");
        }

        var currentMinute = WholeMinute(now);
        covered = end < currentMinute ? end : currentMinute;
        return null;
    }

    private static ApiResult TooMany() =>
        ApiResult.Error(400, "EXCEEDED_ID_LIMIT", $"Number of ids returned exceeds the limit of {MaxIds:N0}; choose start and end dates that are closer together");

    private static bool TryParse(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(
            text.Length >= 5 && text[^5] is '+' or '-' && char.IsDigit(text[^1]) && text[^3] != ':' ? text[..^2] + ":" + text[^2..] : text,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out value);

    private static DateTimeOffset WholeMinute(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero);
    }
}
