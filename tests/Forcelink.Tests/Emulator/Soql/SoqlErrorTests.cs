namespace Forcelink.Tests.Emulator.Soql;

public sealed class SoqlErrorTests
{
    private const string CustomFieldHint =
        "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.";

    private readonly SoqlFixture _f = new();

    [Fact]
    public void Query_UnknownField_InvalidFieldWithEchoAndCaret()
    {
        var error = _f.Error("SELECT Id, Foo__c FROM Lead");
        Assert.Equal("INVALID_FIELD", error.ErrorCode);
        Assert.Equal(
            "\nSELECT Id, Foo__c FROM Lead\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo__c' on entity 'Lead'. " + CustomFieldHint,
            error.Message);
    }

    [Fact]
    public void Query_UnknownFieldOnLaterRow_EchoesThatRow()
    {
        var error = _f.Error("SELECT Id\nFROM Lead\nWHERE Bogus = 1");
        Assert.Equal(
            "\nWHERE Bogus = 1\n      ^\nERROR at Row:3:Column:7\nNo such column 'Bogus' on entity 'Lead'. " + CustomFieldHint,
            error.Message);
    }

    [Fact]
    public void Query_UnknownParentField_NamesParentEntity()
    {
        var error = _f.Error("SELECT Owner.Nope FROM Lead");
        Assert.Equal("INVALID_FIELD", error.ErrorCode);
        Assert.Equal("\nSELECT Owner.Nope FROM Lead\n       ^\nERROR at Row:1:Column:8\nNo such column 'Nope' on entity 'User'. " + CustomFieldHint, error.Message);
    }

    [Fact]
    public void Query_UnknownRelationship_InvalidField()
    {
        var error = _f.Error("SELECT Boss__r.Name FROM Lead");
        Assert.Equal("INVALID_FIELD", error.ErrorCode);
        Assert.Equal(
            "\nSELECT Boss__r.Name FROM Lead\n       ^\nERROR at Row:1:Column:8\nDidn't understand relationship 'Boss__r' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.",
            error.Message);
    }

    [Fact]
    public void Query_UnknownObject_InvalidType()
    {
        var error = _f.Error("SELECT Id FROM Missing__c");
        Assert.Equal("INVALID_TYPE", error.ErrorCode);
        Assert.Equal(
            "sObject type 'Missing__c' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
            error.Message);
    }

    [Theory]
    [InlineData("SELECT FROM Lead", 8, "FROM")]
    [InlineData("SELECT Id Lead", 11, "Lead")]
    [InlineData("SELECT Id FROM Lead WHERE", 26, "<EOF>")]
    [InlineData("SELECT Id FROM Lead WHERE Name", 31, "<EOF>")]
    [InlineData("SELECT Id FROM Lead WHERE Name == 'x'", 33, "=")]
    [InlineData("SELECT Id FROM Lead WHERE Name = 'a' AND Status = 'b' OR Company = 'c'", 55, "OR")]
    [InlineData("SELECT Id FROM Lead WHERE Name = 'a' OR Status = 'b' AND Company = 'c'", 54, "AND")]
    [InlineData("SELECT Id FROM Lead WHERE Name = :name", 34, ":")]
    [InlineData("SELECT Id FROM Lead WHERE (Name = 'a'", 38, "<EOF>")]
    [InlineData("SELECT Id FROM Lead LIMIT x", 27, "x")]
    [InlineData("SELECT Id FROM Lead LIMIT -1", 27, "-1")]
    [InlineData("SELECT Id FROM Lead OFFSET 1 LIMIT 1", 30, "LIMIT")]
    [InlineData("SELECT Id, FROM Lead", 12, "FROM")]
    [InlineData("SELECT Id FROM Lead ORDER Name", 27, "Name")]
    [InlineData("SELECT Id FROM Lead ORDER BY Name NULLS", 40, "<EOF>")]
    [InlineData("SELECT Id FROM Lead WHERE Name IN 'a'", 35, "'a'")]
    [InlineData("SELECT Id FROM Lead WHERE Name LIKE 5", 37, "5")]
    [InlineData("SELECT Id FROM Lead WHERE CreatedDate > LAST_N_DAYS", 52, "<EOF>")]
    [InlineData("SELECT Id FROM Lead WHERE Name = 'x' ;", 38, ";")]
    [InlineData("UPDATE Lead SET Name = 'x'", 1, "UPDATE")]
    [InlineData("SELECT Id FROM Lead FOR SHARE", 25, "SHARE")]
    public void Query_SyntaxError_MalformedQueryUnexpectedToken(string soql, int column, string token)
    {
        var error = _f.Error(soql);
        Assert.Equal("MALFORMED_QUERY", error.ErrorCode);
        Assert.Equal($"\n{soql}\n{new string(' ', column - 1)}^\nERROR at Row:1:Column:{column}\nunexpected token: '{token}'", error.Message);
    }

    [Fact]
    public void Query_DuplicateField_MalformedQuery()
    {
        var error = _f.Error("SELECT Id, Name, name FROM Lead");
        Assert.Equal("MALFORMED_QUERY", error.ErrorCode);
        Assert.Equal("\nSELECT Id, Name, name FROM Lead\n                 ^\nERROR at Row:1:Column:18\nduplicate field selected: Name", error.Message);
        Assert.Equal("duplicate field selected: Owner.Name", _f.Error("SELECT Owner.Name, owner.name FROM Lead").Message.Split('\n')[^1]);
    }

    [Fact]
    public void Query_InvalidIdLiteral_InvalidQueryFilterOperator()
    {
        var error = _f.Error("SELECT Id FROM Lead WHERE Id = 'abc'");
        Assert.Equal("INVALID_QUERY_FILTER_OPERATOR", error.ErrorCode);
        Assert.Equal("\nSELECT Id FROM Lead WHERE Id = 'abc'\n                               ^\nERROR at Row:1:Column:32\ninvalid ID field: abc", error.Message);
        Assert.Equal("invalid ID field: 00Q000000000000000X", _f.Error("SELECT Id FROM Lead WHERE OwnerId IN ('00Q000000000000000X')").Message.Split('\n')[^1]);
    }

    [Theory]
    [InlineData("NumberOfEmployees = 'abc'", "value of filter criterion for field 'NumberOfEmployees' must be of type integer and should not be enclosed in quotes")]
    [InlineData("AnnualRevenue = '5'", "value of filter criterion for field 'AnnualRevenue' must be of type double and should not be enclosed in quotes")]
    [InlineData("IsConverted = 'true'", "value of filter criterion for field 'IsConverted' must be of type boolean and should not be enclosed in quotes")]
    [InlineData("ConvertedDate = '2024-01-01'", "value of filter criterion for field 'ConvertedDate' must be of type date and should not be enclosed in quotes")]
    [InlineData("ConvertedDate > 2024-01-01T00:00:00Z", "value of filter criterion for field 'ConvertedDate' must be of type date and should not be enclosed in quotes")]
    [InlineData("CreatedDate > 2024-01-01", "value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes")]
    [InlineData("Name = 5", "value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes")]
    [InlineData("Name = true", "value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes")]
    [InlineData("Name = TODAY", "value of filter criterion for field 'Name' must be of type string and should be enclosed in quotes")]
    [InlineData("Id = 5", "value of filter criterion for field 'Id' must be of type id and should be enclosed in quotes")]
    [InlineData("Owner.Name = 1", "value of filter criterion for field 'Owner.Name' must be of type string and should be enclosed in quotes")]
    public void Query_TypeMismatch_InvalidField(string where, string text)
    {
        var error = _f.Error("SELECT Id FROM Lead WHERE " + where);
        Assert.Equal("INVALID_FIELD", error.ErrorCode);
        Assert.EndsWith("\n" + text, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("\nSELECT Id FROM Lead WHERE " + where + "\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_OffsetOver2000_NumberOutsideValidRange()
    {
        var error = _f.Error("SELECT Id FROM Lead OFFSET 2001");
        Assert.Equal("NUMBER_OUTSIDE_VALID_RANGE", error.ErrorCode);
        Assert.Equal("Maximum SOQL offset allowed is 2000", error.Message);
    }

    [Theory]
    [InlineData("SELECT Id, (SELECT Id, (SELECT Id FROM Cases) FROM Contacts) FROM Account", 24, "A subquery inside a subquery")]
    [InlineData("SELECT Industry, COUNT(Id), (SELECT Id FROM Contacts) FROM Account GROUP BY Industry", 45, "A child-relationship subquery in an aggregate query")]
    [InlineData("SELECT FIELDS(ALL) FROM Lead", 8, "The function FIELDS()")]
    [InlineData("SELECT Status, COUNT(Id) FROM Lead GROUP BY Status HAVING COUNT(Id) > 1", 52, "HAVING")]
    [InlineData("SELECT Status FROM Lead GROUP BY ROLLUP(Status)", 34, "GROUP BY ROLLUP()")]
    [InlineData("SELECT toLabel(Status) FROM Lead", 8, "The function TOLABEL()")]
    [InlineData("SELECT TYPEOF Owner WHEN User THEN Name END FROM Lead", 8, "TYPEOF")]
    [InlineData("SELECT Id FROM Lead WHERE Id IN (SELECT LeadId FROM CampaignMember)", 34, "A semi-join subquery")]
    [InlineData("SELECT Id FROM Lead WITH SECURITY_ENFORCED", 21, "WITH clause")]
    public void Query_UnsupportedConstruct_ClearMalformedQuery(string soql, int column, string construct)
    {
        var error = _f.Error(soql);
        Assert.Equal("MALFORMED_QUERY", error.ErrorCode);
        Assert.EndsWith($"ERROR at Row:1:Column:{column}\n{construct} is not supported by the Forcelink emulator.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_IncludesOnPlainText_Rejected()
    {
        var error = _f.Error("SELECT Id FROM Lead WHERE Status INCLUDES ('Open')");
        Assert.Equal("MALFORMED_QUERY", error.ErrorCode);
        Assert.EndsWith("ERROR at Row:1:Column:34\ninvalid operator on field 'Status': INCLUDES and EXCLUDES apply only to multi-select picklists", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_ForUpdate_Rejected()
    {
        var error = _f.Error("SELECT Id FROM Lead FOR UPDATE");
        Assert.Equal("MALFORMED_QUERY", error.ErrorCode);
        Assert.EndsWith("ERROR at Row:1:Column:21\nFOR UPDATE is not allowed in this context", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_LikeOnNumber_Rejected()
    {
        var error = _f.Error("SELECT Id FROM Lead WHERE NumberOfEmployees LIKE '1%'");
        Assert.Equal("MALFORMED_QUERY", error.ErrorCode);
        Assert.EndsWith("invalid operator on field 'NumberOfEmployees': LIKE applies only to string fields", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_UnterminatedString_Malformed()
    {
        var error = _f.Error("SELECT Id FROM Lead WHERE Name = 'abc");
        Assert.Equal("MALFORMED_QUERY", error.ErrorCode);
        Assert.EndsWith("ERROR at Row:1:Column:38\nmismatched character '<EOF>' expecting '''", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_UnknownCharacter_Malformed()
    {
        var error = _f.Error("SELECT Id FROM Lead WHERE Name = #");
        Assert.Equal("\nSELECT Id FROM Lead WHERE Name = #\n                                 ^\nERROR at Row:1:Column:34\nunexpected token: '#'", error.Message);
    }

    [Theory]
    [InlineData("NOT ", "")]
    [InlineData("(", ")")]
    public void Query_TwentyThousandNestings_MalformedQueryNotStackOverflow(string open, string close)
    {
        var soql = "SELECT Id FROM Lead WHERE " + string.Concat(Enumerable.Repeat(open, 20_000)) + "Name = 'x'" + string.Concat(Enumerable.Repeat(close, 20_000));
        var error = _f.Error(soql);
        Assert.Equal("MALFORMED_QUERY", error.ErrorCode);
        var column = "SELECT Id FROM Lead WHERE ".Length + (open.Length * 100) + 1;
        Assert.EndsWith(
            $"^\nERROR at Row:1:Column:{column}\nConditions are nested too deeply: NOT and parentheses may nest at most 100 levels in the Forcelink emulator.",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Query_NestingAtTheLimit_Runs()
    {
        var nested = string.Concat(Enumerable.Repeat("NOT (", 50)) + "Name != 'nobody'" + new string(')', 50);
        Assert.Equal(["Ann O'Brien", "Ben Smith", "Cy Percent%Name", "Dee Back\\slash"], _f.Column($"SELECT Name FROM Lead WHERE {nested} ORDER BY Name"));
        Assert.Equal("MALFORMED_QUERY", _f.Error($"SELECT Name FROM Lead WHERE NOT {nested}").ErrorCode);
    }
}
