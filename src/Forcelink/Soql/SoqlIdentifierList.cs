namespace Forcelink.Soql;

/// <summary>Validated field names, written comma-separated.</summary>
public sealed class SoqlIdentifierList
{
    internal SoqlIdentifierList(IReadOnlyList<string> names) => Names = names;

    /// <summary>The names.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", Names);
}
