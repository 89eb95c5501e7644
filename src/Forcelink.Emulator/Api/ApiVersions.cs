using System.Globalization;

namespace Forcelink.Emulator.Api;

/// <summary>The REST API versions the emulator answers, as <c>/services/data</c> lists them.</summary>
internal static class ApiVersions
{
    public const decimal MinVersion = 31.0m;
    public const decimal MaxVersion = 68.0m;

    public static IEnumerable<(string Label, string Version)> All()
    {
        string[] seasons = ["Summer", "Winter", "Spring"];
        for (var v = (int)MinVersion; v <= (int)MaxVersion; v++)
        {
            var index = v - 31;
            yield return ($"{seasons[index % 3]} '{14 + ((index + 2) / 3):00}", $"{v}.0");
        }
    }

    public static bool IsKnown(string version) =>
        decimal.TryParse(version, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v)
        && version.Contains('.', StringComparison.Ordinal) && v >= MinVersion && v <= MaxVersion && v == decimal.Truncate(v);
}
