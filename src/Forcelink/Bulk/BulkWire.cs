using System.Globalization;
using System.Text.Json.Serialization;
using Forcelink.Records;

namespace Forcelink.Bulk;

/// <summary>Bulk API 2.0's names for operations, delimiters and states, and its job JSON.</summary>
internal static class BulkWire
{
    public static string Name(BulkOperation operation) => operation switch
    {
        BulkOperation.Insert => "insert",
        BulkOperation.Update => "update",
        BulkOperation.Upsert => "upsert",
        BulkOperation.Delete => "delete",
        BulkOperation.HardDelete => "hardDelete",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Not a Bulk API 2.0 operation."),
    };

    public static string Name(BulkColumnDelimiter delimiter) => delimiter switch
    {
        BulkColumnDelimiter.Comma => "COMMA",
        BulkColumnDelimiter.Tab => "TAB",
        BulkColumnDelimiter.Semicolon => "SEMICOLON",
        BulkColumnDelimiter.Pipe => "PIPE",
        BulkColumnDelimiter.Caret => "CARET",
        BulkColumnDelimiter.Backquote => "BACKQUOTE",
        _ => throw new ArgumentOutOfRangeException(nameof(delimiter), delimiter, "Not a Bulk API 2.0 column delimiter."),
    };

    public static char Char(BulkColumnDelimiter delimiter) => delimiter switch
    {
        BulkColumnDelimiter.Comma => ',',
        BulkColumnDelimiter.Tab => '\t',
        BulkColumnDelimiter.Semicolon => ';',
        BulkColumnDelimiter.Pipe => '|',
        BulkColumnDelimiter.Caret => '^',
        BulkColumnDelimiter.Backquote => '`',
        _ => throw new ArgumentOutOfRangeException(nameof(delimiter), delimiter, "Not a Bulk API 2.0 column delimiter."),
    };

    public static string Text(BulkLineEnding lineEnding) => lineEnding == BulkLineEnding.CRLF ? "\r\n" : "\n";

    public static BulkColumnDelimiter ParseDelimiter(string? name) => name?.ToUpperInvariant() switch
    {
        "TAB" => BulkColumnDelimiter.Tab,
        "SEMICOLON" => BulkColumnDelimiter.Semicolon,
        "PIPE" => BulkColumnDelimiter.Pipe,
        "CARET" => BulkColumnDelimiter.Caret,
        "BACKQUOTE" => BulkColumnDelimiter.Backquote,
        _ => BulkColumnDelimiter.Comma,
    };

    public static BulkJobState ParseState(string? name) => name switch
    {
        "Open" => BulkJobState.Open,
        "UploadComplete" => BulkJobState.UploadComplete,
        "InProgress" => BulkJobState.InProgress,
        "JobComplete" => BulkJobState.JobComplete,
        "Failed" => BulkJobState.Failed,
        "Aborted" => BulkJobState.Aborted,
        _ => BulkJobState.Unknown,
    };

    public static BulkJobInfo ToInfo(JobInfoBody body, BulkJobKind kind) => new()
    {
        Id = body.Id ?? throw new SalesforceException("Salesforce described a bulk job without an id.", 200, "ERROR_HTTP_200"),
        Kind = kind,
        Operation = body.Operation ?? "",
        ObjectName = body.Object,
        State = ParseState(body.State),
        StateName = body.State,
        ErrorMessage = string.IsNullOrEmpty(body.ErrorMessage) ? null : body.ErrorMessage,
        ExternalIdFieldName = body.ExternalIdFieldName,
        RecordsProcessed = body.NumberRecordsProcessed ?? 0,
        RecordsFailed = body.NumberRecordsFailed ?? 0,
        ApiVersion = body.ApiVersion?.ToString("0.0", CultureInfo.InvariantCulture),
        ColumnDelimiter = ParseDelimiter(body.ColumnDelimiter),
        LineEnding = string.Equals(body.LineEnding, "CRLF", StringComparison.OrdinalIgnoreCase) ? BulkLineEnding.CRLF : BulkLineEnding.LF,
        CreatedDate = SalesforceDateTime.TryParse(body.CreatedDate, out var created) ? created : null,
        Retries = body.Retries ?? 0,
        TotalProcessingTime = body.TotalProcessingTime ?? 0,
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JobInfoBody))]
[JsonSerializable(typeof(JobListBody))]
[JsonSerializable(typeof(CreateJobBody))]
[JsonSerializable(typeof(JobStateBody))]
internal sealed partial class BulkJsonContext : JsonSerializerContext;

internal sealed class JobInfoBody
{
    public string? Id { get; set; }

    public string? Operation { get; set; }

    public string? Object { get; set; }

    public string? State { get; set; }

    public string? ErrorMessage { get; set; }

    public string? ExternalIdFieldName { get; set; }

    public long? NumberRecordsProcessed { get; set; }

    public long? NumberRecordsFailed { get; set; }

    public decimal? ApiVersion { get; set; }

    public string? ColumnDelimiter { get; set; }

    public string? LineEnding { get; set; }

    public string? CreatedDate { get; set; }

    public string? ContentUrl { get; set; }

    public int? Retries { get; set; }

    public long? TotalProcessingTime { get; set; }
}

internal sealed class JobListBody
{
    public bool Done { get; set; }

    public List<JobInfoBody>? Records { get; set; }

    public string? NextRecordsUrl { get; set; }
}

internal sealed class CreateJobBody
{
    public string? Object { get; set; }

    public string? Operation { get; set; }

    public string? Query { get; set; }

    public string? ExternalIdFieldName { get; set; }

    public string? AssignmentRuleId { get; set; }

    public string ContentType { get; set; } = "CSV";

    public string? ColumnDelimiter { get; set; }

    public string? LineEnding { get; set; }
}

internal sealed class JobStateBody
{
    public string? State { get; set; }
}
