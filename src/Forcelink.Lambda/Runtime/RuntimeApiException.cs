using System.Net;

namespace Forcelink.Lambda.Runtime;

/// <summary>The Runtime API refused a call. A 500 means the execution environment is broken and the runtime must exit.</summary>
internal sealed class RuntimeApiException : Exception
{
    public RuntimeApiException(string message, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, innerException) => StatusCode = statusCode;

    public RuntimeApiException()
    {
    }

    public RuntimeApiException(string message)
        : base(message)
    {
    }

    public RuntimeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HttpStatusCode? StatusCode { get; }

    public bool IsPayloadTooLarge => StatusCode == HttpStatusCode.RequestEntityTooLarge;

    /// <summary>Whether the runtime must exit: a container error (500), or an answer the runtime cannot work with (no status).</summary>
    public bool IsFatal => StatusCode is null or HttpStatusCode.InternalServerError;
}
