namespace Forcelink.Tests.Emulator.Soql;

public sealed class SoqlEscapeTests
{
    private readonly SoqlTestCatalog _catalog = new();

    [Theory]
    [InlineData(@"a\nb", "a\nb")]
    [InlineData(@"a\Nb", "a\nb")]
    [InlineData(@"a\rb", "a\rb")]
    [InlineData(@"a\Rb", "a\rb")]
    [InlineData(@"a\tb", "a\tb")]
    [InlineData(@"a\Tb", "a\tb")]
    [InlineData(@"a\bb", "a\bb")]
    [InlineData(@"a\Bb", "a\bb")]
    [InlineData(@"a\fb", "a\fb")]
    [InlineData(@"a\Fb", "a\fb")]
    [InlineData(@"a\""b", "a\"b")]
    [InlineData(@"a\'b", "a'b")]
    [InlineData(@"a\\b", @"a\b")]
    [InlineData(@"caf\u00e9", "café")]
    [InlineData(@"\u0041\u00DF", "Aß")]
    [InlineData(@"a""b", "a\"b")]
    [InlineData("a\nb", "a\nb")]
    public void Query_ValidEscape_MatchesDecodedValue(string literal, string stored)
    {
        _catalog.Add("Lead", ("Company", stored), ("LastName", "target"));
        _catalog.Add("Lead", ("Company", "decoy"), ("LastName", "decoy"));
        var result = SoqlTestCatalog.Engine(_catalog).Query($"SELECT LastName FROM Lead WHERE Company = '{literal}'", false);
        Assert.Equal(1, result.RowCount);
        Assert.Equal("target", result.RecordAt(0).Fields["LastName"]);
    }

    [Theory]
    [InlineData(@"50\%", "50%", true)]
    [InlineData(@"50\%", "500", false)]
    [InlineData(@"a\_b", "a_b", true)]
    [InlineData(@"a\_b", "axb", false)]
    [InlineData(@"a_b", "axb", true)]
    [InlineData(@"a%", "abc", true)]
    [InlineData(@"A\\%", @"a\anything", true)]
    [InlineData(@"it\'s%", "It's here", true)]
    [InlineData(@"%\n%", "one\ntwo", true)]
    [InlineData(@"%.*%", "regex", false)]
    [InlineData(@"[a]%", "[A] first", true)]
    public void Query_LikeEscapes_WildcardsOnlyWhenUnescaped(string pattern, string stored, bool matches)
    {
        _catalog.Add("Lead", ("Company", stored));
        var result = SoqlTestCatalog.Engine(_catalog).Query($"SELECT Company FROM Lead WHERE Company LIKE '{pattern}'", false);
        Assert.Equal(matches ? 1 : 0, result.RowCount);
    }

    [Theory]
    [InlineData(@"Company = 'a\xb'", @"'a\xb'", @"\x", 37)]
    [InlineData(@"Company = '50\%'", @"'50\%'", @"\%", 37)]
    [InlineData(@"Company = 'a\_b'", @"'a\_b'", @"\_", 37)]
    [InlineData(@"Company = '\u12'", @"'\u12'", @"\u", 37)]
    [InlineData(@"Company = '\uZZZZ'", @"'\uZZZZ'", @"\u", 37)]
    [InlineData(@"Company LIKE 'a\qb'", @"'a\qb'", @"\q", 40)]
    [InlineData(@"Company IN ('ok', 'a\0')", @"'a\0'", @"\0", 45)]
    public void Query_InvalidEscape_MalformedQuery(string where, string literal, string sequence, int column)
    {
        var soql = "SELECT Id FROM Lead WHERE " + where;
        var error = Assert.Throws<Forcelink.Emulator.Soql.SoqlException>(() => SoqlTestCatalog.Engine(_catalog).Query(soql, false));
        Assert.Equal("MALFORMED_QUERY", error.ErrorCode);
        Assert.Equal(
            $"\n{soql}\n{new string(' ', column - 1)}^\nERROR at Row:1:Column:{column}\nInvalid string literal {literal}. Illegal character sequence '{sequence}' in string literal.",
            error.Message);
    }

    [Fact]
    public void Query_TrailingBackslash_EscapesClosingQuote()
    {
        var error = Assert.Throws<Forcelink.Emulator.Soql.SoqlException>(() => SoqlTestCatalog.Engine(_catalog).Query(@"SELECT Id FROM Lead WHERE Company = 'abc\'", false));
        Assert.Equal("MALFORMED_QUERY", error.ErrorCode);
        Assert.EndsWith("mismatched character '<EOF>' expecting '''", error.Message, StringComparison.Ordinal);
    }
}
