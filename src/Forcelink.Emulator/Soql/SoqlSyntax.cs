using System.Text.RegularExpressions;

namespace Forcelink.Emulator.Soql;

// The parsed, not yet schema-checked, form of a query. Positions index the source text for error carets.

/// <summary>A dotted field path as written (<c>Owner.Name</c>), alias not yet removed.</summary>
internal sealed record SoqlPath(IReadOnlyList<string> Segments, int Position)
{
    public string Text => string.Join('.', Segments);
}

internal enum SoqlLiteralKind
{
    String,
    Number,
    Boolean,
    Null,
    Date,
    DateTime,
    RelativeDate,
}

/// <summary>A literal; <c>Value</c> is a string, decimal, bool, DateOnly, DateTimeOffset, a <see cref="SoqlRelativeDate"/>, or null.</summary>
internal sealed record SoqlLiteral(SoqlLiteralKind Kind, object? Value, int Position);

internal enum SoqlOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

internal abstract record SoqlCondition;

internal sealed record SoqlAnd(IReadOnlyList<SoqlCondition> Operands) : SoqlCondition;

internal sealed record SoqlOr(IReadOnlyList<SoqlCondition> Operands) : SoqlCondition;

internal sealed record SoqlNot(SoqlCondition Operand) : SoqlCondition;

internal sealed record SoqlComparison(SoqlPath Field, SoqlOperator Operator, SoqlLiteral Value) : SoqlCondition;

internal sealed record SoqlIn(SoqlPath Field, bool Negated, IReadOnlyList<SoqlLiteral> Values) : SoqlCondition;

internal sealed record SoqlLike(SoqlPath Field, Regex Pattern, int Position) : SoqlCondition;

internal sealed record SoqlOrdering(SoqlPath Field, bool Descending, bool NullsFirst);

internal sealed record SoqlSelect(
    IReadOnlyList<SoqlPath> Fields,
    bool IsCount,
    string ObjectName,
    int ObjectPosition,
    string? Alias,
    SoqlCondition? Where,
    IReadOnlyList<SoqlOrdering> OrderBy,
    int? Limit,
    int? Offset);
