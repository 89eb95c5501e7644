using System.Globalization;
using Forcelink.Emulator.Soql;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.Emulator.Soql;

/// <summary>The clock reads Thursday 2026-11-26 12:00 UTC; weeks start on Sunday 2026-11-22.</summary>
public sealed class SoqlDateLiteralTests
{
    private static readonly string[] Dates =
    [
        "2025-12-31", "2026-01-01", "2026-08-27", "2026-08-28", "2026-10-01", "2026-10-31", "2026-11-01", "2026-11-14", "2026-11-15",
        "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30",
        "2026-12-01", "2026-12-05", "2026-12-06", "2026-12-31", "2027-01-01", "2027-02-24", "2027-02-25",
    ];

    private static readonly string[] DateTimes =
    [
        "2026-11-25T23:59:59.999Z", "2026-11-26T00:00:00Z", "2026-11-26T23:59:59.999Z", "2026-11-27T00:00:00Z",
    ];

    private readonly SoqlTestCatalog _catalog = new();
    private readonly FakeTimeProvider _time = new(SoqlTestCatalog.Now);
    private readonly SoqlEngine _engine;

    public SoqlDateLiteralTests()
    {
        foreach (var date in Dates)
        {
            _catalog.Add("Lead", ("Name", date), ("ConvertedDate", DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }

        _catalog.Add("Lead", ("Name", "none"));
        foreach (var dateTime in DateTimes)
        {
            _catalog.Add("Case", ("Subject", dateTime), ("CreatedDate", DateTimeOffset.Parse(dateTime, CultureInfo.InvariantCulture)));
        }

        _engine = new SoqlEngine(_catalog, _time);
    }

    [Theory]
    [InlineData("= TODAY", "2026-11-26")]
    [InlineData("= YESTERDAY", "2026-11-25")]
    [InlineData("= TOMORROW", "2026-11-27")]
    [InlineData("= this_week", "2026-11-22 2026-11-23 2026-11-25 2026-11-26 2026-11-27 2026-11-28")]
    [InlineData("= LAST_WEEK", "2026-11-15 2026-11-21")]
    [InlineData("= NEXT_WEEK", "2026-11-29 2026-11-30 2026-12-01 2026-12-05")]
    [InlineData("= THIS_MONTH", "2026-11-01 2026-11-14 2026-11-15 2026-11-21 2026-11-22 2026-11-23 2026-11-25 2026-11-26 2026-11-27 2026-11-28 2026-11-29 2026-11-30")]
    [InlineData("= LAST_MONTH", "2026-10-01 2026-10-31")]
    [InlineData("= NEXT_MONTH", "2026-12-01 2026-12-05 2026-12-06 2026-12-31")]
    [InlineData("= LAST_YEAR", "2025-12-31")]
    [InlineData("= NEXT_YEAR", "2027-01-01 2027-02-24 2027-02-25")]
    [InlineData("= LAST_N_DAYS:3", "2026-11-23 2026-11-25 2026-11-26")]
    [InlineData("= NEXT_N_DAYS:3", "2026-11-27 2026-11-28 2026-11-29")]
    [InlineData("= LAST_90_DAYS", "2026-08-28 2026-10-01 2026-10-31 2026-11-01 2026-11-14 2026-11-15 2026-11-21 2026-11-22 2026-11-23 2026-11-25 2026-11-26")]
    [InlineData("= NEXT_90_DAYS", "2026-11-27 2026-11-28 2026-11-29 2026-11-30 2026-12-01 2026-12-05 2026-12-06 2026-12-31 2027-01-01 2027-02-24")]
    [InlineData("< THIS_WEEK", "2025-12-31 2026-01-01 2026-08-27 2026-08-28 2026-10-01 2026-10-31 2026-11-01 2026-11-14 2026-11-15 2026-11-21")]
    [InlineData("> THIS_MONTH", "2026-12-01 2026-12-05 2026-12-06 2026-12-31 2027-01-01 2027-02-24 2027-02-25")]
    [InlineData("<= YESTERDAY", "2025-12-31 2026-01-01 2026-08-27 2026-08-28 2026-10-01 2026-10-31 2026-11-01 2026-11-14 2026-11-15 2026-11-21 2026-11-22 2026-11-23 2026-11-25")]
    [InlineData(">= NEXT_YEAR", "2027-01-01 2027-02-24 2027-02-25")]
    [InlineData("!= THIS_YEAR", "2025-12-31 2027-01-01 2027-02-24 2027-02-25 none")]
    [InlineData("IN (YESTERDAY, TOMORROW)", "2026-11-25 2026-11-27")]
    public void Query_DateFieldRelativeLiteral_MatchesUtcDayRange(string predicate, string expected)
    {
        var result = _engine.Query($"SELECT Name FROM Lead WHERE ConvertedDate {predicate}", false);
        var names = Enumerable.Range(0, result.RowCount).Select(i => (string)result.RecordAt(i).Fields["Name"]!);
        Assert.Equal(expected.Split(' '), names);
    }

    [Fact]
    public void Query_ThisYear_CoversWholeYear()
    {
        var result = _engine.Query("SELECT Name FROM Lead WHERE ConvertedDate = THIS_YEAR", false);
        Assert.Equal(Dates.Count(d => d.StartsWith("2026", StringComparison.Ordinal)), result.RowCount);
    }

    [Theory]
    [InlineData("= YESTERDAY", "2026-11-25T23:59:59.999Z")]
    [InlineData("= TODAY", "2026-11-26T00:00:00Z 2026-11-26T23:59:59.999Z")]
    [InlineData("= TOMORROW", "2026-11-27T00:00:00Z")]
    [InlineData("< TODAY", "2026-11-25T23:59:59.999Z")]
    [InlineData("> TODAY", "2026-11-27T00:00:00Z")]
    [InlineData("<= TODAY", "2026-11-25T23:59:59.999Z 2026-11-26T00:00:00Z 2026-11-26T23:59:59.999Z")]
    [InlineData(">= TODAY", "2026-11-26T00:00:00Z 2026-11-26T23:59:59.999Z 2026-11-27T00:00:00Z")]
    [InlineData("= LAST_N_DAYS:1", "2026-11-25T23:59:59.999Z 2026-11-26T00:00:00Z 2026-11-26T23:59:59.999Z")]
    [InlineData("> 2026-11-26T00:00:00Z", "2026-11-26T23:59:59.999Z 2026-11-27T00:00:00Z")]
    [InlineData("< 2026-11-26T01:00:00+01:00", "2026-11-25T23:59:59.999Z")]
    [InlineData("= 2026-11-26T00:00:00.000Z", "2026-11-26T00:00:00Z")]
    public void Query_DateTimeFieldLiteral_ComparesInstantsInUtc(string predicate, string expected)
    {
        var result = _engine.Query($"SELECT Subject FROM Case WHERE CreatedDate {predicate}", false);
        var subjects = Enumerable.Range(0, result.RowCount).Select(i => (string)result.RecordAt(i).Fields["Subject"]!);
        Assert.Equal(expected.Split(' '), subjects);
    }

    [Fact]
    public void Query_ClockAdvances_TodayFollowsInjectedTimeProvider()
    {
        _time.Advance(TimeSpan.FromHours(12));
        var result = _engine.Query("SELECT Name FROM Lead WHERE ConvertedDate = TODAY", false);
        Assert.Equal("2026-11-27", result.RecordAt(0).Fields["Name"]);
    }
}
