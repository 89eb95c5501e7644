namespace Forcelink.Cli;

/// <summary>An expected failure: its message is the one line the user sees, and its exit code is what the shell gets.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>
    /// The message a user should read. An <see cref="ArgumentException"/> appends <c> (Parameter 'path')</c>, which names
    /// a parameter of the library's code, not anything the user typed or can change.
    /// </summary>
    public static string MessageOf(Exception exception)
    {
        var message = exception.Message;
        if (exception is ArgumentException { ParamName: { } name })
        {
            var suffix = $" (Parameter '{name}')";
            var at = message.IndexOf(suffix, StringComparison.Ordinal);
            if (at >= 0)
            {
                // ArgumentOutOfRangeException puts "Actual value was ..." on a line after the suffix; it goes too.
                message = message[..at];
            }
        }

        return message;
    }
}
