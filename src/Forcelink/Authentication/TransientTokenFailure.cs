namespace Forcelink.Authentication;

/// <summary>
/// A token-endpoint failure that a new attempt may not meet: a 5xx answer, a lost connection, or no answer in time.
/// Kept until the retries run out, then described once with how often the login was tried.
/// </summary>
internal sealed record TransientTokenFailure(
    int StatusCode,
    string? ErrorCode,
    string? Description,
    IReadOnlyList<SalesforceError> Errors,
    string? PageTitle,
    string? PageKind,
    Exception? Cause,
    bool TimedOut,
    TimeSpan? Limit)
{
    /// <summary>What the log shows: the status and code, or the kind of failure; never a body or a message.</summary>
    public string Reason => StatusCode > 0 ? $"HTTP {StatusCode} {ErrorCode}"
        : TimedOut ? "no answer in time"
        : Cause?.GetType().Name ?? "unknown";

    public static TransientTokenFailure Answered(int statusCode, string errorCode, string description, IReadOnlyList<SalesforceError> errors) =>
        new(statusCode, errorCode, description, errors, null, null, null, false, null);

    public static TransientTokenFailure Page(int statusCode, string? title, bool isHtml) =>
        new(statusCode, $"ERROR_HTTP_{statusCode}", title, [new SalesforceError($"ERROR_HTTP_{statusCode}", title ?? "(not JSON)", [])], title, isHtml ? "an HTML page" : "a page", null, false, null);

    public static TransientTokenFailure Unreachable(Exception cause) => new(0, null, null, [], null, null, cause, false, null);

    /// <param name="cause">The cancellation.</param>
    /// <param name="limit">The attempt's own limit when it was the one that ran out; <see langword="null"/> for the HttpClient's <c>Timeout</c>.</param>
    public static TransientTokenFailure NoAnswer(Exception cause, TimeSpan? limit) => new(0, null, null, [], null, null, cause, true, limit);

    /// <summary>Not a login failure in <see cref="SalesforceException.IsLoginFailure"/>'s sense: the setup may be right, and a later try may succeed.</summary>
    public SalesforceException ToException(int attempts, TimeSpan elapsed, in TokenRequestFacts facts) =>
        new(TokenErrorExplanation.ExplainUnavailable(this, attempts, elapsed, facts), StatusCode, ErrorCode, Errors, Cause) { DuringLogin = true };
}
