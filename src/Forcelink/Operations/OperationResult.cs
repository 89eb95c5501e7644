using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Records;

namespace Forcelink.Operations;

/// <summary>
/// The answer to an operation, the same for the Lambda, SQS and the CLI: <c>ok</c> and <c>statusCode</c> always; <c>id</c>,
/// <c>created</c>, <c>record</c>, or <c>records</c> and <c>totalSize</c> on success; <c>error</c> {<c>code</c>, <c>message</c>,
/// <c>fields</c>, <c>retryable</c>} on failure.
/// </summary>
public sealed class OperationResult
{
    private OperationResult(bool isSuccess, int statusCode) => (IsSuccess, StatusCode) = (isSuccess, statusCode);

    /// <summary>Whether the operation succeeded.</summary>
    public bool IsSuccess { get; }

    /// <summary>The HTTP-style status: 200, 201, 400, 403, 404, ...</summary>
    public int StatusCode { get; }

    /// <summary>The record id (create, upsert, get, update, delete).</summary>
    public string? Id { get; private init; }

    /// <summary>For upserts: whether a record was created.</summary>
    public bool? Created { get; private init; }

    /// <summary>For get: the record's fields.</summary>
    public JsonObject? Record
    {
        get => _record ??= _read is null ? null : JsonNode.Parse(Json(_read.WriteFieldsTo))!.AsObject();
        private init => _record = value;
    }

    /// <summary>For find: the records found.</summary>
    public JsonArray? Records
    {
        get => _records ??= _found is null ? null : JsonNode.Parse(Json(WriteFound))!.AsArray();
        private init => _records = value;
    }

    // A record read for the answer is written from the record itself: the JSON tree is built only for a caller who asks.
    private JsonObject? _record;
    private JsonArray? _records;
    private SObject? _read;
    private IReadOnlyList<SObject>? _found;

    /// <summary>For find: how many records were found.</summary>
    public int? TotalSize { get; private init; }

    /// <summary>For failures: the error code (Salesforce's, or <c>INVALID_REQUEST</c>, <c>FORBIDDEN</c>).</summary>
    public string? ErrorCode { get; private init; }

    /// <summary>For failures: what is wrong and how to fix it.</summary>
    public string? ErrorMessage { get; private init; }

    /// <summary>For failures: the fields concerned.</summary>
    public IReadOnlyList<string> ErrorFields { get; private init; } = [];

    /// <summary>
    /// For failures: whether sending the same request again, unchanged, is safe and may succeed: Salesforce was busy or
    /// unreachable, the login failed, the request never started, or its outcome is unknown but a repeat cannot duplicate
    /// it. <see langword="false"/> for refusals that need a changed request or setup, and for a create whose outcome is
    /// unknown when nothing can tell a repeat from a first attempt (<see cref="OutcomeUnknown"/>). Default <see langword="false"/>.
    /// </summary>
    public bool Retryable { get; private init; }

    /// <summary>The code of a write that was sent but whose answer never came: it may or may not have taken effect.</summary>
    public const string OutcomeUnknown = "OUTCOME_UNKNOWN";

    /// <summary>The code of an operation that was never sent because its invocation ran out of time or was cancelled.</summary>
    public const string NotStarted = "NOT_STARTED";

    /// <summary>A success carrying an id.</summary>
    public static OperationResult Success(int statusCode, string? id = null, bool? created = null) => new(true, statusCode) { Id = id, Created = created };

    /// <summary>A successful get (200), or a successful write that answers with what it made (such as an attach's file, 201).</summary>
    public static OperationResult WithRecord(string? id, JsonObject record, int statusCode = 200) => new(true, statusCode) { Id = id, Record = record };

    /// <summary>A successful get of <paramref name="record"/>, which the result takes (nothing else may change it).</summary>
    internal static OperationResult WithRecord(SObject record) => new(true, 200) { Id = record.Id, _read = record };

    /// <summary>A successful find of <paramref name="records"/>, which the result takes.</summary>
    internal static OperationResult WithRecords(IReadOnlyList<SObject> records) => new(true, 200) { _found = records, TotalSize = records.Count };

    /// <summary>A successful find.</summary>
    public static OperationResult WithRecords(JsonArray records) => new(true, 200) { Records = records, TotalSize = records.Count };

    /// <summary>A failure.</summary>
    public static OperationResult Failure(int statusCode, string code, string message, IReadOnlyList<string>? fields = null) =>
        new(false, statusCode) { ErrorCode = code, ErrorMessage = message, ErrorFields = fields ?? [] };

    /// <summary>A failure that the same request, sent again unchanged, may get past (<see cref="Retryable"/>).</summary>
    public static OperationResult Transient(int statusCode, string code, string message, IReadOnlyList<string>? fields = null) =>
        new(false, statusCode) { ErrorCode = code, ErrorMessage = message, ErrorFields = fields ?? [], Retryable = true };

    /// <summary>A malformed request (400 <c>INVALID_REQUEST</c>).</summary>
    public static OperationResult Invalid(string message, IReadOnlyList<string>? fields = null) => Failure(400, "INVALID_REQUEST", message, fields);

    /// <summary>Writes the answer as JSON.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteBoolean("ok", IsSuccess);
        writer.WriteNumber("statusCode", StatusCode);
        if (Id is not null)
        {
            writer.WriteString("id", Id);
        }

        if (Created is { } created)
        {
            writer.WriteBoolean("created", created);
        }

        if (_record is not null || _read is not null)
        {
            writer.WritePropertyName("record");
            if (_record is null)
            {
                _read!.WriteFieldsTo(writer);
            }
            else
            {
                _record.WriteTo(writer);
            }
        }

        if (_records is not null)
        {
            writer.WriteNumber("totalSize", TotalSize ?? _records.Count);
            writer.WritePropertyName("records");
            _records.WriteTo(writer);
        }
        else if (_found is not null)
        {
            writer.WriteNumber("totalSize", _found.Count);
            writer.WritePropertyName("records");
            WriteFound(writer);
        }

        if (!IsSuccess)
        {
            writer.WriteStartObject("error");
            writer.WriteString("code", ErrorCode);
            writer.WriteString("message", ErrorMessage);
            writer.WriteStartArray("fields");
            foreach (var field in ErrorFields)
            {
                writer.WriteStringValue(field);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("retryable", Retryable);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private void WriteFound(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        foreach (var record in _found!)
        {
            record.WriteFieldsTo(writer);
        }

        writer.WriteEndArray();
    }

    /// <summary>The answer as UTF-8 JSON.</summary>
    public byte[] ToJsonBytes()
    {
        // Each answer is written into this thread's buffer and copied out once: a buffer and a writer per answer were
        // a sixteenth of a warm read's allocations. A buffer grown past 64 KB (a large find) is not kept.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        try
        {
            writer.Reset(buffer);
            WriteTo(writer);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            writer.Reset();
            if (buffer.Capacity > 64 * 1024)
            {
                t_buffer = null;
                t_writer = null;
            }
            else
            {
                buffer.ResetWrittenCount();
            }
        }
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    // Answers are JSON APIs, never inlined in HTML: keep quotes and non-ASCII text readable instead of \u-escaped.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The answer as JSON text.</summary>
    public override string ToString() => System.Text.Encoding.UTF8.GetString(ToJsonBytes());
}
