namespace Forcelink.Soql;

/// <summary>
/// A value for a <c>LIKE</c> comparison. The text you give is matched literally: its <c>%</c> and <c>_</c> are escaped, and only
/// the wildcards the method names are added, so user input can never widen the match.
/// </summary>
public readonly struct SoqlLike : IEquatable<SoqlLike>
{
    private SoqlLike(string text, bool anyBefore, bool anyAfter)
    {
        ArgumentNullException.ThrowIfNull(text);
        Text = text;
        AnyBefore = anyBefore;
        AnyAfter = anyAfter;
    }

    internal string Text { get; }

    internal bool AnyBefore { get; }

    internal bool AnyAfter { get; }

    /// <summary>Matches values that start with <paramref name="prefix"/> (<c>LIKE 'prefix%'</c>).</summary>
    public static SoqlLike StartsWith(string prefix) => new(prefix, anyBefore: false, anyAfter: true);

    /// <summary>Matches values that end with <paramref name="suffix"/> (<c>LIKE '%suffix'</c>).</summary>
    public static SoqlLike EndsWith(string suffix) => new(suffix, anyBefore: true, anyAfter: false);

    /// <summary>Matches values that contain <paramref name="text"/> (<c>LIKE '%text%'</c>).</summary>
    public static SoqlLike Contains(string text) => new(text, anyBefore: true, anyAfter: true);

    /// <summary>Matches exactly <paramref name="text"/> (case-insensitively, as LIKE does).</summary>
    public static SoqlLike Exactly(string text) => new(text, anyBefore: false, anyAfter: false);

    /// <inheritdoc/>
    public bool Equals(SoqlLike other) => Text == other.Text && AnyBefore == other.AnyBefore && AnyAfter == other.AnyAfter;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SoqlLike other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Text, AnyBefore, AnyAfter);

    /// <summary>The literal as it appears in the query, such as <c>'50\%%'</c>.</summary>
    public override string ToString() => SoqlLiteral.Format(this);

    /// <summary>Equality.</summary>
    public static bool operator ==(SoqlLike left, SoqlLike right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(SoqlLike left, SoqlLike right) => !left.Equals(right);
}
