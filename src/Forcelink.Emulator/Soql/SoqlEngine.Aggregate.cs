using System.Globalization;
using Forcelink.Emulator.Records;

namespace Forcelink.Emulator.Soql;

/// <summary>An output column of an aggregate query: a grouped field, or an aggregate under its alias or <c>exprN</c>.</summary>
internal sealed record SoqlAggregateColumn(string Name, string DisplayName, FieldType Type, SoqlFieldInfo? Field, bool IsAggregate);

internal sealed partial class SoqlEngine
{
    private SoqlQueryResult QueryAggregate(string soql, SoqlSelect select, SoqlObjectInfo entity, SoqlBinder binder, bool includeDeleted)
    {
        var groupKeys = select.GroupBy.Select(p => binder.Resolve(entity, select.Alias, p)).ToArray();
        var outputs = new List<(SoqlAggregateColumn Column, Func<List<SoqlRecord>, object?> Value)>();
        var expression = 0;
        foreach (var item in select.Items)
        {
            if (item.Path is { } path)
            {
                var accessor = binder.Resolve(entity, select.Alias, path);
                var keyIndex = Array.FindIndex(groupKeys, k => string.Equals(k.CanonicalPath, accessor.CanonicalPath, StringComparison.OrdinalIgnoreCase));
                if (keyIndex < 0)
                {
                    throw SoqlErrors.At(SoqlErrors.MalformedQuery, soql, path.Position, $"Field must be grouped or aggregated: {accessor.Field.Name}");
                }

                outputs.Add((new SoqlAggregateColumn(accessor.Field.Name, accessor.Field.Name, accessor.Field.Type, accessor.Field, false),
                    rows => rows.Count == 0 ? null : accessor.GetValue(rows[0], catalog)));
                continue;
            }

            var aggregate = item.Aggregate!;
            var (type, compute) = CompileAggregate(soql, entity, select.Alias, binder, aggregate);
            var name = aggregate.Alias ?? $"expr{expression++}";
            outputs.Add((new SoqlAggregateColumn(name, aggregate.Alias ?? aggregate.Text, type, null, true), compute));
        }

        var orderings = select.OrderBy.Select(o =>
        {
            if (o.Aggregate is not null)
            {
                var (type, compute) = CompileAggregate(soql, entity, select.Alias, binder, o.Aggregate);
                return (Category: SoqlBinder.Category(type), Value: compute, Ordering: o);
            }

            var accessor = binder.Resolve(entity, select.Alias, o.Field);
            if (!groupKeys.Any(k => string.Equals(k.CanonicalPath, accessor.CanonicalPath, StringComparison.OrdinalIgnoreCase)))
            {
                throw SoqlErrors.At(SoqlErrors.MalformedQuery, soql, o.Field.Position, $"Ordered field must be grouped or aggregated: {accessor.Field.Name}");
            }

            return (Category: SoqlBinder.Category(accessor.Field.Type), Value: (Func<List<SoqlRecord>, object?>)(rows => accessor.GetValue(rows[0], catalog)), Ordering: o);
        }).ToArray();

        var rows = Run(binder, entity, select.Alias, select.Where, [], null, null, includeDeleted);
        var groups = new Dictionary<string, List<SoqlRecord>>(StringComparer.Ordinal);
        var groupOrder = new List<List<SoqlRecord>>();
        foreach (var record in rows)
        {
            var key = string.Join('\u001f', groupKeys.Select(k => GroupKey(k.GetValue(record, catalog))));
            if (!groups.TryGetValue(key, out var members))
            {
                groups[key] = members = [];
                groupOrder.Add(members);
            }

            members.Add(record);
        }

        if (groupKeys.Length == 0 && groupOrder.Count == 0)
        {
            // Without GROUP BY an aggregate query always yields one row, even over no records (COUNT(Id) = 0).
            groupOrder.Add([]);
        }

        var sorted = groupOrder.Select((members, index) => (Members: members, Index: index, Keys: orderings.Select(o => o.Value(members)).ToArray())).ToList();
        sorted.Sort((x, y) =>
        {
            for (var k = 0; k < orderings.Length; k++)
            {
                var result = CompareKeys(x.Keys[k], y.Keys[k], orderings[k].Category, orderings[k].Ordering);
                if (result != 0)
                {
                    return result;
                }
            }

            return x.Index.CompareTo(y.Index);
        });

        if (select.Offset > MaxOffset)
        {
            throw new SoqlException(SoqlErrors.NumberOutsideValidRange, $"Maximum SOQL offset allowed is {MaxOffset}");
        }

        var window = sorted.Skip(select.Offset ?? 0).Take(select.Limit ?? int.MaxValue)
            .Select(g => outputs.Select(o => o.Value(g.Members)).ToArray())
            .ToList();
        return new SoqlQueryResult(entity, window, [.. outputs.Select(o => o.Column)], select.GroupBy.Count > 0, catalog);
    }

    private (FieldType Type, Func<List<SoqlRecord>, object?> Compute) CompileAggregate(string soql, SoqlObjectInfo entity, string? alias, SoqlBinder binder, SoqlAggregate aggregate)
    {
        var accessor = binder.Resolve(entity, alias, aggregate.Field);
        var category = SoqlBinder.Category(accessor.Field.Type);
        IEnumerable<object> Values(List<SoqlRecord> rows) => rows.Select(r => accessor.GetValue(r, catalog)).OfType<object>();
        switch (aggregate.Function)
        {
            case "COUNT":
                return (FieldType.Int, rows => (decimal)Values(rows).Count());
            case "COUNT_DISTINCT":
                return (FieldType.Int, rows => (decimal)Values(rows).Select(GroupKey).Distinct(StringComparer.Ordinal).Count());
            case "MIN" or "MAX" when category is not ValueCategory.Boolean:
                var max = aggregate.Function == "MAX";
                return (accessor.Field.Type, rows =>
                {
                    object? best = null;
                    foreach (var value in Values(rows))
                    {
                        if (best is null || SoqlBinder.Compare(value, best, category) * (max ? 1 : -1) > 0)
                        {
                            best = value;
                        }
                    }

                    return best;
                });
            case "SUM" when category == ValueCategory.Number:
                return (accessor.Field.Type, rows => Values(rows).Cast<decimal>().Aggregate((decimal?)null, (sum, v) => (sum ?? 0m) + v));
            case "AVG" when category == ValueCategory.Number:
                return (FieldType.Double, rows =>
                {
                    var values = Values(rows).Cast<decimal>().ToList();
                    // Salesforce computes averages in double precision; rounding through double keeps the digits it prints.
                    return values.Count == 0 ? null : (decimal)(double)values.Average();
                });
            default:
                throw SoqlErrors.At(SoqlErrors.MalformedQuery, soql, aggregate.Position,
                    $"field {accessor.Field.Name} does not support aggregate operator {aggregate.Function}");
        }
    }

    private static int CompareKeys(object? a, object? b, ValueCategory category, SoqlOrdering ordering)
    {
        if (a is null || b is null)
        {
            return a is null && b is null ? 0 : (a is null) == ordering.NullsFirst ? -1 : 1;
        }

        var result = SoqlBinder.Compare(a, b, category);
        return ordering.Descending ? -result : result;
    }

    /// <summary>Groups like SOQL compares: text case-insensitively, ids by their 15-character form.</summary>
    private static string GroupKey(object? value) => value switch
    {
        null => "\u0000",
        string s when s.Length == 18 && SoqlIds.IsWellFormed(s) => "s" + SoqlIds.Normalize(s),
        string s => "s" + s.ToUpperInvariant(),
        DateTimeOffset d => "t" + d.UtcTicks.ToString(CultureInfo.InvariantCulture),
        _ => value.GetType().Name + Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
