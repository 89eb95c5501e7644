using Forcelink.Emulator.Soql;

namespace Forcelink.Tests.Emulator.Soql;

public sealed class SoqlAggregateTests
{
    private readonly SoqlFixture _f = new();

    [Fact]
    public void Query_GroupByWithCount_OneAggregateResultPerGroup()
    {
        var result = _f.Engine.Query("SELECT Status, COUNT(Id) FROM Lead GROUP BY Status ORDER BY Status", false);
        Assert.False(result.IsCount);
        Assert.Equal(3, result.TotalSize);
        Assert.Equal(
            [
                """{"attributes":{"type":"AggregateResult"},"Status":"Closed","expr0":1}""",
                """{"attributes":{"type":"AggregateResult"},"Status":"Open","expr0":2}""",
                """{"attributes":{"type":"AggregateResult"},"Status":"Working","expr0":1}""",
            ],
            Rows(result));
    }

    [Fact]
    public void Query_AggregatesWithoutGroupBy_SingleRowWithAliasesAndExprNames()
    {
        var result = _f.Engine.Query(
            "SELECT COUNT(Id) total, MAX(NumberOfEmployees), MIN(Name), SUM(AnnualRevenue), AVG(NumberOfEmployees), COUNT_DISTINCT(Status), MAX(CreatedDate) FROM Lead", false);
        Assert.Equal(
            [
                """{"attributes":{"type":"AggregateResult"},"total":4,"expr0":50,"expr1":"Ann O\u0027Brien","expr2":2600.0,"expr3":21.6666666666667,"expr4":3,"expr5":"2026-11-26T08:00:00.000\u002B0000"}""",
            ],
            Rows(result));
    }

    [Fact]
    public void Query_AggregateOverNoRows_CountZeroOthersNull() =>
        Assert.Equal(
            ["""{"attributes":{"type":"AggregateResult"},"expr0":0,"expr1":null}"""],
            Rows(_f.Engine.Query("SELECT COUNT(Id), SUM(AnnualRevenue) FROM Lead WHERE Name = 'nobody'", false)));

    [Fact]
    public void Query_GroupByParentOrderedByAggregate_GroupsNullParentsTogether() =>
        Assert.Equal(
            [
                """{"attributes":{"type":"AggregateResult"},"Name":"Ada Admin","c":2}""",
                """{"attributes":{"type":"AggregateResult"},"Name":null,"c":1}""",
                """{"attributes":{"type":"AggregateResult"},"Name":"Bob Builder","c":1}""",
            ],
            Rows(_f.Engine.Query("SELECT Owner.Name, COUNT(Id) c FROM Lead GROUP BY Owner.Name ORDER BY COUNT(Id) DESC, Owner.Name", false)));

    [Fact]
    public void Query_GroupByCaseInsensitive_LimitAndOffsetApplyToGroups()
    {
        _f.Catalog.Add("Lead", ("Name", "Eve"), ("Status", "OPEN"));
        var result = _f.Engine.Query("SELECT Status, COUNT(Id) FROM Lead GROUP BY Status ORDER BY COUNT(Id) DESC LIMIT 1 OFFSET 0", false);
        Assert.Equal(["""{"attributes":{"type":"AggregateResult"},"Status":"Open","expr0":3}"""], Rows(result));
        Assert.Single(Rows(_f.Engine.Query("SELECT Status FROM Lead GROUP BY Status LIMIT 2 OFFSET 2", false)));
    }

    [Theory]
    [InlineData("SELECT Name, COUNT(Id) FROM Lead GROUP BY Status", 8, "Field must be grouped or aggregated: Name")]
    [InlineData("SELECT SUM(Name) FROM Lead", 8, "field Name does not support aggregate operator SUM")]
    [InlineData("SELECT AVG(IsConverted) FROM Lead", 8, "field IsConverted does not support aggregate operator AVG")]
    [InlineData("SELECT Status FROM Lead GROUP BY Status ORDER BY Name", 50, "Ordered field must be grouped or aggregated: Name")]
    [InlineData("SELECT Id FROM Lead ORDER BY COUNT(Id)", 30, "COUNT() is only allowed in an aggregate query")]
    public void Query_BadAggregate_MalformedQuery(string soql, int column, string text)
    {
        var error = _f.Error(soql);
        Assert.Equal("MALFORMED_QUERY", error.ErrorCode);
        Assert.EndsWith($"ERROR at Row:1:Column:{column}\n{text}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteColumnMetadata_AggregateQuery_AggregateColumnsAndGroupBy() =>
        Assert.Equal(
            """{"columnMetadata":[""" +
            """{"aggregate":true,"apexType":"String","booleanType":false,"columnName":"Status","custom":false,"displayName":"Status","foreignKeyName":null,"insertable":true,"joinColumns":[],"numberType":false,"textType":true,"updatable":true},""" +
            """{"aggregate":true,"apexType":"Integer","booleanType":false,"columnName":"expr0","custom":false,"displayName":"COUNT(Id)","foreignKeyName":null,"insertable":false,"joinColumns":[],"numberType":true,"textType":false,"updatable":false}""" +
            """],"entityName":"Lead","groupBy":true,"idSelected":false,"keyPrefix":"00Q"}""",
            SoqlFixture.Json(_f.Engine.Query("SELECT Status, COUNT(Id) FROM Lead GROUP BY Status", false).WriteColumnMetadata));

    private static List<string> Rows(SoqlQueryResult result) =>
        [.. Enumerable.Range(0, result.RowCount).Select(i => SoqlFixture.Json(w => result.WriteRecord(w, i, "62.0")))];
}
