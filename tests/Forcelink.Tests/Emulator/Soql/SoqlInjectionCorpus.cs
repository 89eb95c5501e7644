using System.Text;

namespace Forcelink.Tests.Emulator.Soql;

/// <summary>
/// Values that try to break out of a SOQL string literal. Escaped with <see cref="EscapeLiteral"/> (or
/// <see cref="EscapeLike"/> inside LIKE) they must match only themselves; pasted in raw they must fail to parse or
/// change what the query means. Shared with the client library's query-building tests.
/// </summary>
internal static class SoqlInjectionCorpus
{
    public static IReadOnlyList<string> Payloads { get; } =
    [
        "' OR Name != '",
        "\\' OR 1=1",
        "%' OR Id != null OR Name LIKE '",
        "\\\\' OR Name != null OR Name = '",
        "\\\\\\' OR Name != '",
        "\\u0027 OR Name != \\u0027",
        "\\u005c' OR Name != '",
        "x' OR Name LIKE '%",
        "' AND Name = 'x",
        "abc\\",
        "'); DELETE FROM Lead; --",
        "\\n' OR Name != '",
        "it's",
        "\\\" OR Name != \\\"",
        "Ünïcödé ' OR 'x'='x",
        "' OR Name != '' OR Name = '",
        "\\%' OR Name LIKE '%",
        "'' OR Name != ''",
        "x' OR NOT Name = 'y",
        "' OR (Name != null) OR Name = '",
        "\u0000' OR Name != '",
        "' ORDER BY Name --",
        "' LIMIT 1 --",
        "' OR Name = :name OR Name = '",
        "x'\nOR Name != '",
    ];

    /// <summary>Escapes a value for a SOQL string literal: backslash and single quote are the reserved characters.</summary>
    public static string EscapeLiteral(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c is '\\' or '\'')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>Escapes a value for a LIKE pattern that must match it literally: also <c>%</c> and <c>_</c>.</summary>
    public static string EscapeLike(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c is '\\' or '\'' or '%' or '_')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
