using System.Globalization;

namespace Forcelink.Records;

/// <summary>Salesforce's date and datetime wire formats.</summary>
public static class SalesforceDateTime
{
    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.fffzzz",
        "yyyy-MM-dd'T'HH:mm:ss.fffK",
        "yyyy-MM-dd'T'HH:mm:sszzz",
        "yyyy-MM-dd'T'HH:mm:ssK",
    ];

    /// <summary>Formats a datetime as Salesforce writes it in REST bodies: <c>2021-11-06T17:38:40.000+0000</c> (UTC).</summary>
    public static string Format(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);

    /// <summary>Formats a date: <c>2021-11-06</c>.</summary>
    public static string Format(DateOnly value) => value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Parses Salesforce's datetime (<c>+0000</c> offsets without a colon included) or any ISO 8601 datetime.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        // .NET wants "+00:00"; Salesforce writes "+0000".
        var normalized = text.Length >= 5 && (text[^5] == '+' || text[^5] == '-') && char.IsDigit(text[^1])
            ? string.Concat(text.AsSpan(0, text.Length - 2), ":", text.AsSpan(text.Length - 2))
            : text;
        return DateTimeOffset.TryParseExact(normalized, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value)
            || DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }
}
