using System.Globalization;
using System.Text;
using System.Text.Json;
using Forcelink.Emulator.Api;

namespace Forcelink.Emulator.Bulk;

/// <summary>
/// Bulk API 2.0 error bodies: <c>[{"errorCode","message"}]</c>, errorCode first as in the recorded
/// <c>INVALIDJOB</c> answer, with Bulk API exception codes in capitals (INVALIDJOB, INVALIDJOBSTATE, CLIENTINPUTERROR).
/// </summary>
internal static class BulkErrors
{
    public static ApiResult InvalidJob(string message) => Error(400, "INVALIDJOB", message);

    public static ApiResult InvalidJobState(string message) => Error(400, "INVALIDJOBSTATE", message);

    public static ApiResult UploadTooLarge(long limit) => Error(413, "CLIENTINPUTERROR", string.Create(CultureInfo.InvariantCulture,
        $"The upload is over the limit of {limit:N0} bytes after base64 encoding (Salesforce's 150 MB, about 112 MB of CSV). Split the data over several jobs."));

    public static ApiResult InvalidQueryLocator() => Error(400, "INVALID_QUERY_LOCATOR", "invalid query locator");

    /// <summary>An enum or object of the wrong value, in the JSON_PARSER_ERROR wording the REST API uses for Jackson's failures.</summary>
    public static ApiResult JsonParser(string typeName, JsonElement value)
    {
        var token = value.ValueKind switch
        {
            JsonValueKind.String => "VALUE_STRING",
            JsonValueKind.Number => "VALUE_NUMBER_INT",
            JsonValueKind.True => "VALUE_TRUE",
            JsonValueKind.False => "VALUE_FALSE",
            JsonValueKind.Array => "START_ARRAY",
            JsonValueKind.Object => "START_OBJECT",
            _ => "VALUE_NULL",
        };
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Array => "[",
            JsonValueKind.Object => "{",
            _ => value.GetRawText(),
        };
        return ApiResult.Error(400, "JSON_PARSER_ERROR", $"Cannot deserialize instance of {typeName} from {token} value {text} or request may be missing a required field");
    }

    public static ApiResult Error(int status, string code, string message) => ApiResult.Json(status, w =>
    {
        w.WriteStartArray();
        w.WriteStartObject();
        w.WriteString("errorCode", code);
        w.WriteString("message", message);
        w.WriteEndObject();
        w.WriteEndArray();
    });

    /// <summary>The job list's <c>queryLocator</c>: a cursor-like id and the offset, as in <c>01gR0000000opRTIAY-2000</c>.</summary>
    public static string ListLocator(int offset) => string.Create(CultureInfo.InvariantCulture, $"01gxx0000000001AAA-{offset}");

    public static bool TryParseListLocator(string locator, out int offset)
    {
        var dash = locator.LastIndexOf('-');
        offset = 0;
        return dash > 0 && int.TryParse(locator.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }

    /// <summary>Query result locators since API 49.0 are opaque strings such as <c>MTAwMDA</c>: base64 of the row offset.</summary>
    public static string ResultLocator(long offset) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(offset.ToString(CultureInfo.InvariantCulture))).TrimEnd('=');

    public static bool TryParseResultLocator(string locator, out long offset)
    {
        offset = 0;
        var padded = locator.PadRight(locator.Length + ((4 - (locator.Length % 4)) % 4), '=');
        var bytes = new byte[padded.Length];
        return Convert.TryFromBase64String(padded, bytes, out var written)
            && long.TryParse(Encoding.ASCII.GetString(bytes, 0, written), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
    }
}
