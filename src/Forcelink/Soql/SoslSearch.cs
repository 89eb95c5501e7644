using System.Globalization;
using System.Text;

namespace Forcelink.Soql;

/// <summary>
/// A SOSL search built from parts: the search text is escaped (every reserved character is backslash-escaped), object and
/// field names are validated, so user input can only ever be searched for.
/// <c>new SoslSearch("Acme (UK)") { Scope = SoslScope.Name }.Returning("Lead", "Id", "Name").ToString()</c>.
/// </summary>
public sealed class SoslSearch
{
    // From the SOSL reference: ? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -
    private const string Reserved = "?&|!{}[]()^~*:\\\"'+-";

    private readonly List<(string Object, IReadOnlyList<string> Fields, int? Limit)> _returning = [];

    /// <summary>Creates a search for <paramref name="text"/>, matched literally.</summary>
    public SoslSearch(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        Text = text;
    }

    /// <summary>The text searched for, as given.</summary>
    public string Text { get; }

    /// <summary>Which fields to search.</summary>
    /// <value>The default is <see cref="SoslScope.All"/>.</value>
    public SoslScope Scope { get; set; } = SoslScope.All;

    /// <summary>The most records returned in total; <see langword="null"/> for Salesforce's default (2,000).</summary>
    public int? Limit { get; set; }

    /// <summary>Adds an object to return, with the fields to return for it (by default <c>Id</c>).</summary>
    public SoslSearch Returning(string objectName, params string[] fields) => Returning(objectName, null, fields);

    /// <summary>Adds an object to return with a per-object limit.</summary>
    public SoslSearch Returning(string objectName, int? limit, params string[] fields)
    {
        var name = SoqlIdentifier.Parse(objectName).Name;
        var names = fields.Length == 0 ? ["Id"] : SoqlIdentifier.List(fields).Names;
        _returning.Add((name, names, limit));
        return this;
    }

    /// <summary>Escapes a search term for SOSL's braces: every reserved character gets a backslash.</summary>
    public static string EscapeTerm(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (Reserved.Contains(c, StringComparison.Ordinal))
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>The SOSL text, such as <c>FIND {Acme \(UK\)} IN NAME FIELDS RETURNING Lead(Id, Name)</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder("FIND {").Append(EscapeTerm(Text)).Append("} IN ").Append(Scope switch
        {
            SoslScope.Name => "NAME",
            SoslScope.Email => "EMAIL",
            SoslScope.Phone => "PHONE",
            _ => "ALL",
        }).Append(" FIELDS");
        if (_returning.Count > 0)
        {
            builder.Append(" RETURNING ");
            builder.AppendJoin(", ", _returning.Select(r =>
                $"{r.Object}({string.Join(", ", r.Fields)}{(r.Limit is { } l ? string.Create(CultureInfo.InvariantCulture, $" LIMIT {l}") : "")})"));
        }

        if (Limit is { } limit)
        {
            builder.Append(CultureInfo.InvariantCulture, $" LIMIT {limit}");
        }

        return builder.ToString();
    }
}
