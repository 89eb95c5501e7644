using System.Text.RegularExpressions;

namespace Forcelink.Emulator.Soql;

internal enum SoqlTokenKind
{
    Identifier,
    String,
    Number,
    Date,
    DateTime,
    Symbol,
    End,
}

/// <summary>A token; <c>Position</c> is the 0-based index of its first character in the source text.</summary>
internal readonly record struct SoqlToken(SoqlTokenKind Kind, string Text, int Position)
{
    public bool IsKeyword(string keyword) =>
        Kind == SoqlTokenKind.Identifier && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == SoqlTokenKind.Symbol && string.Equals(Text, symbol, StringComparison.Ordinal);
}

/// <summary>Splits SOQL text into tokens. String literals stay raw: their escapes depend on context (LIKE allows <c>\%</c> and <c>\_</c>).</summary>
internal static partial class SoqlLexer
{
    public static List<SoqlToken> Tokenize(string source, string errorCode, int start = 0, int end = -1)
    {
        if (end < 0)
        {
            end = source.Length;
        }

        var tokens = new List<SoqlToken>();
        var i = start;
        while (i < end)
        {
            var c = source[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c == '\'')
            {
                var j = i + 1;
                while (j < end && source[j] != '\'')
                {
                    j += source[j] == '\\' ? 2 : 1;
                }

                if (j >= end)
                {
                    throw SoqlErrors.At(errorCode, source, end, "mismatched character '<EOF>' expecting '''");
                }

                tokens.Add(new SoqlToken(SoqlTokenKind.String, source[i..(j + 1)], i));
                i = j + 1;
                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < end && (char.IsAsciiDigit(source[i + 1]) || source[i + 1] == '.')) || (c == '.' && i + 1 < end && char.IsAsciiDigit(source[i + 1])))
            {
                var dateTime = DateTimePattern().Match(source, i, end - i);
                if (char.IsAsciiDigit(c) && dateTime.Success && dateTime.Index == i)
                {
                    tokens.Add(new SoqlToken(SoqlTokenKind.DateTime, dateTime.Value, i));
                    i += dateTime.Length;
                    continue;
                }

                var date = DatePattern().Match(source, i, end - i);
                if (char.IsAsciiDigit(c) && date.Success && date.Index == i)
                {
                    tokens.Add(new SoqlToken(SoqlTokenKind.Date, date.Value, i));
                    i += date.Length;
                    continue;
                }

                var j = i + 1;
                while (j < end && (char.IsAsciiDigit(source[j]) || source[j] == '.'))
                {
                    j++;
                }

                tokens.Add(new SoqlToken(SoqlTokenKind.Number, source[i..j], i));
                i = j;
                continue;
            }

            if (char.IsAsciiLetter(c) || c == '_')
            {
                var j = i + 1;
                while (j < end && (char.IsAsciiLetterOrDigit(source[j]) || source[j] == '_' ||
                                   (source[j] == '.' && j + 1 < end && (char.IsAsciiLetter(source[j + 1]) || source[j + 1] == '_'))))
                {
                    j++;
                }

                tokens.Add(new SoqlToken(SoqlTokenKind.Identifier, source[i..j], i));
                i = j;
                continue;
            }

            var two = i + 1 < end ? source.Substring(i, 2) : string.Empty;
            if (two is "!=" or "<>" or "<=" or ">=")
            {
                tokens.Add(new SoqlToken(SoqlTokenKind.Symbol, two, i));
                i += 2;
                continue;
            }

            if (c is '(' or ')' or ',' or '=' or '<' or '>' or ':')
            {
                tokens.Add(new SoqlToken(SoqlTokenKind.Symbol, c.ToString(), i));
                i++;
                continue;
            }

            throw SoqlErrors.At(errorCode, source, i, $"unexpected token: '{c}'");
        }

        tokens.Add(new SoqlToken(SoqlTokenKind.End, string.Empty, end));
        return tokens;
    }

    [GeneratedRegex(@"\G\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})", RegexOptions.CultureInvariant)]
    private static partial Regex DateTimePattern();

    [GeneratedRegex(@"\G\d{4}-\d{2}-\d{2}(?![\d:T])", RegexOptions.CultureInvariant)]
    private static partial Regex DatePattern();
}
