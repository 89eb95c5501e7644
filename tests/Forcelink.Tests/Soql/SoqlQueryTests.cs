using Forcelink.Soql;

namespace Forcelink.Tests.Soql;

public sealed class SoqlQueryTests
{
    [Fact]
    public void Interpolation_String_IsQuotedAndEscaped()
    {
        var email = "o'brien\\x@example.com";
        Assert.Equal(@"SELECT Id FROM Lead WHERE Email = 'o\'brien\\x@example.com'", new SoqlQuery($"SELECT Id FROM Lead WHERE Email = {email}").Text);
    }

    [Theory]
    [InlineData("line\nbreak", @"'line\nbreak'")]
    [InlineData("tab\there", @"'tab\there'")]
    [InlineData("cr\rhere", @"'cr\rhere'")]
    [InlineData("quote\"here", "'quote\\\"here'")]
    [InlineData("bell\bform\f", @"'bell\bform\f'")]
    [InlineData("nul\u0001", @"'nul\u0001'")]
    [InlineData("100%_sure", "'100%_sure'")]
    [InlineData("unicode é 日本", "'unicode é 日本'")]
    public void Interpolation_SpecialCharacters_UseSoqlEscapes(string value, string literal) =>
        Assert.Equal($"SELECT Id FROM Lead WHERE Name = {literal}", new SoqlQuery($"SELECT Id FROM Lead WHERE Name = {value}").Text);

    [Fact]
    public void Interpolation_Types_AreBoundByType()
    {
        var query = new SoqlQuery($"SELECT Id FROM Lead WHERE NumberOfEmployees > {50} AND AnnualRevenue < {1234.5m} AND IsConverted = {false} AND Latitude > {-1.25d} AND ConvertedDate = {new DateOnly(2026, 1, 2)} AND CreatedDate > {new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2))} AND OwnerId != {(string?)null}");
        Assert.Equal(
            "SELECT Id FROM Lead WHERE NumberOfEmployees > 50 AND AnnualRevenue < 1234.5 AND IsConverted = false AND Latitude > -1.25 AND ConvertedDate = 2026-01-02 AND CreatedDate > 2026-01-02T01:04:05Z AND OwnerId != null",
            query.Text);
    }

    [Fact]
    public void Interpolation_List_BecomesInList()
    {
        string[] statuses = ["Open", "Wor'king"];
        Assert.Equal(@"SELECT Id FROM Lead WHERE Status IN ('Open', 'Wor\'king')", new SoqlQuery($"SELECT Id FROM Lead WHERE Status IN {statuses}").Text);
        int[] sizes = [1, 2];
        Assert.Equal("SELECT Id FROM Lead WHERE NumberOfEmployees IN (1, 2)", new SoqlQuery($"SELECT Id FROM Lead WHERE NumberOfEmployees IN {sizes}").Text);
    }

    [Fact]
    public void Interpolation_EmptyList_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new SoqlQuery($"SELECT Id FROM Lead WHERE Id IN {Array.Empty<string>()}"));
        Assert.Contains("empty list", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("50%", @"'50\%%'", "starts")]
    [InlineData("a_b", @"'%a\_b'", "ends")]
    [InlineData("x'%", @"'%x\'\%%'", "contains")]
    [InlineData(@"back\slash", @"'back\\slash'", "exactly")]
    public void Interpolation_Like_EscapesWildcardsInInput(string input, string literal, string kind)
    {
        var like = kind switch
        {
            "starts" => SoqlLike.StartsWith(input),
            "ends" => SoqlLike.EndsWith(input),
            "contains" => SoqlLike.Contains(input),
            _ => SoqlLike.Exactly(input),
        };
        Assert.Equal($"SELECT Id FROM Lead WHERE Name LIKE {literal}", new SoqlQuery($"SELECT Id FROM Lead WHERE Name LIKE {like}").Text);
    }

    [Fact]
    public void Interpolation_Identifier_IsWrittenBareAfterValidation()
    {
        var fields = SoqlIdentifier.List(["Id", "Owner.Name", "Ext_Id__c"]);
        var field = SoqlIdentifier.Parse("Email");
        Assert.Equal("SELECT Id, Owner.Name, Ext_Id__c FROM Lead WHERE Email = 'a'", new SoqlQuery($"SELECT {fields} FROM Lead WHERE {field} = {"a"}").Text);
    }

    [Theory]
    [InlineData("Email = 'x' OR Id")]
    [InlineData("Name)")]
    [InlineData("1Name")]
    [InlineData("Owner..Name")]
    [InlineData("")]
    public void Identifier_NotAnApiName_IsRefused(string name) =>
        Assert.Throws<ArgumentException>(() => SoqlIdentifier.Parse(name));

    [Fact]
    public void Interpolation_UnsupportedType_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new SoqlQuery($"SELECT Id FROM Lead WHERE Name = {new object()}"));
        Assert.Contains("cannot be bound", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpolation_UnspecifiedDateTime_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new SoqlQuery($"SELECT Id FROM Lead WHERE CreatedDate > {new DateTime(2026, 1, 1)}"));

    [Fact]
    public void Interpolation_NonFiniteDouble_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new SoqlQuery($"SELECT Id FROM Lead WHERE Latitude > {double.NaN}"));

    [Fact]
    public void Raw_IsUsedAsWritten() =>
        Assert.Equal("SELECT Id FROM Lead WHERE Name = 'x'", SoqlQuery.Raw("SELECT Id FROM Lead WHERE Name = 'x'").Text);

    [Theory]
    [InlineData("Acme (UK) & Co.", @"FIND {Acme \(UK\) \& Co.} IN NAME FIELDS RETURNING Lead(Id, Name), Case(Id LIMIT 5) LIMIT 20")]
    [InlineData("a{b}c*?", @"FIND {a\{b\}c\*\?} IN NAME FIELDS RETURNING Lead(Id, Name), Case(Id LIMIT 5) LIMIT 20")]
    public void SoslSearch_ReservedCharacters_AreEscaped(string term, string expected)
    {
        var search = new SoslSearch(term) { Scope = SoslScope.Name, Limit = 20 }.Returning("Lead", "Id", "Name").Returning("Case", 5);
        Assert.Equal(expected, search.ToString());
    }

    [Fact]
    public void SoslEscapeTerm_EveryReservedCharacter_GetsBackslash() =>
        Assert.Equal(@"\?\&\|\!\{\}\[\]\(\)\^\~\*\:\\\""\'\+\-", SoslSearch.EscapeTerm(@"?&|!{}[]()^~*:\""'+-"));
}
