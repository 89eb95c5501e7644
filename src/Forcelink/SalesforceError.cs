namespace Forcelink;

/// <summary>One error as Salesforce reports it: <c>{"errorCode","message","fields"}</c> in REST bodies,
/// <c>{"statusCode","message","fields"}</c> in collection results, or <c>{"error","error_description"}</c> from OAuth.</summary>
/// <param name="ErrorCode">Salesforce's code, such as <c>REQUIRED_FIELD_MISSING</c> or the OAuth <c>error</c>, such as <c>invalid_grant</c>.</param>
/// <param name="Message">Salesforce's own text.</param>
/// <param name="Fields">The fields the error is about; empty when it is not about fields.</param>
public sealed record SalesforceError(string ErrorCode, string Message, IReadOnlyList<string> Fields)
{
    /// <inheritdoc/>
    public override string ToString() =>
        Fields.Count == 0 ? $"{ErrorCode}: {Message}" : $"{ErrorCode}: {Message} [{string.Join(", ", Fields)}]";
}
