using System.Net;
using System.Text.Json;
using Forcelink.Serialization;

namespace Forcelink.Http;

/// <summary>The one mapping from a failed REST response to <see cref="SalesforceException"/>.</summary>
internal static class RestErrors
{
    public static async Task<SalesforceException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var what = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}";
        if (response.StatusCode == HttpStatusCode.MultipleChoices)
        {
            var urls = ParseUrls(body);
            return new SalesforceException(
                $"Salesforce refused {what}: {urls.Count} records have this external id ({string.Join(", ", urls)}). " +
                "Make the external id field unique, or update one of them by id.",
                status,
                "MULTIPLE_CHOICES",
                [new SalesforceError("MULTIPLE_CHOICES", "Multiple records found", [])]);
        }

        var errors = Parse(body);
        what = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}";
        if (errors.Count == 0)
        {
            var code = $"ERROR_HTTP_{status}";
            return new SalesforceException($"Salesforce answered {what} with HTTP {status} {response.ReasonPhrase} and no error details.", status, code, [new SalesforceError(code, response.ReasonPhrase ?? "", [])]);
        }

        var first = errors[0];
        var hint = Hint(response.StatusCode, first);
        var message = $"Salesforce refused {what}: {first}" + (errors.Count > 1 ? $" (and {errors.Count - 1} more)" : "") + (hint is null ? "." : $". {hint}");
        return new SalesforceException(message, status, first.ErrorCode, errors);
    }

    public static IReadOnlyList<SalesforceError> Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return [];
        }

        try
        {
            // Salesforce answers errors as an array, but some sObject Collections failures come as one bare error object.
            if (body.TrimStart(" \t\r\n"u8) is [(byte)'{', ..])
            {
                return JsonSerializer.Deserialize(body, ForcelinkJsonContext.Default.RestErrorBody) is { ErrorCode: not null } single ? [single.ToError()] : [];
            }

            var list = JsonSerializer.Deserialize(body, ForcelinkJsonContext.Default.ListRestErrorBody);
            return list is null ? [] : [.. list.Select(e => e.ToError())];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static List<string> ParseUrls(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, ForcelinkJsonContext.Default.ListString) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string? Hint(HttpStatusCode status, SalesforceError error) => error.ErrorCode switch
    {
        "INVALID_SESSION_ID" when status == HttpStatusCode.Unauthorized =>
            "The session was rejected even right after a new login: check the connected app's IP relaxation and session policies, and that the user has the API Enabled permission",
        "REQUEST_LIMIT_EXCEEDED" => "The org's daily API request limit is used up; calls resume as the 24-hour window moves. Batch writes with collections to use fewer calls",
        "API_DISABLED_FOR_ORG" => "The org's edition or the user's profile has no API access: enable 'API Enabled' on the profile or a permission set",
        "INSUFFICIENT_ACCESS_OR_READONLY" or "INSUFFICIENT_ACCESS" =>
            "The integration user lacks permission: grant the object permission (read, create, edit or delete) on its profile or a permission set",
        "INVALID_REPLICATION_DATE" =>
            "Changes since a time are kept for 30 days (deletions for 15): start the window within the last 30 days and at least one whole minute before its end, " +
            "or, for older changes, query by SystemModstamp (queryAll for deleted records)",
        _ => null,
    };
}
