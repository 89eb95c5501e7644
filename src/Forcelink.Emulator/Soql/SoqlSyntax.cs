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

/// <summary>Multi-select picklist membership: each value is a <c>;</c>-separated set that must be wholly present.</summary>
internal sealed record SoqlIncludes(SoqlPath Field, bool Excludes, IReadOnlyList<SoqlLiteral> Values, int Position) : SoqlCondition;

internal sealed record SoqlLike(SoqlPath Field, Regex Pattern, int Position) : SoqlCondition;

/// <summary>An ORDER BY key: a field, or (in aggregate queries) an aggregate function of one.</summary>
internal sealed record SoqlOrdering(SoqlPath Field, bool Descending, bool NullsFirst, SoqlAggregate? Aggregate = null);

/// <summary>COUNT, COUNT_DISTINCT, SUM, AVG, MIN or MAX of a field, with its optional alias.</summary>
internal sealed record SoqlAggregate(string Function, SoqlPath Field, string? Alias, int Position)
{
    public string Text => $"{Function}({Field.Text})";
}

/// <summary>One SELECT list entry: exactly one of <see cref="Path"/>, <see cref="Aggregate"/> and <see cref="Subquery"/> is set.</summary>
internal sealed record SoqlSelectItem(SoqlPath? Path, SoqlAggregate? Aggregate, SoqlSubquery? Subquery = null);

/// <summary>A child-relationship subquery in the SELECT list: <c>(SELECT LastName FROM Contacts WHERE ... ORDER BY ... LIMIT n)</c>.</summary>
internal sealed record SoqlSubquery(
    IReadOnlyList<SoqlPath> Fields,
    string RelationshipName,
    int RelationshipPosition,
    string? Alias,
    SoqlCondition? Where,
    IReadOnlyList<SoqlOrdering> OrderBy,
    int? Limit);

internal sealed record SoqlSelect(
    IReadOnlyList<SoqlSelectItem> Items,
    bool IsCount,
    string ObjectName,
    int ObjectPosition,
    string? Alias,
    SoqlCondition? Where,
    IReadOnlyList<SoqlPath> GroupBy,
    IReadOnlyList<SoqlOrdering> OrderBy,
    int? Limit,
    int? Offset)
{
    public IReadOnlyList<SoqlPath> Fields => [.. Items.Where(i => i.Path is not null).Select(i => i.Path!)];

    public bool HasSubqueries => Items.Any(i => i.Subquery is not null);

    public bool IsAggregate => GroupBy.Count > 0 || Items.Any(i => i.Aggregate is not null);
}
