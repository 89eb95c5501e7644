namespace Forcelink.Emulator.Soql;

/// <summary>Parses and runs SOQL and SOSL against an <see cref="ISoqlCatalog"/>; every failure is a Salesforce-shaped <see cref="SoqlException"/>.</summary>
internal sealed partial class SoqlEngine(ISoqlCatalog catalog, TimeProvider timeProvider)
{
    private const int MaxOffset = 2000;

    public SoqlQueryResult Query(string soql, bool includeDeleted)
    {
        ArgumentNullException.ThrowIfNull(soql);
        var select = SoqlParser.ParseQuery(soql);
        var entity = catalog.FindObject(select.ObjectName) ?? throw SoqlErrors.UnsupportedType(select.ObjectName);
        var binder = new SoqlBinder(catalog, soql, Today(), SoqlErrors.MalformedQuery);
        if (select.IsAggregate)
        {
            if (select.Items.FirstOrDefault(i => i.Subquery is not null)?.Subquery is { } subquery)
            {
                throw SoqlErrors.NotSupportedByEmulator(SoqlErrors.MalformedQuery, soql, subquery.RelationshipPosition, "A child-relationship subquery in an aggregate query");
            }

            return QueryAggregate(soql, select, entity, binder, includeDeleted);
        }

        List<(SoqlChildQuery Query, SoqlSubquery Syntax)> children = [];
        var projection = ProjectWithChildren(binder, entity, select, soql, children);
        var rows = Run(binder, entity, select.Alias, select.Where, select.OrderBy, select.Limit, select.Offset, includeDeleted);
        foreach (var (query, syntax) in children)
        {
            LoadChildren(binder, query, syntax, rows, includeDeleted);
        }
        return select.IsCount
            ? new SoqlQueryResult(entity, true, rows.Count, [], projection, catalog)
            : new SoqlQueryResult(entity, false, rows.Count, rows, projection, catalog);
    }

    internal DateOnly Today() => DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);

    internal static SoqlProjection Project(SoqlBinder binder, SoqlObjectInfo entity, string? alias, IReadOnlyList<SoqlPath> fields, string source, string errorCode)
    {
        var projection = new SoqlProjection();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in fields)
        {
            var accessor = binder.Resolve(entity, alias, path);
            if (!seen.Add(accessor.CanonicalPath))
            {
                throw SoqlErrors.At(errorCode, source, path.Position, $"duplicate field selected: {accessor.CanonicalPath}");
            }

            projection.Add(accessor);
        }

        return projection;
    }

    internal List<SoqlRecord> Run(SoqlBinder binder, SoqlObjectInfo entity, string? alias, SoqlCondition? where, IReadOnlyList<SoqlOrdering> orderBy, int? limit, int? offset, bool includeDeleted)
    {
        var predicate = where is null ? null : binder.Compile(entity, alias, where);
        if (orderBy.FirstOrDefault(o => o.Aggregate is not null)?.Aggregate is { } misplaced)
        {
            throw SoqlErrors.At(binder.SyntaxErrorCode, binder.Source, misplaced.Position, $"{misplaced.Function}() is only allowed in an aggregate query");
        }

        var keys = orderBy.Select(o => (Accessor: binder.Resolve(entity, alias, o.Field), Ordering: o)).ToArray();
        if (offset > MaxOffset)
        {
            throw new SoqlException(SoqlErrors.NumberOutsideValidRange, $"Maximum SOQL offset allowed is {MaxOffset}");
        }

        var rows = new List<SoqlRecord>();
        foreach (var record in catalog.Scan(entity.Name, includeDeleted))
        {
            if (predicate is null || predicate(record))
            {
                rows.Add(record);
            }
        }

        if (keys.Length > 0)
        {
            rows = Sort(rows, keys);
        }

        var skip = Math.Min(offset ?? 0, rows.Count);
        var take = Math.Min(limit ?? int.MaxValue, rows.Count - skip);
        return skip == 0 && take == rows.Count ? rows : rows.GetRange(skip, take);
    }

    private List<SoqlRecord> Sort(List<SoqlRecord> rows, (SoqlFieldAccessor Accessor, SoqlOrdering Ordering)[] keys)
    {
        // Keys are read once per row: parent lookups during comparisons would multiply by log n.
        var values = new object?[rows.Count * keys.Length];
        for (var r = 0; r < rows.Count; r++)
        {
            for (var k = 0; k < keys.Length; k++)
            {
                values[(r * keys.Length) + k] = keys[k].Accessor.GetValue(rows[r], catalog);
            }
        }

        var categories = keys.Select(k => SoqlBinder.Category(k.Accessor.Field.Type)).ToArray();
        var order = Enumerable.Range(0, rows.Count).ToArray();
        Array.Sort(order, (x, y) =>
        {
            for (var k = 0; k < keys.Length; k++)
            {
                var a = values[(x * keys.Length) + k];
                var b = values[(y * keys.Length) + k];
                var ordering = keys[k].Ordering;
                int result;
                if (a is null || b is null)
                {
                    result = a is null && b is null ? 0 : (a is null) == ordering.NullsFirst ? -1 : 1;
                }
                else
                {
                    result = SoqlBinder.Compare(a, b, categories[k]);
                    if (ordering.Descending)
                    {
                        result = -result;
                    }
                }

                if (result != 0)
                {
                    return result;
                }
            }

            // Ties keep catalog order, so results are deterministic.
            return x.CompareTo(y);
        });
        return order.Select(i => rows[i]).ToList();
    }
}
