namespace Forcelink.Soql;

/// <summary>
/// A SOQL query whose values are bound, not concatenated. Write it as an interpolated string:
/// <c>new SoqlQuery($"SELECT Id FROM Lead WHERE Email = {email}")</c>; every hole is written as a literal of its type
/// (escaped string, number, boolean, date, datetime, null, a list for <c>IN</c>, <see cref="SoqlLike"/> for <c>LIKE</c>,
/// <see cref="SoqlIdentifier"/> for a name), so input can never change the query's structure. Hand-written SOQL text
/// goes only through <see cref="Raw"/>.
/// </summary>
public sealed class SoqlQuery
{
    private SoqlQuery(string text) => Text = text;

    /// <summary>Builds a query from an interpolated string, binding every hole by type.</summary>
    public SoqlQuery(SoqlInterpolatedStringHandler query) => Text = query.ToStringAndClear();

    /// <summary>The query text to send.</summary>
    public string Text { get; }

    /// <summary>Uses <paramref name="soql"/> exactly as written. Nothing is escaped: never put untrusted input in it.</summary>
    public static SoqlQuery Raw(string soql)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(soql);
        return new SoqlQuery(soql);
    }

    /// <summary>The query text.</summary>
    public override string ToString() => Text;
}
