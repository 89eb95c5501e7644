using System.Text.Json.Nodes;

namespace Forcelink.Tests.Emulator.Soql;

/// <summary>Child-relationship subqueries: each parent's children as a nested query result, or null when it has none.</summary>
public sealed class SoqlSubqueryTests
{
    private readonly SoqlFixture _f = new();

    [Fact]
    public void Query_ChildSubquery_NestedResultOrNull()
    {
        var result = _f.Engine.Query("SELECT Name, (SELECT LastName FROM Contacts) FROM Account", false);

        Assert.Equal(
            $$$"""
            {"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/{{{_f.Acme}}}"},"Name":"Acme",
             "Contacts":{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Contact","url":"/services/data/v62.0/sobjects/Contact/{{{_f.Contact}}}"},"LastName":"Contact"}]}}
            """.Replace("\n", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal),
            Record(result, 0).ToJsonString());
        Assert.Equal(
            $$$"""{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/{{{_f.Globex}}}"},"Name":"Globex","Contacts":null}""",
            Record(result, 1).ToJsonString());
    }

    [Fact]
    public void Query_SubqueryFirst_KeysFollowTheSelectList()
    {
        var result = _f.Engine.Query("SELECT (SELECT Subject FROM Cases), Name FROM Account WHERE Name = 'Acme'", false);

        Assert.Equal(["attributes", "Cases", "Name"], Record(result, 0).Select(p => p.Key));
        Assert.Equal("Printer on fire", Record(result, 0)["Cases"]!["records"]![0]!["Subject"]!.GetValue<string>());
    }

    [Fact]
    public void Query_SubqueryAnyCase_CanonicalNames()
    {
        var result = _f.Engine.Query("select name, (select lastname from contacts) from account where name = 'Acme'", false);

        var record = Record(result, 0);
        Assert.Equal(["attributes", "Name", "Contacts"], record.Select(p => p.Key));
        Assert.Equal(["attributes", "LastName"], record["Contacts"]!["records"]![0]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Query_SubqueryWhereOrderLimit_AppliedPerParent()
    {
        _f.Catalog.Add("Contact", ("LastName", "Zed"), ("AccountId", _f.Acme));
        _f.Catalog.Add("Contact", ("LastName", "Amy"), ("AccountId", _f.Acme));
        _f.Catalog.Add("Contact", ("LastName", "Bea"), ("AccountId", _f.Globex));

        var result = _f.Engine.Query("SELECT Name, (SELECT LastName FROM Contacts WHERE LastName != 'Zed' ORDER BY LastName DESC LIMIT 2) FROM Account ORDER BY Name", false);

        Assert.Equal(["Contact", "Amy"], Children(result, 0, "Contacts").Select(c => c["LastName"]!.GetValue<string>()));
        Assert.Equal(2, Record(result, 0)["Contacts"]!["totalSize"]!.GetValue<int>());
        Assert.Equal(["Bea"], Children(result, 1, "Contacts").Select(c => c["LastName"]!.GetValue<string>()));
        Assert.Null(Record(result, 2)["Contacts"]);
    }

    [Fact]
    public void Query_SubqueryWithParentPath_NestsTheParent()
    {
        var result = _f.Engine.Query("SELECT Name, (SELECT Subject, Contact.Email, Contact.Account.Name FROM Cases) FROM Account WHERE Name = 'Acme'", false);

        var child = Children(result, 0, "Cases").Single();
        Assert.Equal("carl@acme.com", child["Contact"]!["Email"]!.GetValue<string>());
        Assert.Equal("Acme", child["Contact"]!["Account"]!["Name"]!.GetValue<string>());
        Assert.Equal("Contact", child["Contact"]!["attributes"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void Query_CustomChildRelationship_SelectsTheChildren() =>
        Assert.Equal(["Globex"], Children(_f.Engine.Query("SELECT Name, (SELECT Name FROM Subsidiaries__r) FROM Account WHERE Name = 'Acme'", false), 0, "Subsidiaries__r")
            .Select(c => c["Name"]!.GetValue<string>()));

    [Fact]
    public void Query_DeletedChildren_OnlyWithQueryAll()
    {
        _f.Catalog.Add("Contact", ("LastName", "Gone"), ("AccountId", _f.Acme), ("IsDeleted", true));

        Assert.Single(Children(_f.Engine.Query("SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Name = 'Acme'", false), 0, "Contacts"));
        Assert.Equal(2, Children(_f.Engine.Query("SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Name = 'Acme'", true), 0, "Contacts").Count);
    }

    [Fact]
    public void Query_UnknownChildRelationship_InvalidType()
    {
        var error = _f.Error("SELECT Name, (SELECT Id FROM Contactz) FROM Account");

        Assert.Equal("INVALID_TYPE", error.ErrorCode);
        Assert.Equal(
            "\nSELECT Name, (SELECT Id FROM Contactz) FROM Account\n                             ^\nERROR at Row:1:Column:30\n" +
            "Didn't understand relationship 'Contactz' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.",
            error.Message);
    }

    [Fact]
    public void Query_UnknownFieldInSubquery_InvalidFieldOnTheChild()
    {
        var error = _f.Error("SELECT Name, (SELECT Foo FROM Contacts) FROM Account");

        Assert.Equal("INVALID_FIELD", error.ErrorCode);
        Assert.Contains("No such column 'Foo' on entity 'Contact'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteColumnMetadata_Subquery_IsAnAggregateColumnWithJoinColumns()
    {
        var metadata = JsonNode.Parse(SoqlFixture.Json(_f.Engine.Query("SELECT Name, (SELECT LastName FROM Contacts) FROM Account", false).WriteColumnMetadata))!;

        var column = metadata["columnMetadata"]!.AsArray().Single(c => c!["columnName"]!.GetValue<string>() == "Contacts")!;
        Assert.True(column["aggregate"]!.GetValue<bool>());
        Assert.Null(column["apexType"]);
        Assert.Equal(["LastName"], column["joinColumns"]!.AsArray().Select(c => c!["columnName"]!.GetValue<string>()));
    }

    private static JsonObject Record(Forcelink.Emulator.Soql.SoqlQueryResult result, int row) =>
        JsonNode.Parse(SoqlFixture.Json(w => result.WriteRecord(w, row, "62.0")))!.AsObject();

    private static List<JsonObject> Children(Forcelink.Emulator.Soql.SoqlQueryResult result, int row, string relationship) =>
        Record(result, row)[relationship] is JsonObject children ? [.. children["records"]!.AsArray().Select(c => c!.AsObject())] : [];
}
