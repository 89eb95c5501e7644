namespace Forcelink;

/// <summary>
/// The one exception Forcelink throws for failures reported by Salesforce (REST and OAuth) or met on the way to it.
/// <see cref="Exception.Message"/> says what went wrong and how to fix it; it never contains a token, an assertion or a key.
/// </summary>
public sealed class SalesforceException : Exception
{
    /// <summary>Creates an exception with only a message (status 0, no error code).</summary>
    public SalesforceException()
        : this("Salesforce request failed.")
    {
    }

    /// <summary>Creates an exception with only a message (status 0, no error code).</summary>
    public SalesforceException(string message)
        : this(message, statusCode: 0, errorCode: null)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it (status 0, no error code).</summary>
    public SalesforceException(string message, Exception innerException)
        : this(message, statusCode: 0, errorCode: null, innerException: innerException)
    {
    }

    /// <summary>Creates an exception for a failure Salesforce reported.</summary>
    /// <param name="message">What went wrong and how to fix it.</param>
    /// <param name="statusCode">The HTTP status, or 0 when no response was received.</param>
    /// <param name="errorCode">Salesforce's <c>errorCode</c> or the OAuth <c>error</c>.</param>
    /// <param name="errors">Every error in the response body; the first one is the one described.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public SalesforceException(
        string message,
        int statusCode,
        string? errorCode,
        IReadOnlyList<SalesforceError>? errors = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        Errors = errors ?? [];
    }

    /// <summary>Whether the failure happened while logging in (the token exchange), rather than in a REST call:
    /// a setup problem that no retry of the same request fixes. A login that failed transiently on every attempt
    /// (HTTP 5xx, a lost connection, no answer) is not one: <see cref="StatusCode"/> then is the 5xx or 0.</summary>
    public bool IsLoginFailure { get; init; }

    /// <summary>Whether the client refused to start the request because the org had used more of its daily API requests than
    /// <see cref="SalesforceClientOptions.MaxApiUsageShare"/> allows (<see cref="ErrorCode"/> <c>API_USAGE_GUARD</c>, which is
    /// Forcelink's, not Salesforce's): nothing was sent, and the same request may pass once the 24-hour window moves.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(ErrorCode))]
    public bool IsApiUsageGuard => ErrorCode == ApiUsageGuardCode;

    /// <summary>The error code of <see cref="IsApiUsageGuard"/>; the one place it is spelled.</summary>
    internal const string ApiUsageGuardCode = "API_USAGE_GUARD";

    /// <summary>Raised by the token exchange, before the request that needed the token was sent: that request did nothing.</summary>
    internal bool DuringLogin { get; init; }

    /// <summary>The HTTP status of the response; 0 when no response was received.</summary>
    public int StatusCode { get; }

    /// <summary>Salesforce's <c>errorCode</c> (<c>INVALID_SESSION_ID</c>, <c>NOT_FOUND</c>, ...), the OAuth <c>error</c>
    /// (<c>invalid_grant</c>, ...), or <c>ERROR_HTTP_&lt;status&gt;</c> for a body that was not Salesforce's JSON.</summary>
    public string? ErrorCode { get; }

    /// <summary>Every error Salesforce listed; empty when the body had none.</summary>
    public IReadOnlyList<SalesforceError> Errors { get; }

    /// <summary>Salesforce's own description of the first error (the OAuth <c>error_description</c> or the REST <c>message</c>).</summary>
    public string? Description => Errors.Count > 0 ? Errors[0].Message : null;

    /// <summary>The fields named by every error, without duplicates.</summary>
    public IReadOnlyList<string> Fields => [.. Errors.SelectMany(e => e.Fields).Distinct(StringComparer.Ordinal)];
}
