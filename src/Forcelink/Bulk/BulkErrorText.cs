using System.Text.RegularExpressions;

namespace Forcelink.Bulk;

/// <summary>Reads <c>sf__Error</c>, Salesforce's one-cell error of a failed row: <c>CODE:message:fields --</c>, such as
/// <c>REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --</c>.</summary>
internal static partial class BulkErrorText
{
    public static SalesforceError Parse(string? text)
    {
        var trimmed = (text ?? "").Trim();
        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !CodePattern().IsMatch(trimmed.AsSpan(0, colon)))
        {
            return new SalesforceError("UNKNOWN_ERROR", trimmed, []);
        }

        var code = trimmed[..colon];
        var rest = trimmed[(colon + 1)..];
        if (!rest.EndsWith("--", StringComparison.Ordinal))
        {
            return new SalesforceError(code, rest.Trim(), []);
        }

        rest = rest[..^2].TrimEnd();
        var last = rest.LastIndexOf(':');
        if (last < 0)
        {
            return new SalesforceError(code, rest.Trim(), []);
        }

        var fields = rest[(last + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return new SalesforceError(code, rest[..last].Trim(), fields);
    }

    [GeneratedRegex("^[A-Z][A-Z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();
}
