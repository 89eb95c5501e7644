
namespace Forcelink.Models;

/// <summary>The org's daily API usage as reported by the latest response's <c>Sforce-Limit-Info</c> header.</summary>
/// <param name="Used">API requests used in the last 24 hours (may exceed <paramref name="Max"/>).</param>
/// <param name="Max">The org's daily allowance.</param>
public sealed record ApiUsage(long Used, long Max)
{
    /// <summary>The share used, from 0 (none) to 1 (all) and beyond.</summary>
    public double Share => Max <= 0 ? 0 : (double)Used / Max;
}
