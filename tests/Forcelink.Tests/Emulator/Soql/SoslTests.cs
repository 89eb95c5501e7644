using System.Text.Json;
using Forcelink.Emulator.Soql;

namespace Forcelink.Tests.Emulator.Soql;

public sealed class SoslTests
{
    private readonly SoqlFixture _f = new();

    [Fact]
    public void Search_NoReturning_SearchesAllObjectsReturningIdOnly()
    {
        var json = SoqlFixture.Json(w => _f.Engine.Search("FIND {Acme}").Write(w, "62.0"));
        Assert.Equal(
            $$$"""{"searchRecords":[{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/{{{_f.Acme}}}"},"Id":"{{{_f.Acme}}}"},{"attributes":{"type":"Contact","url":"/services/data/v62.0/sobjects/Contact/{{{_f.Contact}}}"},"Id":"{{{_f.Contact}}}"},{"attributes":{"type":"Lead","url":"/services/data/v62.0/sobjects/Lead/{{{_f.Ann}}}"},"Id":"{{{_f.Ann}}}"}]}""",
            json);
    }

    [Fact]
    public void Search_ReturningWithFieldsAndParent_WritesSelectedFields()
    {
        var json = SoqlFixture.Json(w => _f.Engine.Search("find {ben} returning Lead(Name, Owner.Name, NumberOfEmployees)").Write(w, "62.0"));
        Assert.Equal(
            $$$$"""{"searchRecords":[{"attributes":{"type":"Lead","url":"/services/data/v62.0/sobjects/Lead/{{{{_f.Ben}}}}"},"Name":"Ben Smith","Owner":{"attributes":{"type":"User","url":"/services/data/v62.0/sobjects/User/{{{{_f.Bob}}}}"},"Name":"Bob Builder"},"NumberOfEmployees":50}]}""",
            json);
    }

    [Theory]
    [InlineData("FIND {acme}", "Account:Acme Contact:Carl Contact Lead:Ann O'Brien")]
    [InlineData("FIND {ACME} IN ALL FIELDS", "Account:Acme Contact:Carl Contact Lead:Ann O'Brien")]
    [InlineData("FIND {acme} IN EMAIL FIELDS", "Contact:Carl Contact Lead:Ann O'Brien")]
    [InlineData("FIND {acme} IN NAME FIELDS", "Account:Acme Lead:Ann O'Brien")]
    [InlineData("FIND {415-555-1234} IN PHONE FIELDS", "Account:Acme")]
    [InlineData("FIND {4155551234} IN PHONE FIELDS", "Account:Acme")]
    [InlineData("FIND {(415) 555-0100}", "Lead:Ann O'Brien")]
    [InlineData("FIND {Glo*}", "Account:Globex Lead:Ben Smith")]
    [InlineData("FIND {Sm?th}", "Lead:Ben Smith")]
    [InlineData("FIND {A*e}", "Account:Acme Contact:Carl Contact Lead:Ann O'Brien")]
    [InlineData("FIND {\"printer on fire\"}", "Case:Printer on fire")]
    [InlineData("FIND {\"fire printer\"}", "")]
    [InlineData("FIND {fire printer}", "Case:Printer on fire")]
    [InlineData("FIND {ann AND acme}", "Lead:Ann O'Brien")]
    [InlineData("FIND {ann OR ben}", "Lead:Ann O'Brien Lead:Ben Smith")]
    [InlineData("FIND {acme AND NOT ann}", "Account:Acme Contact:Carl Contact")]
    [InlineData("FIND {ben smith}", "Lead:Ben Smith")]
    [InlineData("FIND {ben jones}", "")]
    [InlineData("FIND {(ann OR ben) AND globex}", "Lead:Ben Smith")]
    [InlineData("FIND {O\\'Brien}", "Lead:Ann O'Brien")]
    [InlineData("FIND {It\\'s \\\"quoted\\\"}", "Lead:Dee Back\\slash")]
    [InlineData("FIND {back\\\\slash}", "Lead:Dee Back\\slash")]
    [InlineData("FIND {ann\\-acme}", "Lead:Ann O'Brien")]
    [InlineData("FIND {Gone}", "")]
    [InlineData("FIND {example.com}", "Account:Acme User:Ada Admin User:Bob Builder")]
    [InlineData("FIND {acme} RETURNING Lead(Name), Account(Name)", "Lead:Ann O'Brien Account:Acme")]
    [InlineData("FIND {open OR working} RETURNING Lead(Name WHERE NumberOfEmployees > 5 ORDER BY Name DESC)", "Lead:Ben Smith Lead:Ann O'Brien")]
    [InlineData("FIND {open OR working} RETURNING Lead(Name ORDER BY Name LIMIT 1)", "Lead:Ann O'Brien")]
    [InlineData("FIND {open OR working} RETURNING Lead(Name ORDER BY Name LIMIT 1 OFFSET 1)", "Lead:Ben Smith")]
    [InlineData("FIND {acme} RETURNING Lead(Name), Account(Name), Contact(Name) LIMIT 2", "Lead:Ann O'Brien Account:Acme")]
    [InlineData("FIND {acme} RETURNING Contact(Name WHERE Account.Name = 'Acme')", "Contact:Carl Contact")]
    public void Search_Term_FindsExpectedRecords(string sosl, string expected) =>
        Assert.Equal(expected, Describe(_f.Engine.Search(sosl)));

    [Theory]
    [InlineData("FIND Acme", "MALFORMED_SEARCH", "No search term found. The search term must be enclosed in braces.")]
    [InlineData("FIND {Acme", "MALFORMED_SEARCH", "No search term found. The search term must be enclosed in braces.")]
    [InlineData("FIND {a}", "MALFORMED_SEARCH", "search term must be longer than one character")]
    [InlineData("FIND {a*}", "MALFORMED_SEARCH", "search term must be longer than one character")]
    [InlineData("FIND {\"acme}", "MALFORMED_SEARCH", "Unmatched quotation mark in search term.")]
    [InlineData("FIND {(acme}", "MALFORMED_SEARCH", "Unmatched parenthesis in search term.")]
    [InlineData("FIND {acme AND}", "MALFORMED_SEARCH", "search term ends where a word was expected")]
    [InlineData("FIND {acme OR OR ben}", "MALFORMED_SEARCH", "unexpected token in search term: 'OR'")]
    [InlineData("FIND {Acme} RETURNING Missing__c", "INVALID_TYPE", "sObject type 'Missing__c' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.")]
    public void Search_BadInput_SalesforceError(string sosl, string code, string message)
    {
        var error = Assert.Throws<SoqlException>(() => _f.Engine.Search(sosl));
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Search_InvalidEscape_MalformedSearch()
    {
        var error = Assert.Throws<SoqlException>(() => _f.Engine.Search("FIND {a\\qb}"));
        Assert.Equal("MALFORMED_SEARCH", error.ErrorCode);
        Assert.StartsWith("Invalid escape sequence in search term: '\\q'.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FIND {Acme} RETURNING Lead(Bogus)", "INVALID_FIELD", 28, "No such column 'Bogus' on entity 'Lead'.")]
    [InlineData("FIND {Acme} RETURNING Lead(Name WHERE Name = )", "MALFORMED_SEARCH", 46, "unexpected token: ')'")]
    [InlineData("FIND {Acme} IN BOGUS FIELDS", "MALFORMED_SEARCH", 16, "unexpected token: 'BOGUS'")]
    [InlineData("FIND {Acme} RETURNING Lead(Name, Name)", "MALFORMED_SEARCH", 34, "duplicate field selected: Name")]
    [InlineData("FIND {Acme} WITH SNIPPET", "MALFORMED_SEARCH", 13, "The WITH clause is not supported by the Forcelink emulator.")]
    [InlineData("SEARCH {Acme}", "MALFORMED_SEARCH", 1, "unexpected token: 'SEARCH'")]
    public void Search_ClauseError_EchoesSearchWithCaret(string sosl, string code, int column, string text)
    {
        var error = Assert.Throws<SoqlException>(() => _f.Engine.Search(sosl));
        Assert.Equal(code, error.ErrorCode);
        Assert.StartsWith($"\n{sosl}\n{new string(' ', column - 1)}^\nERROR at Row:1:Column:{column}\n{text}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParameterizedSearch_ObjectsFieldsLimitsAndScope_AppliedLikeSosl()
    {
        var result = _f.Engine.ParameterizedSearch(new Dictionary<string, string>
        {
            ["q"] = "acme OR globex",
            ["sobject"] = "Lead,Account",
            ["Lead.fields"] = "Name,Company",
            ["Lead.limit"] = "1",
            ["Account.fields"] = "Name",
            ["in"] = "name",
        });
        Assert.Equal("Lead:Ann O'Brien Account:Acme Account:Globex", Describe(result));
        var json = SoqlFixture.Json(w => result.Write(w, "62.0"));
        Assert.Contains("\"Name\":\"Ann O\\u0027Brien\",\"Company\":\"Acme\"}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ParameterizedSearch_WhereAndOverallLimit_Applied()
    {
        var result = _f.Engine.ParameterizedSearch(new Dictionary<string, string>
        {
            ["q"] = "open OR working OR acme",
            ["sobject"] = "Lead,Account",
            ["Lead.where"] = "Status = 'Open'",
            ["overallLimit"] = "2",
        });
        Assert.Equal("Lead:Ann O'Brien Lead:Dee Back\\slash", Describe(result));
    }

    [Fact]
    public void ParameterizedSearch_NoObjects_SearchesEverythingForIds() =>
        Assert.Equal("Account:Acme Contact:Carl Contact Lead:Ann O'Brien",
            Describe(_f.Engine.ParameterizedSearch(new Dictionary<string, string> { ["q"] = "acme" })));

    [Fact]
    public void ParameterizedSearch_MissingQ_MissingArgument()
    {
        var error = Assert.Throws<SoqlException>(() => _f.Engine.ParameterizedSearch(new Dictionary<string, string> { ["sobject"] = "Lead" }));
        Assert.Equal("MISSING_ARGUMENT", error.ErrorCode);
        Assert.Equal("q not specified", error.Message);
    }

    [Fact]
    public void ParameterizedSearch_BadScope_MalformedSearch()
    {
        var error = Assert.Throws<SoqlException>(() => _f.Engine.ParameterizedSearch(new Dictionary<string, string> { ["q"] = "acme", ["in"] = "SIDEWAYS" }));
        Assert.Equal("MALFORMED_SEARCH", error.ErrorCode);
    }

    [Fact]
    public void Search_TwentyThousandParentheses_MalformedSearchNotStackOverflow()
    {
        var sosl = "FIND {" + new string('(', 20_000) + "acme" + new string(')', 20_000) + "}";
        var error = Assert.Throws<SoqlException>(() => _f.Engine.Search(sosl));
        Assert.Equal("MALFORMED_SEARCH", error.ErrorCode);
        Assert.Equal("Parentheses are nested too deeply in search term: at most 100 levels in the Forcelink emulator.", error.Message);
    }

    [Theory]
    [InlineData(" OR ", "Lead:Ann O'Brien Account:Acme Contact:Carl Contact")]
    [InlineData(" ", "")]
    [InlineData(" AND NOT ", "Lead:Ann O'Brien Account:Acme Contact:Carl Contact")]
    public void Search_TwentyThousandWords_FlatTermMatches(string separator, string expected)
    {
        // Long chains once built a left-deep tree that matching walked recursively, one frame per word.
        var words = string.Join(separator, Enumerable.Range(0, 20_000).Select(i => i == 0 ? "acme" : $"zz{i}"));
        Assert.Equal(expected, Describe(_f.Engine.Search($"FIND {{{words}}} RETURNING Lead(Name), Account(Name), Contact(Name)")));
    }

    /// <summary>"Type:Name" for each found record (Name, else Subject, looked up by Id), space separated, from the written JSON.</summary>
    private string Describe(SoslSearchResult result)
    {
        // Describing from JSON keeps the assertion on what the REST layer will actually send.
        using var document = JsonDocument.Parse(SoqlFixture.Json(w => result.Write(w, "62.0")));
        return string.Join(' ', document.RootElement.GetProperty("searchRecords").EnumerateArray().Select(r =>
        {
            var type = r.GetProperty("attributes").GetProperty("type").GetString();
            var id = r.GetProperty("attributes").GetProperty("url").GetString()!.Split('/')[^1];
            var fields = _f.Catalog.FindById(id)!.Fields;
            return $"{type}:{fields.GetValueOrDefault("Name") ?? fields["Subject"]}";
        }));
    }
}
