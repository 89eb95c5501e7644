using System.Text.Json.Nodes;

namespace Forcelink.IntegrationTests.Conformance;

public sealed class JsonShapeTests
{
    [Fact]
    public void Compare_SameKeysOtherValues_NoDifference() =>
        Assert.Empty(JsonShape.Compare(Parse("""{"id":"a","n":1,"ok":true,"l":[1,2]}"""), Parse("""{"id":"b","n":2.5,"ok":false,"l":[]}""")));

    [Fact]
    public void Compare_MissingExtraAndTypes_EachReportedWithItsPath() =>
        Assert.Equal(
            ["$.records[].n: string where Salesforce has number", "$.records[].extra: extra", "$.records[].id: missing", "$.done: missing"],
            JsonShape.Compare(
                Parse("""{"done":true,"records":[{"id":"a","n":1}]}"""),
                Parse("""{"records":[{"n":"1","extra":0},{"id":"b","n":"2"}]}""")));

    [Fact]
    public void Compare_NullEitherSide_MatchesAnyType() =>
        Assert.Empty(JsonShape.Compare(Parse("""{"a":null,"b":{"x":1},"c":[{"y":1},null]}"""), Parse("""{"a":{"z":1},"b":null,"c":[null]}""")));

    [Fact]
    public void Compare_KeyInSomeRecordedObjectsOnly_IsOptional() =>
        Assert.Empty(JsonShape.Compare(Parse("""[{"a":1,"b":2},{"a":1}]"""), Parse("""[{"a":3}]""")));

    [Fact]
    public void Compare_Rules_AcceptListedDifferencesAndReportUnusedOnes()
    {
        var rules = new ShapeRules()
            .AllowMissing("$.gone", "reason")
            .AllowExtra("$.records[].*__c", "reason")
            .Open("$.open", "reason")
            .Ignore("$.skip", "reason")
            .AllowExtra("$.never", "reason");

        var differences = JsonShape.Compare(
            Parse("""{"gone":1,"records":[{"Id":"a"}],"open":{"a":1,"b":"x"},"skip":1}"""),
            Parse("""{"records":[{"Id":"b","Foo__c":1}],"open":{"b":"y","c":2},"skip":"text"}"""),
            rules);

        Assert.Empty(differences);
        Assert.Equal(["Extra $.never (reason)"], rules.Unused);
    }

    [Fact]
    public void Compare_OpenObject_StillComparesTheKeysBothHave() =>
        Assert.Equal(["$.open.b: number where Salesforce has string"],
            JsonShape.Compare(Parse("""{"open":{"b":"x"}}"""), Parse("""{"open":{"b":1,"c":2}}"""), new ShapeRules().Open("$.open", "reason")));

    private static JsonNode Parse(string json) => JsonNode.Parse(json)!;
}
