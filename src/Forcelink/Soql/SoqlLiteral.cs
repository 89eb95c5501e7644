using System.Collections;
using System.Globalization;
using System.Text;

namespace Forcelink.Soql;

/// <summary>Writes values as SOQL literals, by type. The only place where a value becomes query text.</summary>
internal static class SoqlLiteral
{
    public static void Append(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case string s:
                AppendString(builder, s, like: false);
                break;
            case char c:
                AppendString(builder, c.ToString(), like: false);
                break;
            case SoqlLike like:
                AppendLike(builder, like);
                break;
            case SoqlIdentifier identifier:
                builder.Append(identifier.Name);
                break;
            case SoqlIdentifierList identifiers:
                builder.AppendJoin(", ", identifiers.Names);
                break;
            case bool b:
                builder.Append(b ? "true" : "false");
                break;
            case int or long or short or byte or sbyte or uint or ulong or ushort or decimal:
                builder.Append(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture));
                break;
            case double d:
                AppendFloating(builder, d);
                break;
            case float f:
                AppendFloating(builder, f);
                break;
            case DateOnly date:
                builder.Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset dateTime:
                builder.Append(dateTime.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                break;
            case DateTime dateTime:
                if (dateTime.Kind == DateTimeKind.Unspecified)
                {
                    throw new ArgumentException(
                        $"The DateTime {dateTime:O} has no time zone (Kind is Unspecified), so its instant is unknown: pass a DateTimeOffset or a UTC DateTime.");
                }

                builder.Append(dateTime.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                break;
            case Guid guid:
                AppendString(builder, guid.ToString(), like: false);
                break;
            case IEnumerable items:
                AppendList(builder, items);
                break;
            default:
                throw new ArgumentException(
                    $"A value of type {value.GetType().Name} cannot be bound in SOQL: pass a string, number, bool, DateOnly, DateTimeOffset, null, " +
                    "a list of those (for IN), SoqlLike (for LIKE) or SoqlIdentifier (for a field or object name).");
        }
    }

    public static void AppendLike(StringBuilder builder, SoqlLike like)
    {
        var start = builder.Length;
        AppendString(builder, like.Text ?? "", like: true);
        if (like.AnyBefore)
        {
            builder.Insert(start + 1, '%');
        }

        if (like.AnyAfter)
        {
            builder.Insert(builder.Length - 1, '%');
        }
    }

    /// <summary>Escapes per the SOQL reference: backslash, quotes and control characters; in LIKE also <c>%</c> and <c>_</c>.</summary>
    public static void AppendString(StringBuilder builder, string value, bool like)
    {
        builder.Append('\'');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '\'': builder.Append(@"\'"); break;
                case '"': builder.Append("\\\""); break;
                case '\n': builder.Append(@"\n"); break;
                case '\r': builder.Append(@"\r"); break;
                case '\t': builder.Append(@"\t"); break;
                case '\b': builder.Append(@"\b"); break;
                case '\f': builder.Append(@"\f"); break;
                case '%' when like: builder.Append(@"\%"); break;
                case '_' when like: builder.Append(@"\_"); break;
                case < ' ': builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
                default: builder.Append(c); break;
            }
        }

        builder.Append('\'');
    }

    private static void AppendFloating(StringBuilder builder, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"SOQL has no literal for {value}: bind a finite number.");
        }

        builder.Append(value.ToString("R", CultureInfo.InvariantCulture));
    }

    private static void AppendList(StringBuilder builder, IEnumerable items)
    {
        builder.Append('(');
        var count = 0;
        foreach (var item in items)
        {
            if (item is IEnumerable and not string)
            {
                throw new ArgumentException("A list bound in SOQL cannot contain lists: bind a flat list of values for IN.");
            }

            if (count++ > 0)
            {
                builder.Append(", ");
            }

            Append(builder, item);
        }

        if (count == 0)
        {
            throw new ArgumentException("An empty list cannot be bound for IN: SOQL has no empty list literal. Skip the query or the condition when there are no values.");
        }

        builder.Append(')');
    }
}
