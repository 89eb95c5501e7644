namespace Forcelink;

/// <summary>Shortens secrets to a prefix that identifies them in logs without letting anyone use them.</summary>
internal static class Redaction
{
    private const int VisiblePrefix = 6;

    public static string Secret(string? value) =>
        string.IsNullOrEmpty(value) ? "(none)"
        : value.Length <= VisiblePrefix * 2 ? "***"
        : string.Concat(value.AsSpan(0, VisiblePrefix), "…");
}
