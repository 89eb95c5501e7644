
namespace Forcelink.Http;

/// <summary>What the pipeline needs to know about a request beyond its HTTP shape.</summary>
internal static class RequestOptionsKeys
{
    /// <summary>Whether sending the request twice has the same effect as once (reads, updates, upserts, deletes).
    /// A plain create is not: a repeat would make a second record.</summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("Forcelink.Idempotent");
}
