namespace Forcelink.Emulator.Soql;

internal sealed partial class SoqlEngine
{
    /// <summary>The SELECT list in order: fields and parent paths as in <see cref="Project"/>, and each child-relationship
    /// subquery checked against the schema (relationship, fields, conditions, ordering).</summary>
    private SoqlProjection ProjectWithChildren(SoqlBinder binder, SoqlObjectInfo entity, SoqlSelect select, string source, List<(SoqlChildQuery Query, SoqlSubquery Syntax)> children)
    {
        var projection = new SoqlProjection();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in select.Items)
        {
            if (item.Subquery is { } subquery)
            {
                var relationship = catalog.ChildRelationships(entity.Name)
                    .FirstOrDefault(r => string.Equals(r.Name, subquery.RelationshipName, StringComparison.OrdinalIgnoreCase));
                var child = relationship is null ? null : catalog.FindObject(relationship.ChildObject);
                if (relationship is null || child is null)
                {
                    throw SoqlErrors.UnknownChildRelationship(source, subquery.RelationshipPosition, subquery.RelationshipName);
                }

                if (!seen.Add(relationship.Name))
                {
                    throw SoqlErrors.At(SoqlErrors.MalformedQuery, source, subquery.RelationshipPosition, $"duplicate field selected: {relationship.Name}");
                }

                var query = new SoqlChildQuery(relationship.Name, child, relationship.Field, Project(binder, child, subquery.Alias, subquery.Fields, source, SoqlErrors.MalformedQuery));
                projection.AddChildren(query);
                children.Add((query, subquery));
                continue;
            }

            var accessor = binder.Resolve(entity, select.Alias, item.Path!);
            if (!seen.Add(accessor.CanonicalPath))
            {
                throw SoqlErrors.At(SoqlErrors.MalformedQuery, source, item.Path!.Position, $"duplicate field selected: {accessor.CanonicalPath}");
            }

            projection.Add(accessor);
        }

        return projection;
    }

    /// <summary>Finds every parent's children with one scan of the child object, then filters, orders and limits them per parent.</summary>
    private void LoadChildren(SoqlBinder binder, SoqlChildQuery query, SoqlSubquery syntax, IReadOnlyList<SoqlRecord> parents, bool includeDeleted)
    {
        var predicate = syntax.Where is null ? null : binder.Compile(query.Child, syntax.Alias, syntax.Where);
        if (syntax.OrderBy.FirstOrDefault(o => o.Aggregate is not null)?.Aggregate is { } misplaced)
        {
            throw SoqlErrors.At(binder.SyntaxErrorCode, binder.Source, misplaced.Position, $"{misplaced.Function}() is only allowed in an aggregate query");
        }

        var keys = syntax.OrderBy.Select(o => (Accessor: binder.Resolve(query.Child, syntax.Alias, o.Field), Ordering: o)).ToArray();
        var byParent = new Dictionary<string, List<SoqlRecord>>(StringComparer.Ordinal);
        foreach (var parent in parents)
        {
            if (parent.Fields.GetValueOrDefault("Id") is string id)
            {
                byParent[id] = [];
            }
        }

        if (byParent.Count > 0)
        {
            foreach (var record in catalog.Scan(query.Child.Name, includeDeleted))
            {
                if (record.Fields.GetValueOrDefault(query.ReferenceField) is string parentId && byParent.TryGetValue(parentId, out var list)
                    && (predicate is null || predicate(record)))
                {
                    list.Add(record);
                }
            }
        }

        foreach (var id in byParent.Keys.ToList())
        {
            var list = byParent[id];
            if (keys.Length > 0 && list.Count > 1)
            {
                list = Sort(list, keys);
            }

            if (syntax.Limit is { } limit && list.Count > limit)
            {
                list = list.GetRange(0, limit);
            }

            byParent[id] = list;
        }

        query.SetChildren(byParent);
    }
}
