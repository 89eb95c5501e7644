using System.Text;
using System.Text.RegularExpressions;

namespace Forcelink.Emulator.Soql;

/// <summary>
/// The search expression between SOSL braces: words and quoted phrases combined with AND (also implicit between
/// words), OR, AND NOT and parentheses. Words match whole tokens of text, case-insensitively, with <c>*</c> and <c>?</c> wildcards.
/// </summary>
internal abstract class SoslTerm
{
    private const string ReservedCharacters = "?&|!{}[]()^~*:\\\"'+-";

    /// <summary>How deeply parentheses may nest in a search term; each level is a few stack frames.</summary>
    public const int MaxParenthesesDepth = 100;

    public abstract bool Matches(IReadOnlyList<string[]> fieldTokens);

    /// <summary>Splits text into the lowercase word tokens both records and terms are compared by.</summary>
    public static string[] Tokenize(string text, bool keepWildcards = false)
    {
        List<string> tokens = [];
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || (keepWildcards && c is '*' or '?'))
            {
                current.Append(char.ToLowerInvariant(c));
            }
            else if (current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return [.. tokens];
    }

    public static SoslTerm Parse(string term)
    {
        if (term.Count(char.IsLetterOrDigit) < 2)
        {
            throw new SoqlException(SoqlErrors.MalformedSearch, "search term must be longer than one character");
        }

        var tokens = Lex(term);
        var index = 0;
        var result = ParseOr(tokens, ref index, 0);
        if (index < tokens.Count)
        {
            throw new SoqlException(SoqlErrors.MalformedSearch, $"unexpected token in search term: '{tokens[index].Text}'");
        }

        return result;
    }

    private readonly record struct TermToken(string Text, bool IsPhrase, bool IsOperatorCandidate);

    private static List<TermToken> Lex(string term)
    {
        List<TermToken> tokens = [];
        var word = new StringBuilder();
        var hadEscape = false;

        void Flush()
        {
            if (word.Length > 0)
            {
                tokens.Add(new TermToken(word.ToString(), false, !hadEscape));
                word.Clear();
            }

            hadEscape = false;
        }

        for (var i = 0; i < term.Length; i++)
        {
            var c = term[i];
            if (c == '\\')
            {
                if (i + 1 >= term.Length || !ReservedCharacters.Contains(term[i + 1], StringComparison.Ordinal))
                {
                    throw new SoqlException(SoqlErrors.MalformedSearch,
                        $"Invalid escape sequence in search term: '\\{(i + 1 < term.Length ? term[i + 1] : ' ')}'. Only reserved characters (? & | ! {{ }} [ ] ( ) ^ ~ * : \\ \" ' + -) may be escaped.");
                }

                // An escaped reserved character is literal text; as punctuation it only separates words.
                word.Append(' ');
                hadEscape = true;
                i++;
            }
            else if (char.IsWhiteSpace(c))
            {
                Flush();
            }
            else if (c is '(' or ')')
            {
                Flush();
                tokens.Add(new TermToken(c.ToString(), false, true));
            }
            else if (c == '"')
            {
                Flush();
                var phrase = new StringBuilder();
                var j = i + 1;
                for (; j < term.Length && term[j] != '"'; j++)
                {
                    if (term[j] == '\\' && j + 1 < term.Length)
                    {
                        phrase.Append(' ');
                        j++;
                        continue;
                    }

                    phrase.Append(term[j]);
                }

                if (j >= term.Length)
                {
                    throw new SoqlException(SoqlErrors.MalformedSearch, "Unmatched quotation mark in search term.");
                }

                tokens.Add(new TermToken(phrase.ToString(), true, false));
                i = j;
            }
            else
            {
                word.Append(c);
            }
        }

        Flush();
        return tokens;
    }

    private static bool IsOperator(List<TermToken> tokens, int index, string op) =>
        index < tokens.Count && tokens[index].IsOperatorCandidate && string.Equals(tokens[index].Text, op, StringComparison.OrdinalIgnoreCase);

    private static SoslTerm ParseOr(List<TermToken> tokens, ref int index, int depth)
    {
        List<SoslTerm> alternatives = [ParseAnd(tokens, ref index, depth)];
        while (IsOperator(tokens, index, "OR"))
        {
            index++;
            alternatives.Add(ParseAnd(tokens, ref index, depth));
        }

        return alternatives.Count == 1 ? alternatives[0] : new AnyOf(alternatives);
    }

    /// <summary>
    /// A run of AND and AND NOT operands becomes one flat node: a left-deep tree as long as the term would make
    /// matching recurse once per word.
    /// </summary>
    private static SoslTerm ParseAnd(List<TermToken> tokens, ref int index, int depth)
    {
        List<SoslTerm> required = [ParsePrimary(tokens, ref index, depth)];
        List<SoslTerm> excluded = [];
        while (index < tokens.Count && !IsOperator(tokens, index, "OR") && !IsOperator(tokens, index, ")"))
        {
            if (IsOperator(tokens, index, "AND") && IsOperator(tokens, index + 1, "NOT"))
            {
                index += 2;
                excluded.Add(ParsePrimary(tokens, ref index, depth));
                continue;
            }

            if (IsOperator(tokens, index, "AND"))
            {
                index++;
            }

            required.Add(ParsePrimary(tokens, ref index, depth));
        }

        return required.Count == 1 && excluded.Count == 0 ? required[0] : new AllOf(required, excluded);
    }

    private static SoslTerm ParsePrimary(List<TermToken> tokens, ref int index, int depth)
    {
        if (index >= tokens.Count)
        {
            throw new SoqlException(SoqlErrors.MalformedSearch, "search term ends where a word was expected");
        }

        var token = tokens[index++];
        if (token.IsOperatorCandidate && token.Text == "(")
        {
            if (depth == MaxParenthesesDepth)
            {
                throw new SoqlException(SoqlErrors.MalformedSearch,
                    $"Parentheses are nested too deeply in search term: at most {MaxParenthesesDepth} levels in the Forcelink emulator.");
            }

            var inner = ParseOr(tokens, ref index, depth + 1);
            if (!IsOperator(tokens, index, ")"))
            {
                throw new SoqlException(SoqlErrors.MalformedSearch, "Unmatched parenthesis in search term.");
            }

            index++;
            return inner;
        }

        if (token.IsOperatorCandidate && (token.Text == ")" || IsOperator(tokens, index - 1, "AND") || IsOperator(tokens, index - 1, "OR") || IsOperator(tokens, index - 1, "NOT")))
        {
            throw new SoqlException(SoqlErrors.MalformedSearch, $"unexpected token in search term: '{token.Text}'");
        }

        var words = Tokenize(token.Text, keepWildcards: true).Where(w => w.Any(char.IsLetterOrDigit)).ToArray();
        return words.Length == 0 ? new Nothing() : new Sequence([.. words.Select(WordPattern.Create)]);
    }

    private sealed class WordPattern(string literal, Regex? wildcard)
    {
        public static WordPattern Create(string word) =>
            word.Contains('*', StringComparison.Ordinal) || word.Contains('?', StringComparison.Ordinal)
                ? new WordPattern(word, new Regex(
                    "^" + Regex.Escape(word).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
                    RegexOptions.CultureInvariant | RegexOptions.NonBacktracking))
                : new WordPattern(word, null);

        public bool Matches(string token) => wildcard?.IsMatch(token) ?? string.Equals(literal, token, StringComparison.Ordinal);
    }

    /// <summary>One word, or a phrase: words that must appear consecutively in a single field.</summary>
    private sealed class Sequence(WordPattern[] words) : SoslTerm
    {
        public override bool Matches(IReadOnlyList<string[]> fieldTokens)
        {
            foreach (var tokens in fieldTokens)
            {
                for (var start = 0; start + words.Length <= tokens.Length; start++)
                {
                    var all = true;
                    for (var k = 0; k < words.Length && all; k++)
                    {
                        all = words[k].Matches(tokens[start + k]);
                    }

                    if (all)
                    {
                        return true;
                    }
                }
            }

            return false;
        }
    }

    private sealed class Nothing : SoslTerm
    {
        public override bool Matches(IReadOnlyList<string[]> fieldTokens) => false;
    }

    private sealed class AllOf(List<SoslTerm> required, List<SoslTerm> excluded) : SoslTerm
    {
        public override bool Matches(IReadOnlyList<string[]> fieldTokens) =>
            required.TrueForAll(t => t.Matches(fieldTokens)) && !excluded.Exists(t => t.Matches(fieldTokens));
    }

    private sealed class AnyOf(List<SoslTerm> alternatives) : SoslTerm
    {
        public override bool Matches(IReadOnlyList<string[]> fieldTokens) => alternatives.Exists(t => t.Matches(fieldTokens));
    }
}
