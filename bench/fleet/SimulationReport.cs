using System.Globalization;
using System.Text;

namespace Forcelink.FleetSimulation;

/// <summary>The three set-ups side by side, as a markdown table with the settings it was made with.</summary>
internal static class SimulationReport
{
    public static string ToMarkdown(SimulationSettings settings, IReadOnlyList<SimulationResult> results)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.Append(c, $"{settings.Containers} containers × {settings.Invocations} invocations (one create each), {settings.RetryPercent}% redelivered once with the same key; ")
            .Append(c, $"simulated {results.Max(r => r.Duration).TotalMinutes:0.#} min (redeliveries included) in steps of {settings.Step.TotalSeconds:0} s; ")
            .Append(c, $"session timeout and token lifetime {settings.Session.TotalMinutes:0} min, refresh margin {settings.Margin.TotalMinutes:0} min; ")
            .AppendLine("the emulator refuses logins beyond 3,600 per user per hour.");
        text.AppendLine();
        text.AppendLine("| set-up | invocations (+ redeliveries) | logins counted by the emulator | token lifetimes elapsed | renewal periods (lifetime − margin) | duplicates created | failed invocations |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var name = r.Setup switch
            {
                TokenSetup.None => "no cache (login per invocation)",
                TokenSetup.PerContainer => "per-container cache",
                _ => "shared cache (token + idempotency tables)",
            };
            text.AppendLine(c, $"| {name} | {r.Invocations} (+{r.Retries}) | {r.Logins} | {r.LifetimesElapsed} | {r.RenewalPeriods} | {r.Duplicates} | {r.Failed} |");
        }

        return text.ToString();
    }
}
