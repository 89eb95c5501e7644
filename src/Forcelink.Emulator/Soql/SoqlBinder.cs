using Forcelink.Emulator.Records;

namespace Forcelink.Emulator.Soql;

/// <summary>A field path checked against the schema: the reference fields to follow, then the field to read.</summary>
internal sealed class SoqlFieldAccessor(IReadOnlyList<SoqlFieldInfo> relationships, SoqlFieldInfo field, string canonicalPath)
{
    public IReadOnlyList<SoqlFieldInfo> Relationships { get; } = relationships;

    public SoqlFieldInfo Field { get; } = field;

    public string CanonicalPath { get; } = canonicalPath;

    public object? GetValue(SoqlRecord record, ISoqlCatalog catalog)
    {
        SoqlRecord? current = record;
        foreach (var relationship in Relationships)
        {
            if (!current.Fields.TryGetValue(relationship.Name, out var id) || id is not string parentId)
            {
                return null;
            }

            current = catalog.FindById(parentId);
            if (current is null)
            {
                return null;
            }
        }

        return current.Fields.TryGetValue(Field.Name, out var value) ? value : null;
    }
}

/// <summary>Turns parsed SOQL into schema-checked accessors and compiled predicates, reporting errors the way Salesforce does.</summary>
internal sealed class SoqlBinder(ISoqlCatalog catalog, string source, DateOnly today, string syntaxErrorCode)
{
    public string Source => source;

    public string SyntaxErrorCode => syntaxErrorCode;

    public SoqlFieldAccessor Resolve(SoqlObjectInfo root, string? alias, SoqlPath path)
    {
        var segments = path.Segments;
        var first = 0;
        if (segments.Count > 1 && alias is not null && string.Equals(segments[0], alias, StringComparison.OrdinalIgnoreCase))
        {
            first = 1;
        }

        var current = root;
        List<SoqlFieldInfo> relationships = [];
        List<string> canonical = [];
        for (var i = first; i < segments.Count - 1; i++)
        {
            var reference = current.Fields.FirstOrDefault(f =>
                f.RelationshipName is not null && string.Equals(f.RelationshipName, segments[i], StringComparison.OrdinalIgnoreCase));
            var nextName = segments[i + 1];
            var isLeafNext = i + 1 == segments.Count - 1;
            var targets = reference?.ReferenceTo.Select(catalog.FindObject).OfType<SoqlObjectInfo>().ToList() ?? [];
            var target = targets.FirstOrDefault(t => !isLeafNext || t.FindField(nextName) is not null) ?? targets.FirstOrDefault();
            if (reference is null || target is null)
            {
                throw SoqlErrors.UnknownRelationship(source, path.Position, segments[i]);
            }

            relationships.Add(reference);
            canonical.Add(reference.RelationshipName!);
            current = target;
        }

        var field = current.FindField(segments[^1]) ?? throw SoqlErrors.NoSuchColumn(source, path.Position, segments[^1], current.Name);
        canonical.Add(field.Name);
        return new SoqlFieldAccessor(relationships, field, string.Join('.', canonical));
    }

    public Func<SoqlRecord, bool> Compile(SoqlObjectInfo root, string? alias, SoqlCondition condition)
    {
        switch (condition)
        {
            case SoqlAnd and:
            {
                var operands = and.Operands.Select(o => Compile(root, alias, o)).ToArray();
                return record =>
                {
                    foreach (var operand in operands)
                    {
                        if (!operand(record))
                        {
                            return false;
                        }
                    }

                    return true;
                };
            }

            case SoqlOr or:
            {
                var operands = or.Operands.Select(o => Compile(root, alias, o)).ToArray();
                return record =>
                {
                    foreach (var operand in operands)
                    {
                        if (operand(record))
                        {
                            return true;
                        }
                    }

                    return false;
                };
            }

            case SoqlNot not:
            {
                var operand = Compile(root, alias, not.Operand);
                return record => !operand(record);
            }

            case SoqlComparison comparison:
                return CompileComparison(Resolve(root, alias, comparison.Field), comparison.Operator, comparison.Value);

            case SoqlIn @in:
            {
                var accessor = Resolve(root, alias, @in.Field);
                var members = @in.Values.Select(v => CompileComparison(accessor, SoqlOperator.Equal, v)).ToArray();
                return record =>
                {
                    foreach (var member in members)
                    {
                        if (member(record))
                        {
                            return !@in.Negated;
                        }
                    }

                    return @in.Negated;
                };
            }

            case SoqlIncludes includes:
            {
                var accessor = Resolve(root, alias, includes.Field);
                if (accessor.Field.Type != FieldType.MultiPicklist)
                {
                    throw SoqlErrors.At(syntaxErrorCode, source, includes.Position,
                        $"invalid operator on field '{accessor.CanonicalPath}': INCLUDES and EXCLUDES apply only to multi-select picklists");
                }

                var sets = includes.Values.Select(v => v.Kind == SoqlLiteralKind.String
                    ? SplitPicklist((string)v.Value!)
                    : throw SoqlErrors.At(SoqlErrors.InvalidField, source, v.Position,
                        $"value of filter criterion for field '{accessor.CanonicalPath}' must be of type string and should be enclosed in quotes")).ToArray();
                return record =>
                {
                    var selected = accessor.GetValue(record, catalog) is string s ? SplitPicklist(s) : [];
                    var any = sets.Any(set => set.IsSubsetOf(selected));
                    return any != includes.Excludes;
                };
            }

            case SoqlLike like:
            {
                var accessor = Resolve(root, alias, like.Field);
                if (Category(accessor.Field.Type) is not (ValueCategory.Text or ValueCategory.Id))
                {
                    throw SoqlErrors.At(syntaxErrorCode, source, like.Position,
                        $"invalid operator on field '{accessor.CanonicalPath}': LIKE applies only to string fields");
                }

                var pattern = like.Pattern;
                return record => accessor.GetValue(record, catalog) is string s && pattern.IsMatch(s);
            }

            default:
                throw new InvalidOperationException($"Unknown condition {condition.GetType().Name}.");
        }
    }

    private Func<SoqlRecord, bool> CompileComparison(SoqlFieldAccessor accessor, SoqlOperator op, SoqlLiteral literal)
    {
        var category = Category(accessor.Field.Type);
        if (literal.Kind == SoqlLiteralKind.Null)
        {
            return op switch
            {
                SoqlOperator.Equal => record => accessor.GetValue(record, catalog) is null,
                SoqlOperator.NotEqual => record => accessor.GetValue(record, catalog) is not null,
                _ => _ => false,
            };
        }

        if (literal.Kind == SoqlLiteralKind.RelativeDate && category is ValueCategory.Date or ValueCategory.DateTime)
        {
            var (start, end) = ((SoqlRelativeDate)literal.Value!).Resolve(today);
            object startValue = category == ValueCategory.Date ? start : new DateTimeOffset(start, TimeOnly.MinValue, TimeSpan.Zero);
            object endValue = category == ValueCategory.Date ? end : new DateTimeOffset(end, TimeOnly.MinValue, TimeSpan.Zero);
            return record =>
            {
                var value = accessor.GetValue(record, catalog);
                if (value is null)
                {
                    return op == SoqlOperator.NotEqual;
                }

                var inRange = Compare(value, startValue, category) >= 0 && Compare(value, endValue, category) < 0;
                return op switch
                {
                    SoqlOperator.Equal => inRange,
                    SoqlOperator.NotEqual => !inRange,
                    SoqlOperator.Less => Compare(value, startValue, category) < 0,
                    SoqlOperator.LessOrEqual => Compare(value, endValue, category) < 0,
                    SoqlOperator.Greater => Compare(value, endValue, category) >= 0,
                    _ => Compare(value, startValue, category) >= 0,
                };
            };
        }

        var constant = Convert(accessor, category, literal);
        if (constant is null)
        {
            // An empty id literal is legal and simply matches no record.
            return record => op == SoqlOperator.NotEqual;
        }

        return op switch
        {
            SoqlOperator.Equal => record => accessor.GetValue(record, catalog) is { } v && Compare(v, constant, category) == 0,
            // SOQL's != keeps rows whose value is null, unlike SQL.
            SoqlOperator.NotEqual => record => accessor.GetValue(record, catalog) is not { } v || Compare(v, constant, category) != 0,
            SoqlOperator.Less => record => accessor.GetValue(record, catalog) is { } v && Compare(v, constant, category) < 0,
            SoqlOperator.LessOrEqual => record => accessor.GetValue(record, catalog) is { } v && Compare(v, constant, category) <= 0,
            SoqlOperator.Greater => record => accessor.GetValue(record, catalog) is { } v && Compare(v, constant, category) > 0,
            _ => record => accessor.GetValue(record, catalog) is { } v && Compare(v, constant, category) >= 0,
        };
    }

    private object? Convert(SoqlFieldAccessor accessor, ValueCategory category, SoqlLiteral literal)
    {
        var name = accessor.CanonicalPath;
        switch (category)
        {
            case ValueCategory.Text when literal.Kind == SoqlLiteralKind.String:
                return literal.Value;
            case ValueCategory.Id when literal.Kind == SoqlLiteralKind.String:
                var id = (string)literal.Value!;
                if (id.Length == 0)
                {
                    return null;
                }

                return SoqlIds.IsWellFormed(id)
                    ? SoqlIds.Normalize(id)
                    : throw SoqlErrors.At(SoqlErrors.InvalidQueryFilterOperator, source, literal.Position, $"invalid ID field: {id}");
            case ValueCategory.Text or ValueCategory.Id:
                throw SoqlErrors.At(SoqlErrors.InvalidField, source, literal.Position,
                    $"value of filter criterion for field '{name}' must be of type {(category == ValueCategory.Id ? "id" : "string")} and should be enclosed in quotes");
            case ValueCategory.Boolean when literal.Kind == SoqlLiteralKind.Boolean:
            case ValueCategory.Number when literal.Kind == SoqlLiteralKind.Number:
            case ValueCategory.Date when literal.Kind == SoqlLiteralKind.Date:
            case ValueCategory.DateTime when literal.Kind == SoqlLiteralKind.DateTime:
                return literal.Value;
            default:
                var typeName = category switch
                {
                    ValueCategory.Boolean => "boolean",
                    ValueCategory.Number when accessor.Field.Type == FieldType.Int => "integer",
                    ValueCategory.Number => "double",
                    ValueCategory.Date => "date",
                    _ => "dateTime",
                };
                throw SoqlErrors.At(SoqlErrors.InvalidField, source, literal.Position,
                    $"value of filter criterion for field '{name}' must be of type {typeName} and should not be enclosed in quotes");
        }
    }

    private static HashSet<string> SplitPicklist(string value) =>
        new(value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);

    public static ValueCategory Category(FieldType type) => type switch
    {
        FieldType.Id or FieldType.Reference => ValueCategory.Id,
        FieldType.Boolean => ValueCategory.Boolean,
        FieldType.Int or FieldType.Double or FieldType.Currency or FieldType.Percent => ValueCategory.Number,
        FieldType.Date => ValueCategory.Date,
        FieldType.DateTime => ValueCategory.DateTime,
        _ => ValueCategory.Text,
    };

    /// <summary>Orders two non-null stored values of one field; text compares case-insensitively, as SOQL does.</summary>
    public static int Compare(object left, object right, ValueCategory category) => (left, right) switch
    {
        (string a, string b) when category == ValueCategory.Id => CompareIds(a, b),
        (string a, string b) => string.Compare(a, b, StringComparison.OrdinalIgnoreCase),
        (decimal a, decimal b) => a.CompareTo(b),
        (bool a, bool b) => a.CompareTo(b),
        (DateOnly a, DateOnly b) => a.CompareTo(b),
        (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
        (DateTimeOffset a, DateOnly b) => a.CompareTo(new DateTimeOffset(b, TimeOnly.MinValue, TimeSpan.Zero)),
        (DateOnly a, DateTimeOffset b) => new DateTimeOffset(a, TimeOnly.MinValue, TimeSpan.Zero).CompareTo(b),
        _ => string.Compare(System.Convert.ToString(left, System.Globalization.CultureInfo.InvariantCulture),
            System.Convert.ToString(right, System.Globalization.CultureInfo.InvariantCulture), StringComparison.OrdinalIgnoreCase),
    };

    private static int CompareIds(string a, string b) =>
        a.Length >= 15 && b.Length >= 15 ? string.CompareOrdinal(a, 0, b, 0, 15) : string.CompareOrdinal(a, b);
}

internal enum ValueCategory
{
    Text,
    Id,
    Boolean,
    Number,
    Date,
    DateTime,
}
