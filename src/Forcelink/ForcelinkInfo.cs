namespace Forcelink;

/// <summary>Facts about this build of Forcelink.</summary>
public static class ForcelinkInfo
{
    /// <summary>The product name sent in the <c>User-Agent</c> header.</summary>
    public const string ProductName = "Forcelink";

    /// <summary>This build's version (major.minor.patch), as sent in the <c>User-Agent</c> header.</summary>
    public static string Version { get; } = typeof(ForcelinkInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
