using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Forcelink.Soql;

/// <summary>Writes values as SOQL literals, by type. The only place where a value becomes query text.</summary>
internal static class SoqlLiteral
{
    private const string DateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    // Every character AppendEscaped rewrites: backslash, quotes and control characters; in LIKE also % and _.
    private static readonly SearchValues<char> Escaped = SearchValues.Create("\\'\"\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");
    private static readonly SearchValues<char> EscapedInLike = SearchValues.Create("\\'\"\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f%_");

    /// <summary>Appends <paramref name="value"/> as a literal to text built elsewhere (the operations' generated queries).</summary>
    public static void Append(StringBuilder builder, object? value)
    {
        var text = new DefaultInterpolatedStringHandler(0, 1, CultureInfo.InvariantCulture);
        Append(ref text, value);
        builder.Append(text.ToStringAndClear());
    }

    // Generic so that numbers and dates are matched and formatted without boxing (the JIT drops the other cases per type).
    public static void Append<T>(ref DefaultInterpolatedStringHandler text, T value)
    {
        switch (value)
        {
            case null:
                text.AppendLiteral("null");
                break;
            case string s:
                AppendString(ref text, s, like: false);
                break;
            case char c:
                AppendString(ref text, new ReadOnlySpan<char>(in c), like: false);
                break;
            case SoqlLike like:
                AppendLike(ref text, like);
                break;
            case SoqlIdentifier identifier:
                text.AppendLiteral(identifier.Name);
                break;
            case SoqlIdentifierList identifiers:
                for (var i = 0; i < identifiers.Names.Count; i++)
                {
                    if (i > 0)
                    {
                        text.AppendLiteral(", ");
                    }

                    text.AppendLiteral(identifiers.Names[i]);
                }

                break;
            case bool b:
                text.AppendLiteral(b ? "true" : "false");
                break;
            case int i:
                text.AppendFormatted(i);
                break;
            case long l:
                text.AppendFormatted(l);
                break;
            case short s:
                text.AppendFormatted(s);
                break;
            case byte b:
                text.AppendFormatted(b);
                break;
            case sbyte b:
                text.AppendFormatted(b);
                break;
            case uint i:
                text.AppendFormatted(i);
                break;
            case ulong l:
                text.AppendFormatted(l);
                break;
            case ushort s:
                text.AppendFormatted(s);
                break;
            case decimal d:
                text.AppendFormatted(d);
                break;
            case double d:
                AppendFloating(ref text, d);
                break;
            case float f:
                AppendFloating(ref text, f);
                break;
            case DateOnly date:
                text.AppendFormatted(date, "yyyy-MM-dd");
                break;
            case DateTimeOffset dateTime:
                text.AppendFormatted(dateTime.UtcDateTime, DateTimeFormat);
                break;
            case DateTime dateTime:
                if (dateTime.Kind == DateTimeKind.Unspecified)
                {
                    throw new ArgumentException(
                        $"The DateTime {dateTime:O} has no time zone (Kind is Unspecified), so its instant is unknown: pass a DateTimeOffset or a UTC DateTime.");
                }

                text.AppendFormatted(dateTime.ToUniversalTime(), DateTimeFormat);
                break;
            case Guid guid:
                // A Guid's text is hex digits and hyphens: nothing to escape.
                text.AppendLiteral("'");
                text.AppendFormatted(guid);
                text.AppendLiteral("'");
                break;
            case IList items:
                AppendList(ref text, items);
                break;
            case IEnumerable items:
                AppendList(ref text, items);
                break;
            default:
                throw new ArgumentException(
                    $"A value of type {value.GetType().Name} cannot be bound in SOQL: pass a string, number, bool, DateOnly, DateTimeOffset, null, " +
                    "a list of those (for IN), SoqlLike (for LIKE) or SoqlIdentifier (for a field or object name).");
        }
    }

    public static string Format(SoqlLike like)
    {
        var text = new DefaultInterpolatedStringHandler(0, 1, CultureInfo.InvariantCulture);
        AppendLike(ref text, like);
        return text.ToStringAndClear();
    }

    private static void AppendLike(ref DefaultInterpolatedStringHandler text, SoqlLike like)
    {
        text.AppendLiteral(like.AnyBefore ? "'%" : "'");
        AppendEscaped(ref text, like.Text ?? "", EscapedInLike);
        text.AppendLiteral(like.AnyAfter ? "%'" : "'");
    }

    private static void AppendString(ref DefaultInterpolatedStringHandler text, scoped ReadOnlySpan<char> value, bool like)
    {
        text.AppendLiteral("'");
        AppendEscaped(ref text, value, like ? EscapedInLike : Escaped);
        text.AppendLiteral("'");
    }

    /// <summary>Escapes per the SOQL reference: backslash, quotes and control characters; in LIKE also <c>%</c> and <c>_</c>.
    /// Runs of characters that need no escape are copied whole.</summary>
    private static void AppendEscaped(ref DefaultInterpolatedStringHandler text, scoped ReadOnlySpan<char> value, SearchValues<char> escaped)
    {
        while (!value.IsEmpty)
        {
            var next = value.IndexOfAny(escaped);
            if (next < 0)
            {
                text.AppendFormatted(value);
                return;
            }

            text.AppendFormatted(value[..next]);
            var c = value[next];
            switch (c)
            {
                case '\\': text.AppendLiteral(@"\\"); break;
                case '\'': text.AppendLiteral(@"\'"); break;
                case '"': text.AppendLiteral("\\\""); break;
                case '\n': text.AppendLiteral(@"\n"); break;
                case '\r': text.AppendLiteral(@"\r"); break;
                case '\t': text.AppendLiteral(@"\t"); break;
                case '\b': text.AppendLiteral(@"\b"); break;
                case '\f': text.AppendLiteral(@"\f"); break;
                case '%': text.AppendLiteral(@"\%"); break;
                case '_': text.AppendLiteral(@"\_"); break;
                default:
                    text.AppendLiteral(@"\u");
                    text.AppendFormatted((int)c, "x4");
                    break;
            }

            value = value[(next + 1)..];
        }
    }

    private static void AppendFloating(ref DefaultInterpolatedStringHandler text, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"SOQL has no literal for {value}: bind a finite number.");
        }

        text.AppendFormatted(value, "R");
    }

    private static void AppendList(ref DefaultInterpolatedStringHandler text, IList items)
    {
        // Indexed, so an array or list is read without an enumerator.
        if (items.Count == 0)
        {
            throw EmptyList();
        }

        text.AppendLiteral("(");
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                text.AppendLiteral(", ");
            }

            AppendItem(ref text, items[i]);
        }

        text.AppendLiteral(")");
    }

    private static void AppendList(ref DefaultInterpolatedStringHandler text, IEnumerable items)
    {
        text.AppendLiteral("(");
        var count = 0;
        foreach (var item in items)
        {
            if (count++ > 0)
            {
                text.AppendLiteral(", ");
            }

            AppendItem(ref text, item);
        }

        if (count == 0)
        {
            throw EmptyList();
        }

        text.AppendLiteral(")");
    }

    private static void AppendItem(ref DefaultInterpolatedStringHandler text, object? item)
    {
        if (item is IEnumerable and not string)
        {
            throw new ArgumentException("A list bound in SOQL cannot contain lists: bind a flat list of values for IN.");
        }

        Append(ref text, item);
    }

    private static ArgumentException EmptyList() =>
        new("An empty list cannot be bound for IN: SOQL has no empty list literal. Skip the query or the condition when there are no values.");
}
