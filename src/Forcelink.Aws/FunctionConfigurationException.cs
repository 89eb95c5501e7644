namespace Forcelink.Aws;

/// <summary>The function's configuration is unusable. The message lists every problem, each with its fix, and never a secret.</summary>
internal sealed class FunctionConfigurationException : Exception
{
    public FunctionConfigurationException(IReadOnlyList<string> errors)
        : base(Format(errors)) => Errors = errors;

    public FunctionConfigurationException()
        : this([])
    {
    }

    public FunctionConfigurationException(string message)
        : this([message])
    {
    }

    public FunctionConfigurationException(string message, Exception innerException)
        : base(Format([message]), innerException) => Errors = [message];

    public IReadOnlyList<string> Errors { get; }

    private static string Format(IReadOnlyList<string> errors) =>
        errors.Count == 1
            ? $"The Forcelink function is misconfigured: {errors[0]}"
            : $"The Forcelink function is misconfigured ({errors.Count} problems): {string.Join(" | ", errors.Select((e, i) => $"{i + 1}. {e}"))}";
}
