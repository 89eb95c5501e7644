using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Forcelink.Emulator.Soql;

/// <summary>
/// Recursive-descent parser for SOQL, also used for the SOQL-shaped clauses inside SOSL <c>RETURNING</c>
/// (hence the error code is a parameter: MALFORMED_QUERY or MALFORMED_SEARCH).
/// </summary>
internal sealed class SoqlParser(string source, List<SoqlToken> tokens, string errorCode)
{
    private static readonly HashSet<string> ClauseKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "WHERE", "ORDER", "LIMIT", "OFFSET", "GROUP", "HAVING", "FOR", "WITH", "USING", "UPDATE",
    };

    private static readonly HashSet<string> AggregateFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "COUNT", "COUNT_DISTINCT", "SUM", "AVG", "MIN", "MAX",
    };

    /// <summary>How deeply NOT and parentheses may nest in a condition; far beyond any real query.</summary>
    public const int MaxConditionDepth = 100;

    private int _index;
    private int _depth;

    public SoqlToken Current => tokens[_index];

    public static SoqlSelect ParseQuery(string soql)
    {
        var parser = new SoqlParser(soql, SoqlLexer.Tokenize(soql, SoqlErrors.MalformedQuery), SoqlErrors.MalformedQuery);
        return parser.ParseSelect();
    }

    public SoqlToken Next() => tokens[_index++];

    public bool TryKeyword(string keyword)
    {
        if (!Current.IsKeyword(keyword))
        {
            return false;
        }

        _index++;
        return true;
    }

    public bool TrySymbol(string symbol)
    {
        if (!Current.IsSymbol(symbol))
        {
            return false;
        }

        _index++;
        return true;
    }

    public void ExpectKeyword(string keyword)
    {
        if (!TryKeyword(keyword))
        {
            throw Unexpected();
        }
    }

    public void ExpectSymbol(string symbol)
    {
        if (!TrySymbol(symbol))
        {
            throw Unexpected();
        }
    }

    public SoqlException Unexpected() => SoqlErrors.UnexpectedToken(errorCode, source, Current);

    public void ExpectEnd()
    {
        if (Current.Kind != SoqlTokenKind.End)
        {
            throw Unexpected();
        }
    }

    private SoqlSelect ParseSelect()
    {
        ExpectKeyword("SELECT");
        var isCount = false;
        List<SoqlSelectItem> items = [];
        if (Current.IsKeyword("COUNT") && tokens[_index + 1].IsSymbol("(") && tokens[_index + 2].IsSymbol(")"))
        {
            _index += 3;
            isCount = true;
        }
        else
        {
            items = ParseSelectItems();
        }

        ExpectKeyword("FROM");
        if (Current.Kind != SoqlTokenKind.Identifier || Current.Text.Contains('.', StringComparison.Ordinal))
        {
            throw Unexpected();
        }

        var objectToken = Next();
        string? alias = null;
        if (Current.Kind == SoqlTokenKind.Identifier && !ClauseKeywords.Contains(Current.Text) && !Current.Text.Contains('.', StringComparison.Ordinal))
        {
            alias = Next().Text;
        }

        if (Current.IsKeyword("USING") || Current.IsKeyword("WITH"))
        {
            throw SoqlErrors.NotSupportedByEmulator(errorCode, source, Current.Position, Current.Text.ToUpperInvariant() + " clause");
        }

        var where = TryKeyword("WHERE") ? ParseCondition() : null;
        List<SoqlPath> groupBy = [];
        if (TryKeyword("GROUP"))
        {
            ExpectKeyword("BY");
            if (Current.Kind == SoqlTokenKind.Identifier && tokens[_index + 1].IsSymbol("("))
            {
                throw SoqlErrors.NotSupportedByEmulator(errorCode, source, Current.Position, $"GROUP BY {Current.Text.ToUpperInvariant()}()");
            }

            do
            {
                groupBy.Add(ParsePath());
            }
            while (TrySymbol(","));
        }

        if (Current.IsKeyword("HAVING"))
        {
            throw SoqlErrors.NotSupportedByEmulator(errorCode, source, Current.Position, "HAVING");
        }

        var orderBy = ParseOptionalOrderBy();
        var limit = TryKeyword("LIMIT") ? ParseInteger() : (int?)null;
        var offset = TryKeyword("OFFSET") ? ParseInteger() : (int?)null;
        if (Current.IsKeyword("FOR"))
        {
            var forToken = Next();
            if (TryKeyword("VIEW") || TryKeyword("REFERENCE"))
            {
                // Salesforce only updates "last viewed" bookkeeping for these; nothing to emulate.
            }
            else if (Current.IsKeyword("UPDATE"))
            {
                // Row locks exist only inside Apex transactions; over the API Salesforce refuses the clause.
                throw SoqlErrors.At(errorCode, source, forToken.Position, "FOR UPDATE is not allowed in this context");
            }
            else
            {
                throw Unexpected();
            }
        }

        ExpectEnd();
        return new SoqlSelect(items, isCount, objectToken.Text, objectToken.Position, alias, where, groupBy, orderBy, limit, offset);
    }

    private List<SoqlSelectItem> ParseSelectItems()
    {
        List<SoqlSelectItem> items = [];
        do
        {
            if (Current.Kind == SoqlTokenKind.Identifier && AggregateFunctions.Contains(Current.Text) && tokens[_index + 1].IsSymbol("("))
            {
                var aggregate = ParseAggregate();
                string? alias = null;
                if (Current.Kind == SoqlTokenKind.Identifier && !Current.IsKeyword("FROM") && !Current.Text.Contains('.', StringComparison.Ordinal))
                {
                    alias = Next().Text;
                }

                items.Add(new SoqlSelectItem(null, aggregate with { Alias = alias }));
                continue;
            }

            if (Current.IsSymbol("(") && tokens[_index + 1].IsKeyword("SELECT") && errorCode == SoqlErrors.MalformedQuery)
            {
                items.Add(new SoqlSelectItem(null, null, ParseSubquery()));
                continue;
            }

            items.AddRange(ParseFieldList(single: true).Select(p => new SoqlSelectItem(p, null)));
        }
        while (TrySymbol(","));

        return items;
    }

    private SoqlSubquery ParseSubquery()
    {
        ExpectSymbol("(");
        ExpectKeyword("SELECT");
        List<SoqlPath> fields = [];
        do
        {
            if (Current.IsSymbol("(") && tokens[_index + 1].IsKeyword("SELECT"))
            {
                throw SoqlErrors.NotSupportedByEmulator(errorCode, source, Current.Position, "A subquery inside a subquery");
            }

            fields.AddRange(ParseFieldList(single: true));
        }
        while (TrySymbol(","));

        ExpectKeyword("FROM");
        if (Current.Kind != SoqlTokenKind.Identifier || Current.Text.Contains('.', StringComparison.Ordinal))
        {
            throw Unexpected();
        }

        var relationship = Next();
        string? alias = null;
        if (Current.Kind == SoqlTokenKind.Identifier && !ClauseKeywords.Contains(Current.Text) && !Current.Text.Contains('.', StringComparison.Ordinal))
        {
            alias = Next().Text;
        }

        var where = TryKeyword("WHERE") ? ParseCondition() : null;
        var orderBy = ParseOptionalOrderBy();
        var limit = TryKeyword("LIMIT") ? ParseInteger() : (int?)null;
        ExpectSymbol(")");
        return new SoqlSubquery(fields, relationship.Text, relationship.Position, alias, where, orderBy, limit);
    }

    private SoqlAggregate ParseAggregate()
    {
        var name = Next();
        ExpectSymbol("(");
        var field = ParsePath();
        ExpectSymbol(")");
        return new SoqlAggregate(name.Text.ToUpperInvariant(), field, null, name.Position);
    }

    public List<SoqlPath> ParseFieldList(bool single = false)
    {
        List<SoqlPath> fields = [];
        do
        {
            if (Current.IsSymbol("("))
            {
                throw SoqlErrors.NotSupportedByEmulator(errorCode, source, Current.Position, "A child-relationship subquery");
            }

            if (Current.IsKeyword("TYPEOF"))
            {
                throw SoqlErrors.NotSupportedByEmulator(errorCode, source, Current.Position, "TYPEOF");
            }

            if (Current.Kind == SoqlTokenKind.Identifier && tokens[_index + 1].IsSymbol("("))
            {
                throw SoqlErrors.NotSupportedByEmulator(errorCode, source, Current.Position, $"The function {Current.Text.ToUpperInvariant()}()");
            }

            fields.Add(ParsePath());
        }
        while (!single && TrySymbol(","));

        return fields;
    }

    public SoqlPath ParsePath()
    {
        if (Current.Kind != SoqlTokenKind.Identifier || ClauseKeywords.Contains(Current.Text) || Current.IsKeyword("FROM"))
        {
            throw Unexpected();
        }

        var token = Next();
        return new SoqlPath(token.Text.Split('.'), token.Position);
    }

    public int ParseInteger()
    {
        if (Current.Kind != SoqlTokenKind.Number || !int.TryParse(Current.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw Unexpected();
        }

        _index++;
        return value;
    }

    public List<SoqlOrdering> ParseOptionalOrderBy()
    {
        List<SoqlOrdering> orderBy = [];
        if (!TryKeyword("ORDER"))
        {
            return orderBy;
        }

        ExpectKeyword("BY");
        do
        {
            var aggregate = Current.Kind == SoqlTokenKind.Identifier && AggregateFunctions.Contains(Current.Text) && tokens[_index + 1].IsSymbol("(")
                ? ParseAggregate()
                : null;
            var path = aggregate?.Field ?? ParsePath();
            var descending = TryKeyword("DESC");
            if (!descending)
            {
                TryKeyword("ASC");
            }

            var nullsFirst = !descending;
            if (TryKeyword("NULLS"))
            {
                if (TryKeyword("FIRST"))
                {
                    nullsFirst = true;
                }
                else
                {
                    ExpectKeyword("LAST");
                    nullsFirst = false;
                }
            }

            orderBy.Add(new SoqlOrdering(path, descending, nullsFirst, aggregate));
        }
        while (TrySymbol(","));

        return orderBy;
    }

    public SoqlCondition ParseCondition()
    {
        var first = ParseUnary();
        if (!Current.IsKeyword("AND") && !Current.IsKeyword("OR"))
        {
            return first;
        }

        // Salesforce refuses AND and OR side by side without parentheses rather than picking a precedence.
        var isAnd = Current.IsKeyword("AND");
        List<SoqlCondition> operands = [first];
        while (Current.IsKeyword("AND") || Current.IsKeyword("OR"))
        {
            if (Current.IsKeyword("AND") != isAnd)
            {
                throw Unexpected();
            }

            _index++;
            operands.Add(ParseUnary());
        }

        return isAnd ? new SoqlAnd(operands) : new SoqlOr(operands);
    }

    private SoqlCondition ParseUnary()
    {
        if (!Current.IsKeyword("NOT") && !Current.IsSymbol("("))
        {
            return ParseSimpleCondition();
        }

        // Each level costs stack frames here, in the binder and in evaluation; unbounded, a long run of NOT or "("
        // in one request overflowed the stack and took the whole process down.
        if (_depth == MaxConditionDepth)
        {
            throw SoqlErrors.TooDeeplyNested(errorCode, source, Current.Position, MaxConditionDepth);
        }

        _depth++;
        try
        {
            if (TryKeyword("NOT"))
            {
                return new SoqlNot(ParseUnary());
            }

            ExpectSymbol("(");
            var inner = ParseCondition();
            ExpectSymbol(")");
            return inner;
        }
        finally
        {
            _depth--;
        }
    }

    private SoqlCondition ParseSimpleCondition()
    {
        var field = ParsePath();
        if (Current.IsKeyword("NOT") && tokens[_index + 1].IsKeyword("IN"))
        {
            _index += 2;
            return new SoqlIn(field, true, ParseValueList());
        }

        if (TryKeyword("IN"))
        {
            return new SoqlIn(field, false, ParseValueList());
        }

        if (Current.IsKeyword("LIKE"))
        {
            var likeToken = Next();
            if (Current.Kind != SoqlTokenKind.String)
            {
                throw Unexpected();
            }

            return new SoqlLike(field, ParseLikePattern(Next()), likeToken.Position);
        }

        if (Current.IsKeyword("INCLUDES") || Current.IsKeyword("EXCLUDES"))
        {
            var keyword = Next();
            return new SoqlIncludes(field, keyword.IsKeyword("EXCLUDES"), ParseValueList(), keyword.Position);
        }

        SoqlOperator op;
        switch (Current.Kind == SoqlTokenKind.Symbol ? Current.Text : string.Empty)
        {
            case "=": op = SoqlOperator.Equal; break;
            case "!=":
            case "<>": op = SoqlOperator.NotEqual; break;
            case "<": op = SoqlOperator.Less; break;
            case "<=": op = SoqlOperator.LessOrEqual; break;
            case ">": op = SoqlOperator.Greater; break;
            case ">=": op = SoqlOperator.GreaterOrEqual; break;
            default: throw Unexpected();
        }

        _index++;
        return new SoqlComparison(field, op, ParseValue());
    }

    private List<SoqlLiteral> ParseValueList()
    {
        ExpectSymbol("(");
        if (Current.IsKeyword("SELECT"))
        {
            throw SoqlErrors.NotSupportedByEmulator(errorCode, source, Current.Position, "A semi-join subquery");
        }

        List<SoqlLiteral> values = [];
        do
        {
            values.Add(ParseValue());
        }
        while (TrySymbol(","));

        ExpectSymbol(")");
        return values;
    }

    private SoqlLiteral ParseValue()
    {
        var token = Current;
        switch (token.Kind)
        {
            case SoqlTokenKind.String:
                _index++;
                return new SoqlLiteral(SoqlLiteralKind.String, DecodeString(token), token.Position);
            case SoqlTokenKind.Number when decimal.TryParse(token.Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number):
                _index++;
                return new SoqlLiteral(SoqlLiteralKind.Number, number, token.Position);
            case SoqlTokenKind.Date when DateOnly.TryParseExact(token.Text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date):
                _index++;
                return new SoqlLiteral(SoqlLiteralKind.Date, date, token.Position);
            case SoqlTokenKind.DateTime when TryParseDateTime(token.Text, out var dateTime):
                _index++;
                return new SoqlLiteral(SoqlLiteralKind.DateTime, dateTime, token.Position);
            case SoqlTokenKind.Identifier when token.IsKeyword("null"):
                _index++;
                return new SoqlLiteral(SoqlLiteralKind.Null, null, token.Position);
            case SoqlTokenKind.Identifier when token.IsKeyword("true") || token.IsKeyword("false"):
                _index++;
                return new SoqlLiteral(SoqlLiteralKind.Boolean, token.IsKeyword("true"), token.Position);
            case SoqlTokenKind.Identifier when SoqlRelativeDate.IsName(token.Text):
                _index++;
                int? n = null;
                if (SoqlRelativeDate.TakesArgument(token.Text))
                {
                    ExpectSymbol(":");
                    n = ParseInteger();
                }

                return new SoqlLiteral(SoqlLiteralKind.RelativeDate, new SoqlRelativeDate(token.Text.ToUpperInvariant(), n), token.Position);
            default:
                throw Unexpected();
        }
    }

    private static bool TryParseDateTime(string text, out DateTimeOffset value)
    {
        string[] formats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFK"];
        var ok = DateTimeOffset.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
        value = value.ToUniversalTime();
        return ok;
    }

    private string DecodeString(SoqlToken token)
    {
        var builder = new StringBuilder(token.Text.Length);
        Decode(token, like: false, (c, _) => builder.Append(c));
        return builder.ToString();
    }

    private Regex ParseLikePattern(SoqlToken token)
    {
        var pattern = new StringBuilder("^");
        Decode(token, like: true, (c, escaped) => pattern.Append(
            escaped ? Regex.Escape(c.ToString())
            : c == '%' ? ".*"
            : c == '_' ? "."
            : Regex.Escape(c.ToString())));
        pattern.Append('$');
        return new Regex(pattern.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking);
    }

    /// <summary>Applies the escape rules of SOQL string literals; <paramref name="emit"/> gets each character and whether it came from <c>\%</c> or <c>\_</c>.</summary>
    private void Decode(SoqlToken token, bool like, Action<char, bool> emit)
    {
        var text = token.Text;
        for (var i = 1; i < text.Length - 1; i++)
        {
            var c = text[i];
            if (c != '\\')
            {
                emit(c, false);
                continue;
            }

            var e = text[++i];
            switch (e)
            {
                case 'n' or 'N': emit('\n', false); break;
                case 'r' or 'R': emit('\r', false); break;
                case 't' or 'T': emit('\t', false); break;
                case 'b' or 'B': emit('\b', false); break;
                case 'f' or 'F': emit('\f', false); break;
                case '"' or '\'' or '\\': emit(e, true); break;
                case '%' or '_' when like: emit(e, true); break;
                case 'u' when i + 4 < text.Length - 1 && int.TryParse(text.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    emit((char)code, true);
                    i += 4;
                    break;
                default:
                    throw SoqlErrors.At(errorCode, source, token.Position,
                        $"Invalid string literal {text}. Illegal character sequence '\\{e}' in string literal.");
            }
        }
    }
}
