namespace Forcelink;

/// <summary>Facts about this build of Forcelink.</summary>
public static class ForcelinkInfo
{
    /// <summary>The product name sent in the <c>User-Agent</c> header.</summary>
    public const string ProductName = "Forcelink";
}
