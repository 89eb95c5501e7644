using System.Text;
using System.Text.Json;

namespace Forcelink.Emulator.Soql;

internal enum SoslScope
{
    All,
    Name,
    Email,
    Phone,
}

internal sealed record SoslReturning(
    string ObjectName,
    IReadOnlyList<SoqlPath> Fields,
    SoqlCondition? Where,
    IReadOnlyList<SoqlOrdering> OrderBy,
    int? Limit,
    int? Offset);

internal sealed record SoslQuery(string Source, SoslTerm Term, SoslScope Scope, IReadOnlyList<SoslReturning>? Returning, int? Limit);

/// <summary>Parses SOSL: the braced term by hand (its escapes differ from SOQL's), the clauses after it with the SOQL parser.</summary>
internal static class SoslParser
{
    private const string NoSearchTerm = "No search term found. The search term must be enclosed in braces.";

    public static SoslQuery Parse(string sosl)
    {
        var i = SkipWhitespace(sosl, 0);
        if (!(i + 4 <= sosl.Length && sosl.AsSpan(i, 4).Equals("FIND", StringComparison.OrdinalIgnoreCase)))
        {
            var end = i;
            while (end < sosl.Length && !char.IsWhiteSpace(sosl[end]) && sosl[end] != '{')
            {
                end++;
            }

            var first = new SoqlToken(end > i ? SoqlTokenKind.Identifier : SoqlTokenKind.End, sosl[i..end], i);
            throw SoqlErrors.UnexpectedToken(SoqlErrors.MalformedSearch, sosl, first);
        }

        i = SkipWhitespace(sosl, i + 4);
        if (i >= sosl.Length || sosl[i] != '{')
        {
            throw new SoqlException(SoqlErrors.MalformedSearch, NoSearchTerm);
        }

        var close = i + 1;
        while (close < sosl.Length && sosl[close] != '}')
        {
            close += sosl[close] == '\\' ? 2 : 1;
        }

        if (close >= sosl.Length)
        {
            throw new SoqlException(SoqlErrors.MalformedSearch, NoSearchTerm);
        }

        var term = SoslTerm.Parse(sosl[(i + 1)..close]);
        return ParseClauses(sosl, close + 1, term);
    }

    public static SoslQuery ParseClauses(string source, int start, SoslTerm term)
    {
        var parser = new SoqlParser(source, SoqlLexer.Tokenize(source, SoqlErrors.MalformedSearch, start), SoqlErrors.MalformedSearch);
        var scope = SoslScope.All;
        if (parser.TryKeyword("IN"))
        {
            var scopeToken = parser.Current;
            scope = ParseScope(scopeToken.Text) ?? throw parser.Unexpected();
            parser.Next();
            parser.ExpectKeyword("FIELDS");
        }

        List<SoslReturning>? returning = null;
        if (parser.TryKeyword("RETURNING"))
        {
            returning = [];
            do
            {
                var objectToken = parser.Current;
                if (objectToken.Kind != SoqlTokenKind.Identifier)
                {
                    throw parser.Unexpected();
                }

                parser.Next();
                if (!parser.TrySymbol("("))
                {
                    returning.Add(new SoslReturning(objectToken.Text, [], null, [], null, null));
                    continue;
                }

                var fields = parser.ParseFieldList();
                var where = parser.TryKeyword("WHERE") ? parser.ParseCondition() : null;
                var orderBy = parser.ParseOptionalOrderBy();
                var limit = parser.TryKeyword("LIMIT") ? parser.ParseInteger() : (int?)null;
                var offset = parser.TryKeyword("OFFSET") ? parser.ParseInteger() : (int?)null;
                parser.ExpectSymbol(")");
                returning.Add(new SoslReturning(objectToken.Text, fields, where, orderBy, limit, offset));
            }
            while (parser.TrySymbol(","));
        }

        if (parser.Current.IsKeyword("WITH"))
        {
            throw SoqlErrors.NotSupportedByEmulator(SoqlErrors.MalformedSearch, source, parser.Current.Position, "The WITH clause");
        }

        var overallLimit = parser.TryKeyword("LIMIT") ? parser.ParseInteger() : (int?)null;
        parser.ExpectEnd();
        return new SoslQuery(source, term, scope, returning, overallLimit);
    }

    public static SoslScope? ParseScope(string text) => text.ToUpperInvariant() switch
    {
        "ALL" => SoslScope.All,
        "NAME" => SoslScope.Name,
        "EMAIL" => SoslScope.Email,
        "PHONE" => SoslScope.Phone,
        _ => null,
    };

    private static int SkipWhitespace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>Rebuilds <c>/parameterizedSearch</c> parameters as the equivalent SOSL clauses, so both paths share one evaluator.</summary>
    public static SoslQuery FromParameters(IReadOnlyDictionary<string, string> parameters)
    {
        var p = new Dictionary<string, string>(parameters, StringComparer.OrdinalIgnoreCase);
        if (!p.TryGetValue("q", out var q) || string.IsNullOrWhiteSpace(q))
        {
            throw new SoqlException("MISSING_ARGUMENT", "q not specified");
        }

        var term = SoslTerm.Parse(q);
        var clauses = new StringBuilder();
        if (p.TryGetValue("in", out var scope))
        {
            if (ParseScope(scope.Trim()) is null)
            {
                throw new SoqlException(SoqlErrors.MalformedSearch, $"Invalid value for parameter 'in': {scope}. Use ALL, NAME, EMAIL or PHONE.");
            }

            clauses.Append("IN ").Append(scope.Trim()).Append(" FIELDS ");
        }

        var objects = p.TryGetValue("sobject", out var sobject)
            ? sobject.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        if (objects.Length > 0)
        {
            clauses.Append("RETURNING ");
            for (var k = 0; k < objects.Length; k++)
            {
                var name = objects[k];
                clauses.Append(k > 0 ? ", " : string.Empty).Append(name).Append('(')
                    .Append(p.TryGetValue(name + ".fields", out var fields) && !string.IsNullOrWhiteSpace(fields) ? fields : "Id");
                if (p.TryGetValue(name + ".where", out var where) && !string.IsNullOrWhiteSpace(where))
                {
                    clauses.Append(" WHERE ").Append(where);
                }

                if (p.TryGetValue(name + ".limit", out var limit) || p.TryGetValue("defaultLimit", out limit))
                {
                    clauses.Append(" LIMIT ").Append(limit);
                }

                clauses.Append(')');
            }
        }

        if (p.TryGetValue("overallLimit", out var overall))
        {
            clauses.Append(" LIMIT ").Append(overall);
        }

        return ParseClauses(clauses.ToString(), 0, term);
    }
}

/// <summary>The records a SOSL search found, in <c>RETURNING</c> order, each with its selected fields.</summary>
internal sealed class SoslSearchResult
{
    private readonly IReadOnlyList<(SoqlRecord Record, string TypeName, IReadOnlyList<SoqlProjectionNode> Columns)> _records;
    private readonly ISoqlCatalog _catalog;

    internal SoslSearchResult(IReadOnlyList<(SoqlRecord Record, string TypeName, IReadOnlyList<SoqlProjectionNode> Columns)> records, ISoqlCatalog catalog)
    {
        _records = records;
        _catalog = catalog;
    }

    public int Count => _records.Count;

    public void Write(Utf8JsonWriter writer, string apiVersion)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteStartArray("searchRecords");
        foreach (var (record, typeName, columns) in _records)
        {
            SoqlProjection.WriteRecord(writer, record, typeName, columns, apiVersion, _catalog);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
