using System.Buffers;
using System.Text;
using System.Text.Json;
using Forcelink.Emulator.Org;

namespace Forcelink.Emulator.Api;

/// <summary>One error as Salesforce reports it; <see cref="Status"/> is the HTTP status a single-record call uses.</summary>
internal sealed record ApiError(string Code, string Message, IReadOnlyList<string>? Fields = null, int Status = 400);

/// <summary>A REST call after authentication, independent of HTTP so composite subrequests reuse the same code.</summary>
internal sealed record ApiCall(
    string Method,
    string Version,
    IReadOnlyList<string> Segments,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    string? Body,
    Session Session)
{
    public string VersionPrefix => $"/services/data/v{Version}";

    public decimal VersionNumber => decimal.Parse(Version, System.Globalization.CultureInfo.InvariantCulture);
}

internal sealed class ApiResult(int status, byte[]? body = null)
{
    public int Status { get; } = status;
    public byte[]? Body { get; } = body;
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A body too large to hold in memory (Bulk API results), written after the org gate is released; replaces <see cref="Body"/>.</summary>
    public Func<Stream, CancellationToken, Task>? Content { get; init; }

    /// <summary>The media type of <see cref="Content"/>.</summary>
    public string? ContentType { get; init; }

    /// <summary>Salesforce writes apostrophes, ampersands and angle brackets literally; only JSON-mandatory escapes apply.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static ApiResult NoContent() => new(204);

    public static ApiResult Json(int status, Action<Utf8JsonWriter> write)
    {
        // One buffer per thread, kept between bodies: a query page of 2,000 records is about half a megabyte, which a
        // fresh stream grew by doubling (and the writer buffered again) into large-object garbage on every page.
        var buffer = _buffer ?? new ArrayBufferWriter<byte>(16 * 1024);
        _buffer = null;
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                write(writer);
            }

            return new ApiResult(status, buffer.WrittenSpan.ToArray());
        }
        finally
        {
            buffer.ResetWrittenCount();
            if (buffer.Capacity <= MaxKeptBuffer)
            {
                _buffer = buffer;
            }
        }
    }

    private const int MaxKeptBuffer = 4 * 1024 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    public static ApiResult Error(ApiError error) => Errors(error.Status, [error]);

    public static ApiResult Error(int status, string code, string message, IReadOnlyList<string>? fields = null) =>
        Errors(status, [new ApiError(code, message, fields, status)]);

    /// <summary>The REST error body: a JSON array of {message, errorCode, fields?}.</summary>
    public static ApiResult Errors(int status, IEnumerable<ApiError> errors) => Json(status, w =>
    {
        w.WriteStartArray();
        foreach (var e in errors)
        {
            w.WriteStartObject();
            w.WriteString("message", e.Message);
            w.WriteString("errorCode", e.Code);
            if (e.Fields is not null)
            {
                w.WriteStartArray("fields");
                foreach (var f in e.Fields)
                {
                    w.WriteStringValue(f);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    public static ApiResult NotFound() => Error(404, "NOT_FOUND", "The requested resource does not exist");

    public static ApiResult MethodNotAllowed(string method, string allowed) =>
        Error(405, "METHOD_NOT_ALLOWED", $"HTTP Method '{method}' not allowed. Allowed are {allowed}");

    public static ApiResult SaveFailure(SaveResult result) => Error(result.Errors[0]);

    public override string ToString() => Body is null ? Status.ToString(System.Globalization.CultureInfo.InvariantCulture) : Encoding.UTF8.GetString(Body);
}
