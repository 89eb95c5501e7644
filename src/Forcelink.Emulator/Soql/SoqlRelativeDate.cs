namespace Forcelink.Emulator.Soql;

/// <summary>
/// A relative date literal (<c>TODAY</c>, <c>LAST_N_DAYS:7</c>...), resolved per query against the injected clock
/// as a half-open day range in the org time zone, which the emulator fixes to UTC.
/// </summary>
internal sealed record SoqlRelativeDate(string Name, int? N)
{
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "TODAY", "YESTERDAY", "TOMORROW", "LAST_WEEK", "THIS_WEEK", "NEXT_WEEK", "LAST_MONTH", "THIS_MONTH", "NEXT_MONTH",
        "LAST_90_DAYS", "NEXT_90_DAYS", "THIS_YEAR", "LAST_YEAR", "NEXT_YEAR", "LAST_N_DAYS", "NEXT_N_DAYS",
    };

    public static bool IsName(string text) => Names.Contains(text);

    public static bool TakesArgument(string text) =>
        text.Equals("LAST_N_DAYS", StringComparison.OrdinalIgnoreCase) || text.Equals("NEXT_N_DAYS", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first day in the range and the first day after it.</summary>
    public (DateOnly Start, DateOnly End) Resolve(DateOnly today)
    {
        // Weeks start on Sunday, as in the en_US locale Salesforce orgs default to.
        var weekStart = today.AddDays(-(int)today.DayOfWeek);
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var yearStart = new DateOnly(today.Year, 1, 1);
        return Name switch
        {
            "TODAY" => (today, today.AddDays(1)),
            "YESTERDAY" => (today.AddDays(-1), today),
            "TOMORROW" => (today.AddDays(1), today.AddDays(2)),
            "LAST_WEEK" => (weekStart.AddDays(-7), weekStart),
            "THIS_WEEK" => (weekStart, weekStart.AddDays(7)),
            "NEXT_WEEK" => (weekStart.AddDays(7), weekStart.AddDays(14)),
            "LAST_MONTH" => (monthStart.AddMonths(-1), monthStart),
            "THIS_MONTH" => (monthStart, monthStart.AddMonths(1)),
            "NEXT_MONTH" => (monthStart.AddMonths(1), monthStart.AddMonths(2)),
            "THIS_YEAR" => (yearStart, yearStart.AddYears(1)),
            "LAST_YEAR" => (yearStart.AddYears(-1), yearStart),
            "NEXT_YEAR" => (yearStart.AddYears(1), yearStart.AddYears(2)),
            // LAST_N_DAYS includes today (LAST_N_DAYS:1 is yesterday and today); NEXT_N_DAYS starts tomorrow.
            "LAST_90_DAYS" => (today.AddDays(-90), today.AddDays(1)),
            "NEXT_90_DAYS" => (today.AddDays(1), today.AddDays(91)),
            "LAST_N_DAYS" => (today.AddDays(-N!.Value), today.AddDays(1)),
            "NEXT_N_DAYS" => (today.AddDays(1), today.AddDays(N!.Value + 1)),
            _ => throw new InvalidOperationException($"Unknown relative date literal {Name}."),
        };
    }
}
