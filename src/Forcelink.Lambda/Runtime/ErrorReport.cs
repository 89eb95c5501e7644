using System.Text.Json.Serialization;
using Forcelink.Lambda.Observability;

namespace Forcelink.Lambda.Runtime;

/// <summary>The error body of <c>/runtime/invocation/{id}/error</c> and <c>/runtime/init/error</c>.</summary>
internal sealed record ErrorReport(
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("errorType")] string ErrorType,
    [property: JsonPropertyName("stackTrace")] IReadOnlyList<string> StackTrace)
{
    /// <summary>Builds the report of an exception; the message is masked in case it quotes a token or a key.</summary>
    public static ErrorReport FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new ErrorReport(SecretMask.Apply(exception.Message), exception.GetType().Name, StackFrames(exception));
    }

    public static IReadOnlyList<string> StackFrames(Exception exception) =>
        exception.StackTrace is { } trace
            ? trace.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
}
