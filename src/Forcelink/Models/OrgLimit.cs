
namespace Forcelink.Models;

/// <summary>One entry of <c>/limits</c>.</summary>
/// <param name="Max">The allowance.</param>
/// <param name="Remaining">What is left of it.</param>
public sealed record OrgLimit(long Max, long Remaining)
{
    /// <summary>How much is used.</summary>
    public long Used => Max - Remaining;
}
