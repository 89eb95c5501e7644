using System.Text.Json;
using Forcelink.Emulator.Records;

namespace Forcelink.Emulator.Bulk;

internal enum JobView
{
    /// <summary>POST answer: no counters, no <c>jobType</c>; ingest jobs add <c>contentUrl</c>.</summary>
    Created,

    /// <summary>PATCH answer of an ingest job: ends at <c>apiVersion</c>.</summary>
    StateChanged,

    /// <summary>GET of one job: <c>jobType</c> and the counters, <c>errorMessage</c> when it failed.</summary>
    Info,

    /// <summary>An entry of the job list: <c>jobType</c>, no counters.</summary>
    ListItem,
}

/// <summary>
/// Job info JSON with the keys, order and formats of recorded Salesforce answers (amp-labs/connectors
/// <c>providers/salesforce/test/bulk/*.json</c>, API 59.0/60.0; restforce's create fixture, API 46.0).
/// </summary>
internal static class JobInfoWriter
{
    public static void Write(Utf8JsonWriter w, BulkJob job, BulkJobState state, JobView view)
    {
        w.WriteStartObject();
        w.WriteString("id", job.Id);
        w.WriteString("operation", job.Operation);
        w.WriteString("object", job.ObjectName);
        w.WriteString("createdById", job.Creator.User.Id);
        w.WriteString("createdDate", Timestamp(job.CreatedDate));
        w.WriteString("systemModstamp", Timestamp(job.SystemModstamp));
        w.WriteString("state", state.ToString());
        if (job.ExternalIdFieldName is { } externalId)
        {
            w.WriteString("externalIdFieldName", externalId);
        }

        w.WriteString("concurrencyMode", "Parallel");
        w.WriteString("contentType", "CSV");
        w.WritePropertyName("apiVersion");
        w.WriteRawValue(job.ApiVersion);
        if (view == JobView.StateChanged)
        {
            w.WriteEndObject();
            return;
        }

        if (view == JobView.Created && !job.IsQuery)
        {
            w.WriteString("contentUrl", $"services/data/v{job.ApiVersion}/jobs/ingest/{job.Id}/batches");
        }

        if (view is JobView.Info or JobView.ListItem)
        {
            w.WriteString("jobType", job.IsQuery ? "V2Query" : "V2Ingest");
        }

        w.WriteString("lineEnding", job.Format.LineEndingName);
        w.WriteString("columnDelimiter", job.Format.DelimiterName);
        if (view == JobView.Info)
        {
            WriteCounters(w, job);
        }

        w.WriteEndObject();
    }

    /// <summary>Salesforce stamps jobs to the second: every recorded job date ends in <c>.000+0000</c>.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        FieldValues.FormatDateTime(new DateTimeOffset(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero));

    private static void WriteCounters(Utf8JsonWriter w, BulkJob job)
    {
        var visible = job.CountersVisible;
        w.WriteNumber("numberRecordsProcessed", visible ? job.RecordsProcessed : 0);
        if (!job.IsQuery)
        {
            w.WriteNumber("numberRecordsFailed", visible ? job.RecordsFailed : 0);
        }

        w.WriteNumber("retries", 0);
        w.WriteNumber("totalProcessingTime", visible ? job.ProcessingMilliseconds : 0);
        if (job.IsQuery)
        {
            w.WriteBoolean("isPkChunkingSupported", job.PkChunkingSupported);
        }
        else
        {
            w.WriteNumber("apiActiveProcessingTime", visible ? job.ProcessingMilliseconds : 0);
            w.WriteNumber("apexProcessingTime", 0);
        }

        if (visible && job.ErrorMessage is { } error)
        {
            w.WriteString("errorMessage", error);
        }
    }
}
