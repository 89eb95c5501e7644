using Forcelink.Emulator.Soql;

namespace Forcelink.Tests.Emulator.Soql;

public sealed class SoqlInjectionTests
{
    private readonly SoqlTestCatalog _catalog = new();
    private readonly SoqlEngine _engine;

    public SoqlInjectionTests()
    {
        foreach (var payload in SoqlInjectionCorpus.Payloads)
        {
            _catalog.Add("Lead", ("Name", payload), ("LastName", payload));
        }

        _catalog.Add("Lead", ("Name", "x"), ("LastName", "x"));
        _catalog.Add("Lead", ("Name", "y"), ("LastName", "y"));
        _engine = SoqlTestCatalog.Engine(_catalog);
    }

    public static TheoryData<string> Payloads => [.. SoqlInjectionCorpus.Payloads];

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Query_EscapedPayload_MatchesOnlyItself(string payload)
    {
        var result = _engine.Query($"SELECT Name FROM Lead WHERE Name = '{SoqlInjectionCorpus.EscapeLiteral(payload)}'", false);
        Assert.Equal([payload], Names(result));
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Query_EscapedPayloadInLike_MatchesOnlyItself(string payload)
    {
        var result = _engine.Query($"SELECT Name FROM Lead WHERE Name LIKE '{SoqlInjectionCorpus.EscapeLike(payload)}'", false);
        Assert.Equal([payload], Names(result));
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Query_RawPayload_FailsOrChangesMeaning(string payload)
    {
        List<string> names;
        try
        {
            names = Names(_engine.Query($"SELECT Name FROM Lead WHERE Name = '{payload}'", false));
        }
        catch (SoqlException error)
        {
            Assert.Contains(error.ErrorCode, new[] { "MALFORMED_QUERY", "INVALID_FIELD", "INVALID_QUERY_FILTER_OPERATOR" });
            return;
        }

        Assert.NotEqual([payload], names);
    }

    private static List<string> Names(SoqlQueryResult result) =>
        [.. Enumerable.Range(0, result.RowCount).Select(i => (string)result.RecordAt(i).Fields["Name"]!)];
}
