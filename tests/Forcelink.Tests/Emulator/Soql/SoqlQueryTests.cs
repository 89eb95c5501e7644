namespace Forcelink.Tests.Emulator.Soql;

public sealed class SoqlQueryTests
{
    private readonly SoqlFixture _f = new();

    [Fact]
    public void Query_NoWhere_ReturnsLiveRecordsInCatalogOrder() =>
        Assert.Equal(["Ann O'Brien", "Ben Smith", "Cy Percent%Name", "Dee Back\\slash"], _f.Column("SELECT Name FROM Lead"));

    [Fact]
    public void Query_IncludeDeleted_ReturnsSoftDeletedRows()
    {
        Assert.Contains("Del Eted", _f.Column("SELECT Name FROM Lead", includeDeleted: true));
        Assert.Equal(["Del Eted"], _f.Column("SELECT Name FROM Lead WHERE IsDeleted = true", includeDeleted: true));
        Assert.Empty(_f.Column("SELECT Name FROM Lead WHERE IsDeleted = true"));
    }

    [Fact]
    public void Query_KeywordsAnyCaseAndNewlines_Parse() =>
        Assert.Equal(["Ben Smith"], _f.Column("select\n\tname\r\nfrom   lead\nwhere STATUS = 'working'\n"));

    [Theory]
    [InlineData("NumberOfEmployees = 10", new[] { "Ann O'Brien" })]
    [InlineData("NumberOfEmployees != 10", new[] { "Ben Smith", "Cy Percent%Name", "Dee Back\\slash" })]
    [InlineData("NumberOfEmployees <> 10", new[] { "Ben Smith", "Cy Percent%Name", "Dee Back\\slash" })]
    [InlineData("NumberOfEmployees < 10", new[] { "Dee Back\\slash" })]
    [InlineData("NumberOfEmployees <= 10", new[] { "Ann O'Brien", "Dee Back\\slash" })]
    [InlineData("NumberOfEmployees > 10", new[] { "Ben Smith" })]
    [InlineData("NumberOfEmployees >= 10", new[] { "Ann O'Brien", "Ben Smith" })]
    [InlineData("NumberOfEmployees = null", new[] { "Cy Percent%Name" })]
    [InlineData("NumberOfEmployees != null", new[] { "Ann O'Brien", "Ben Smith", "Dee Back\\slash" })]
    [InlineData("AnnualRevenue > 99.5", new[] { "Ann O'Brien", "Ben Smith" })]
    [InlineData("Score__c = 1.5", new[] { "Ann O'Brien" })]
    [InlineData("NumberOfEmployees > -1", new[] { "Ann O'Brien", "Ben Smith", "Dee Back\\slash" })]
    [InlineData("IsConverted = true", new[] { "Ben Smith" })]
    [InlineData("IsConverted = FALSE", new[] { "Ann O'Brien", "Cy Percent%Name", "Dee Back\\slash" })]
    [InlineData("Status = 'OPEN'", new[] { "Ann O'Brien", "Dee Back\\slash" })]
    [InlineData("Status < 'P'", new[] { "Cy Percent%Name", "Ann O'Brien", "Dee Back\\slash" })]
    [InlineData("Status IN ('open', 'Closed')", new[] { "Ann O'Brien", "Cy Percent%Name", "Dee Back\\slash" })]
    [InlineData("Status NOT IN ('open', 'Closed')", new[] { "Ben Smith" })]
    [InlineData("NumberOfEmployees IN (5, 50)", new[] { "Ben Smith", "Dee Back\\slash" })]
    [InlineData("NumberOfEmployees NOT IN (5, 50)", new[] { "Ann O'Brien", "Cy Percent%Name" })]
    [InlineData("Name LIKE 'b%'", new[] { "Ben Smith" })]
    [InlineData("Name LIKE '%SMITH'", new[] { "Ben Smith" })]
    [InlineData("Name LIKE '_en %'", new[] { "Ben Smith" })]
    [InlineData("Name LIKE '%\\%%'", new[] { "Cy Percent%Name" })]
    [InlineData("Company LIKE '50\\%\\_Off'", new[] { "Cy Percent%Name" })]
    [InlineData("Company LIKE '50%Off'", new[] { "Cy Percent%Name" })]
    [InlineData("Company LIKE 'Acm'", new string[0])]
    [InlineData("NOT Name LIKE 'b%'", new[] { "Ann O'Brien", "Cy Percent%Name", "Dee Back\\slash" })]
    [InlineData("Status = 'Open' AND NumberOfEmployees > 5", new[] { "Ann O'Brien" })]
    [InlineData("Status = 'Closed' OR NumberOfEmployees = 50", new[] { "Ben Smith", "Cy Percent%Name" })]
    [InlineData("Status = 'Open' AND (NumberOfEmployees = 5 OR IsConverted = true)", new[] { "Dee Back\\slash" })]
    [InlineData("(Status = 'Open' AND NumberOfEmployees = 5) OR IsConverted = true", new[] { "Ben Smith", "Dee Back\\slash" })]
    [InlineData("NOT (Status = 'Open' OR Status = 'Closed')", new[] { "Ben Smith" })]
    [InlineData("Owner.Name = 'Ada Admin'", new[] { "Ann O'Brien", "Dee Back\\slash" })]
    [InlineData("Owner.Name = null", new[] { "Cy Percent%Name" })]
    [InlineData("OwnerId = null", new[] { "Cy Percent%Name" })]
    [InlineData("CreatedDate > 2026-11-01T09:30:00Z", new[] { "Ann O'Brien" })]
    [InlineData("CreatedDate >= 2026-11-01T09:30:00Z", new[] { "Ann O'Brien", "Ben Smith" })]
    [InlineData("CreatedDate = 2026-11-01T10:30:00+01:00", new[] { "Ben Smith" })]
    [InlineData("CreatedDate < 2026-11-01T09:30:00.001-00:00", new[] { "Ben Smith", "Cy Percent%Name" })]
    [InlineData("ConvertedDate = 2026-11-20", new[] { "Ben Smith" })]
    [InlineData("ConvertedDate < 2026-11-21", new[] { "Ben Smith" })]
    public void Query_WhereOperator_FiltersRows(string where, string[] expected)
    {
        var actual = _f.Column($"SELECT Name FROM Lead WHERE {where} ORDER BY Status, Name");
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Cast<string>().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Query_IdLiteral15Or18OrOtherCase_MatchesSameRecord()
    {
        Assert.Equal(["Ann O'Brien"], _f.Column($"SELECT Name FROM Lead WHERE Id = '{_f.Ann}'"));
        Assert.Equal(["Ann O'Brien"], _f.Column($"SELECT Name FROM Lead WHERE Id = '{_f.Ann[..15]}'"));
        Assert.Equal(["Ann O'Brien"], _f.Column($"SELECT Name FROM Lead WHERE Id = '{_f.Ann.ToUpperInvariant()}'"));
        Assert.Empty(_f.Column($"SELECT Name FROM Lead WHERE Id = '{_f.Ann[..15].ToUpperInvariant()}'"));
        Assert.Equal(["Ann O'Brien", "Dee Back\\slash"], _f.Column($"SELECT Name FROM Lead WHERE OwnerId IN ('{_f.Ada}')"));
        Assert.Empty(_f.Column("SELECT Name FROM Lead WHERE Id = ''"));
    }

    [Theory]
    [InlineData("Interests__c INCLUDES ('golf')", "Ann")]
    [InlineData("Interests__c INCLUDES ('Tennis')", "Ann Ben")]
    [InlineData("Interests__c INCLUDES ('Golf;Tennis')", "Ann")]
    [InlineData("Interests__c INCLUDES ('Golf;Chess', 'Tennis')", "Ann Ben")]
    [InlineData("Interests__c EXCLUDES ('Golf')", "Ben Cy")]
    [InlineData("Interests__c = 'Tennis'", "Ben")]
    public void Query_MultiPicklistIncludes_MatchesWholeSets(string where, string expected)
    {
        var catalog = new SoqlTestCatalog();
        catalog.Add("Lead", ("FirstName", "Ann"), ("Interests__c", "Golf;Tennis"));
        catalog.Add("Lead", ("FirstName", "Ben"), ("Interests__c", "Tennis"));
        catalog.Add("Lead", ("FirstName", "Cy"));
        var result = SoqlTestCatalog.Engine(catalog).Query("SELECT FirstName FROM Lead WHERE " + where, false);
        Assert.Equal(expected, string.Join(' ', Enumerable.Range(0, result.RowCount).Select(i => result.RecordAt(i).Fields["FirstName"])));
    }

    [Fact]
    public void Query_Alias_ResolvesPrefixedPaths() =>
        Assert.Equal(["Ben Smith"], _f.Column("SELECT l.Name, l.Owner.Name FROM Lead l WHERE l.Status = 'Working'"));

    [Fact]
    public void Query_OrderByDefaults_AscNullsFirstDescNullsLast()
    {
        Assert.Equal([null, 5m, 10m, 50m], _f.Column("SELECT NumberOfEmployees FROM Lead ORDER BY NumberOfEmployees", "NumberOfEmployees"));
        Assert.Equal([50m, 10m, 5m, null], _f.Column("SELECT NumberOfEmployees FROM Lead ORDER BY NumberOfEmployees DESC", "NumberOfEmployees"));
        Assert.Equal([5m, 10m, 50m, null], _f.Column("SELECT NumberOfEmployees FROM Lead ORDER BY NumberOfEmployees ASC NULLS LAST", "NumberOfEmployees"));
        Assert.Equal([null, 50m, 10m, 5m], _f.Column("SELECT NumberOfEmployees FROM Lead ORDER BY NumberOfEmployees DESC NULLS FIRST", "NumberOfEmployees"));
    }

    [Fact]
    public void Query_OrderByMultipleFieldsAndParent_SortsLexicographically()
    {
        Assert.Equal(["Cy Percent%Name", "Ann O'Brien", "Dee Back\\slash", "Ben Smith"],
            _f.Column("SELECT Name FROM Lead ORDER BY Status, NumberOfEmployees DESC"));
        Assert.Equal(["Cy Percent%Name", "Ann O'Brien", "Dee Back\\slash", "Ben Smith"],
            _f.Column("SELECT Name FROM Lead ORDER BY Owner.Name, Name"));
    }

    [Fact]
    public void Query_OrderByText_IsCaseInsensitive()
    {
        _f.Catalog.Add("User", ("Name", "aaron lower"));
        Assert.Equal(["aaron lower", "Ada Admin", "Bob Builder"], _f.Column("SELECT Name FROM User ORDER BY Name"));
    }

    [Fact]
    public void Query_LimitAndOffset_WindowTheSortedRows()
    {
        Assert.Equal(["Ann O'Brien", "Ben Smith"], _f.Column("SELECT Name FROM Lead ORDER BY Name LIMIT 2"));
        Assert.Equal(["Ben Smith", "Cy Percent%Name"], _f.Column("SELECT Name FROM Lead ORDER BY Name LIMIT 2 OFFSET 1"));
        Assert.Equal(["Dee Back\\slash"], _f.Column("SELECT Name FROM Lead ORDER BY Name OFFSET 3"));
        Assert.Empty(_f.Column("SELECT Name FROM Lead OFFSET 2000"));
        Assert.Empty(_f.Column("SELECT Name FROM Lead LIMIT 0"));
        Assert.Equal(2, _f.Engine.Query("SELECT Name FROM Lead LIMIT 2", false).TotalSize);
    }

    [Fact]
    public void Query_Count_ReturnsCountAndNoRows()
    {
        var result = _f.Engine.Query("SELECT COUNT() FROM Lead WHERE Status = 'Open'", false);
        Assert.True(result.IsCount);
        Assert.Equal(2, result.TotalSize);
        Assert.Equal(0, result.RowCount);
        Assert.Equal("Lead", result.EntityName);
        Assert.Equal(5, _f.Engine.Query("select count() from lead", true).TotalSize);
        Assert.Equal(3, _f.Engine.Query("SELECT COUNT() FROM Lead LIMIT 3", false).TotalSize);
    }

    [Fact]
    public void Query_EntityNameAndFields_UseCanonicalCase()
    {
        var result = _f.Engine.Query("select NAME, owner.NAME from LEAD where id = '" + _f.Ben + "'", false);
        Assert.Equal("Lead", result.EntityName);
        Assert.Equal(
            $$$"""{"attributes":{"type":"Lead","url":"/services/data/v62.0/sobjects/Lead/{{{_f.Ben}}}"},"Name":"Ben Smith","Owner":{"attributes":{"type":"User","url":"/services/data/v62.0/sobjects/User/{{{_f.Bob}}}"},"Name":"Bob Builder"}}""",
            SoqlFixture.Json(w => result.WriteRecord(w, 0, "62.0")));
    }

    [Fact]
    public void WriteRecord_AllValueTypes_RenderedAsSalesforceJson()
    {
        var result = _f.Engine.Query(
            "SELECT Id, Name, NumberOfEmployees, AnnualRevenue, Score__c, IsConverted, ConvertedDate, CreatedDate, Phone, Description FROM Lead WHERE Name LIKE 'A%' OR Name LIKE 'B%' ORDER BY Name", false);
        Assert.Equal(2, result.RowCount);
        Assert.Equal(
            $$$"""{"attributes":{"type":"Lead","url":"/services/data/v62.0/sobjects/Lead/{{{_f.Ann}}}"},"Id":"{{{_f.Ann}}}","Name":"Ann O\u0027Brien","NumberOfEmployees":10,"AnnualRevenue":100.0,"Score__c":1.5,"IsConverted":false,"ConvertedDate":null,"CreatedDate":"2026-11-26T08:00:00.000\u002B0000","Phone":"\u002B1 415 555 0100","Description":"Met at the fair.\nWants a demo."}""",
            SoqlFixture.Json(w => result.WriteRecord(w, 0, "62.0")));
        Assert.Equal(
            $$$"""{"attributes":{"type":"Lead","url":"/services/data/v58.0/sobjects/Lead/{{{_f.Ben}}}"},"Id":"{{{_f.Ben}}}","Name":"Ben Smith","NumberOfEmployees":50,"AnnualRevenue":2500.0,"Score__c":null,"IsConverted":true,"ConvertedDate":"2026-11-20","CreatedDate":"2026-11-01T09:30:00.000\u002B0000","Phone":null,"Description":null}""",
            SoqlFixture.Json(w => result.WriteRecord(w, 1, "58.0")));
    }

    [Fact]
    public void WriteRecord_ParentFields_NestedOncePerRelationshipInSelectOrder()
    {
        var result = _f.Engine.Query("SELECT Owner.Name, Name, Owner.Email, Parent__r.Name, Parent__r.Owner.Name FROM Account WHERE Name = 'Globex'", false);
        Assert.Equal(
            $$$$"""{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/{{{{_f.Globex}}}}"},"Owner":{"attributes":{"type":"User","url":"/services/data/v62.0/sobjects/User/{{{{_f.Bob}}}}"},"Name":"Bob Builder","Email":"bob@example.com"},"Name":"Globex","Parent__r":{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/{{{{_f.Acme}}}}"},"Name":"Acme","Owner":{"attributes":{"type":"User","url":"/services/data/v62.0/sobjects/User/{{{{_f.Ada}}}}"},"Name":"Ada Admin"}}}""",
            SoqlFixture.Json(w => result.WriteRecord(w, 0, "62.0")));
    }

    [Fact]
    public void WriteRecord_NullParent_IsJsonNull()
    {
        var result = _f.Engine.Query("SELECT Name, Account.Name, Owner.Name FROM Contact WHERE Name = 'Olga Orphan'", false);
        Assert.Equal(
            $$$"""{"attributes":{"type":"Contact","url":"/services/data/v62.0/sobjects/Contact/{{{_f.Orphan}}}"},"Name":"Olga Orphan","Account":null,"Owner":{"attributes":{"type":"User","url":"/services/data/v62.0/sobjects/User/{{{_f.Bob}}}"},"Name":"Bob Builder"}}""",
            SoqlFixture.Json(w => result.WriteRecord(w, 0, "62.0")));
    }

    [Fact]
    public void WriteRecord_ParentFilterOnContact_UsesAccountRelationship() =>
        Assert.Equal(["Carl Contact"], _f.Column("SELECT Name FROM Contact WHERE Account.Industry = 'Manufacturing' AND Account.Owner.Name LIKE 'ada%'"));

    [Fact]
    public void WriteColumnMetadata_FieldsAndParents_MatchSalesforceShape()
    {
        var result = _f.Engine.Query("SELECT Id, Name, Owner.Name, NumberOfEmployees, IsConverted, Score__c FROM Lead LIMIT 1", false);
        Assert.Equal(
            """{"columnMetadata":[""" +
            """{"aggregate":false,"apexType":"Id","booleanType":false,"columnName":"Id","custom":false,"displayName":"Id","foreignKeyName":null,"insertable":false,"joinColumns":[],"numberType":false,"textType":false,"updatable":false},""" +
            """{"aggregate":false,"apexType":"String","booleanType":false,"columnName":"Name","custom":false,"displayName":"Name","foreignKeyName":null,"insertable":false,"joinColumns":[],"numberType":false,"textType":true,"updatable":false},""" +
            """{"aggregate":false,"apexType":null,"booleanType":false,"columnName":"Owner","custom":false,"displayName":"Owner","foreignKeyName":null,"insertable":false,"joinColumns":[""" +
            """{"aggregate":false,"apexType":"String","booleanType":false,"columnName":"Name","custom":false,"displayName":"Name","foreignKeyName":null,"insertable":false,"joinColumns":[],"numberType":false,"textType":true,"updatable":false}""" +
            """],"numberType":false,"textType":false,"updatable":false},""" +
            """{"aggregate":false,"apexType":"Integer","booleanType":false,"columnName":"NumberOfEmployees","custom":false,"displayName":"NumberOfEmployees","foreignKeyName":null,"insertable":true,"joinColumns":[],"numberType":true,"textType":false,"updatable":true},""" +
            """{"aggregate":false,"apexType":"Boolean","booleanType":true,"columnName":"IsConverted","custom":false,"displayName":"IsConverted","foreignKeyName":null,"insertable":true,"joinColumns":[],"numberType":false,"textType":false,"updatable":true},""" +
            """{"aggregate":false,"apexType":"Double","booleanType":false,"columnName":"Score__c","custom":true,"displayName":"Score__c","foreignKeyName":null,"insertable":true,"joinColumns":[],"numberType":true,"textType":false,"updatable":true}""" +
            """],"entityName":"Lead","groupBy":false,"idSelected":true,"keyPrefix":"00Q"}""",
            SoqlFixture.Json(result.WriteColumnMetadata));
    }

    [Fact]
    public void WriteColumnMetadata_Count_IsOneAggregateColumnWithoutId()
    {
        var result = _f.Engine.Query("SELECT COUNT() FROM Case", false);
        Assert.Equal(
            """{"columnMetadata":[{"aggregate":true,"apexType":"Integer","booleanType":false,"columnName":"expr0","custom":false,"displayName":"expr0","foreignKeyName":null,"insertable":false,"joinColumns":[],"numberType":true,"textType":false,"updatable":false}],"entityName":"Case","groupBy":false,"idSelected":false,"keyPrefix":"500"}""",
            SoqlFixture.Json(result.WriteColumnMetadata));
    }

    [Fact]
    public void Query_ForViewAndForReference_AreAccepted()
    {
        Assert.Equal(4, _f.Engine.Query("SELECT Id FROM Lead FOR VIEW", false).RowCount);
        Assert.Equal(4, _f.Engine.Query("SELECT Id FROM Lead FOR REFERENCE", false).RowCount);
    }

    [Fact]
    public void Query_FiftyThousandRecords_FiltersSortsAndPages()
    {
        var catalog = new SoqlTestCatalog();
        for (var i = 0; i < 50_000; i++)
        {
            catalog.Add("Lead", ("LastName", "L" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)), ("NumberOfEmployees", (decimal)(i % 100)), ("Status", i % 2 == 0 ? "Open" : "Closed"));
        }

        var result = SoqlTestCatalog.Engine(catalog).Query("SELECT Id, LastName FROM Lead WHERE Status = 'Open' AND NumberOfEmployees < 50 ORDER BY LastName DESC", false);
        Assert.Equal(12_500, result.TotalSize);
        Assert.Equal("L49948", result.RecordAt(0).Fields["LastName"]);
        Assert.Equal("L00000", result.RecordAt(12_499).Fields["LastName"]);
    }
}
