using System.Globalization;
using System.Text.Json.Nodes;
using Forcelink.Fleet.Testing;
using Forcelink.FleetSimulation;

// Runs the same SQS-like workload three ways (no token cache, a cache per container, the fleet's shared cache with
// idempotency records) against the in-process emulator and dynalite, and prints what each cost as a markdown table.
if (args is ["soak", ..])
{
    // The soak of docs/fleet.md: bench/soak.sh [--operations N] [--small] [--json]; --json prints one line of JSON with
    // the figures instead of the markdown table, for bench/run.sh's driver (scenario soak).
    var soak = args.Contains("--small") ? SoakSettings.Small : SoakSettings.Full;
    var at = Array.IndexOf(args, "--operations");
    if (at > 0 && at + 1 < args.Length && int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var operations) && operations >= 100)
    {
        soak = soak with { Operations = operations };
    }

    await using var soakDynalite = await DynaliteProcess.StartAsync();
    var outcome = await SoakRun.RunAsync(soak, soakDynalite);
    await Console.Out.WriteLineAsync(args.Contains("--json") ? SoakJson(outcome) : outcome.ToMarkdown());
    foreach (var problem in outcome.Problems)
    {
        await Console.Error.WriteLineAsync(problem);
    }

    return outcome.Passed ? 0 : 1;
}

var settings = SimulationSettings.Parse(args);
if (settings is null)
{
    await Console.Error.WriteLineAsync("usage: Forcelink.FleetSimulation [--containers 50] [--invocations 100] [--retry-percent 10] [--session-minutes 10] [--margin-minutes 0] [--step-seconds 36]");
    return 2;
}

await using var dynalite = await DynaliteProcess.StartAsync();
var results = new List<SimulationResult>();
foreach (var setup in Enum.GetValues<TokenSetup>())
{
    await Console.Error.WriteLineAsync($"running {setup} ...");
    results.Add(await FleetRun.RunAsync(setup, settings, dynalite));
}

await Console.Out.WriteLineAsync(SimulationReport.ToMarkdown(settings, results));
// The fewest logins possible: one per token lifetime, or per (lifetime − margin) when tokens are renewed ahead of their end.
return results.Single(r => r.Setup == TokenSetup.Shared) is { Failed: 0, Duplicates: 0 } shared && shared.Logins <= shared.RenewalPeriods
    ? 0
    : 1;

static string SoakJson(SoakResult outcome) => new JsonObject
{
    ["passed"] = outcome.Passed,
    ["operations"] = outcome.Settings.Operations,
    ["containers"] = outcome.Settings.Containers,
    ["faultRate"] = outcome.Settings.FaultRate,
    ["killRate"] = outcome.Settings.KillRate,
    ["revocations"] = outcome.Settings.Revocations,
    ["invocations"] = outcome.Invocations,
    ["deliveries"] = outcome.Deliveries,
    ["redeliveries"] = outcome.Redeliveries,
    ["killed"] = outcome.Killed,
    ["deadlineStops"] = outcome.DeadlineStops,
    ["faultsHit"] = outcome.FaultsHit,
    ["lost"] = outcome.Lost,
    ["duplicated"] = outcome.Duplicated,
    ["wrong"] = outcome.Wrong,
    ["unhandled"] = outcome.Unhandled,
    ["fleetLogins"] = outcome.FleetLogins,
    ["orgLogins"] = outcome.OrgLogins,
    ["simulatedSeconds"] = outcome.SimulatedTime.TotalSeconds,
    ["wallSeconds"] = outcome.WallTime.TotalSeconds,
}.ToJsonString();

namespace Forcelink.FleetSimulation
{
    internal enum TokenSetup
    {
        /// <summary>A login per invocation, as a function without any token cache.</summary>
        None,

        /// <summary>The library's in-memory cache in each container; nothing shared, no idempotency records.</summary>
        PerContainer,

        /// <summary>The token table behind every container's cache, and the idempotency table.</summary>
        Shared,
    }

    internal sealed record SimulationSettings(int Containers, int Invocations, int RetryPercent, TimeSpan Session, TimeSpan Margin, TimeSpan Step)
    {
        public static SimulationSettings? Parse(string[] args)
        {
            var values = new Dictionary<string, int>(StringComparer.Ordinal)
            {
                ["--containers"] = 50,
                ["--invocations"] = 100,
                ["--retry-percent"] = 10,
                ["--session-minutes"] = 10,
                ["--margin-minutes"] = 0,
                ["--step-seconds"] = 36,
            };
            for (var i = 0; i < args.Length; i += 2)
            {
                if (!values.ContainsKey(args[i]) || i + 1 >= args.Length
                    || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    return null;
                }

                values[args[i]] = value;
            }

            return values["--containers"] < 1 || values["--invocations"] < 1 || values["--session-minutes"] < 1 || values["--margin-minutes"] >= values["--session-minutes"]
                ? null
                : new SimulationSettings(
                    values["--containers"],
                    values["--invocations"],
                    values["--retry-percent"],
                    TimeSpan.FromMinutes(values["--session-minutes"]),
                    TimeSpan.FromMinutes(values["--margin-minutes"]),
                    TimeSpan.FromSeconds(values["--step-seconds"]));
        }
    }

    internal sealed record SimulationResult(
        TokenSetup Setup,
        int Invocations,
        int Retries,
        int Logins,
        int LifetimesElapsed,
        int RenewalPeriods,
        int Duplicates,
        int Failed,
        TimeSpan Duration);
}
