using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using Forcelink.Bench;
using Forcelink.IntegrationTests.Lambda;
using Forcelink.IntegrationTests.S3;

// Usage: Forcelink.S3Bench --bootstrap FILE --cli FILE [--rows N] [--memory MB] [--json]
// One CSV of N upserts (about 150 bytes a row) put in s3rver, loaded by the AOT function (fresh process, event to
// summary) and then by `forcelink import --bulk` from a local copy, both against the same in-process emulator. Prints a
// markdown table, or with --json one line of JSON with the same figures.
var rows = int.Parse(Value("--rows") ?? "100000", CultureInfo.InvariantCulture);
var memory = Value("--memory") ?? "128";
var bootstrap = Value("--bootstrap") ?? throw new ArgumentException("--bootstrap FILE is required");
var cli = Value("--cli") ?? throw new ArgumentException("--cli FILE is required");

var work = Directory.CreateTempSubdirectory("forcelink-s3-bench-");
try
{
    await using var emulator = await BenchOrg.StartAsync(work.FullName);
    var environment = BenchOrg.Environment(emulator, work.FullName);
    await using var s3rver = await S3rverProcess.StartAsync();
    using var s3 = s3rver.CreateClient();
    const string bucket = "forcelink-bench";
    const string key = "loads/upsert/Lead/Ext_Id__c/bench.csv";
    await s3.PutBucketAsync(bucket);

    var csv = Path.Combine(work.FullName, "bench.csv");
    await WriteCsvAsync(csv, rows);
    var bytes = new FileInfo(csv).Length;
    await using (var file = File.OpenRead(csv))
    {
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = file, UseChunkEncoding = false });
    }

    var head = await s3.GetObjectMetadataAsync(bucket, key);
    Console.Error.WriteLine($"s3 bench: {rows:N0} rows, {bytes / 1e6:N1} MB in s3rver at {s3rver.ServiceUrl}; emulator at {emulator.BaseUrl}");

    // The function: the S3 event through SQS, as the template delivers it.
    var function = new Dictionary<string, string>(environment)
    {
        ["FORCELINK_S3_BUCKET"] = bucket,
        ["AWS_ENDPOINT_URL_S3"] = s3rver.ServiceUrl.AbsoluteUri,
        ["AWS_ACCESS_KEY_ID"] = "S3RVER",
        ["AWS_SECRET_ACCESS_KEY"] = "S3RVER",
        ["AWS_REGION"] = "us-east-1",
        ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = memory,
    };
    var notification = new JsonObject
    {
        ["Records"] = new JsonArray(new JsonObject
        {
            ["eventSource"] = "aws:s3",
            ["eventName"] = "ObjectCreated:Put",
            ["s3"] = new JsonObject
            {
                ["bucket"] = new JsonObject { ["name"] = bucket },
                ["object"] = new JsonObject { ["key"] = key, ["size"] = head.ContentLength, ["eTag"] = head.ETag.Trim('"') },
            },
        }),
    };
    var sqs = new JsonObject
    {
        ["Records"] = new JsonArray(new JsonObject { ["messageId"] = "bench-1", ["body"] = notification.ToJsonString(), ["eventSource"] = "aws:sqs", ["eventSourceARN"] = "arn:aws:sqs:us-east-1:123456789012:forcelink-loads" }),
    };
    await using var api = await FakeRuntimeApi.StartAsync();
    api.Enqueue(sqs.ToJsonString(), TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(15));
    var calls = emulator.Org.ApiUsed + emulator.LoginCount("bench@example.com");
    var fn = await RunAsync(bootstrap, [], function, api);
    var fnCalls = emulator.Org.ApiUsed + emulator.LoginCount("bench@example.com") - calls;
    using var summaryResponse = await s3.GetObjectAsync(bucket, $"results/{key}/summary.json");
    var summary = JsonNode.Parse(await new StreamReader(summaryResponse.ResponseStream).ReadToEndAsync())!;
    if (summary["status"]!.GetValue<string>() != "complete" || summary["rowsSuccessful"]!.GetValue<long>() != rows)
    {
        throw new InvalidOperationException($"the function's load is not complete: {summary}\n{fn.Output[^Math.Min(fn.Output.Length, 4_000)..]}");
    }

    // The CLI, from the same file on disk.
    calls = emulator.Org.ApiUsed + emulator.LoginCount("bench@example.com");
    var cliRun = await RunAsync(cli, ["import", "Lead", csv, "--external-id", "Ext_Id__c", "--bulk", "--json"], environment, null);
    var cliCalls = emulator.Org.ApiUsed + emulator.LoginCount("bench@example.com") - calls;

    var jobs = summary["jobs"]!.AsArray().Count;
    if (args.Contains("--json"))
    {
        // bench/run.sh's driver (scenario s3) reads this line into its table.
        Console.WriteLine(new JsonObject
        {
            ["rows"] = rows,
            ["bytes"] = bytes,
            ["memoryMb"] = int.Parse(memory, CultureInfo.InvariantCulture),
            ["jobs"] = jobs,
            ["function"] = new JsonObject { ["seconds"] = fn.Seconds, ["peakBytes"] = fn.PeakBytes, ["apiCalls"] = fnCalls },
            ["cli"] = new JsonObject { ["seconds"] = cliRun.Seconds, ["peakBytes"] = cliRun.PeakBytes, ["apiCalls"] = cliCalls },
        }.ToJsonString());
        return;
    }

    Console.WriteLine($"| {rows:N0} upserts, {bytes / 1e6:N0} MB CSV | AOT function from S3 (event to summary) | forcelink import --bulk (CLI) |");
    Console.WriteLine("|---|---|---|");
    Console.WriteLine($"| peak memory (RSS high-water mark, MB) | {fn.PeakBytes / 1048576.0:N0} (GC heap capped at {memory} MB) | {cliRun.PeakBytes / 1048576.0:N0} |");
    Console.WriteLine($"| API calls (Salesforce, logins included) | {fnCalls:N0} | {cliCalls:N0} |");
    Console.WriteLine($"| time (s) | {fn.Seconds:N1} | {cliRun.Seconds:N1} |");
    Console.WriteLine($"| jobs | {jobs} | |");
}
finally
{
    work.Delete(recursive: true);
}

string? Value(string name) => Array.IndexOf(args, name) is >= 0 and var i && i + 1 < args.Length ? args[i + 1] : null;

static async Task WriteCsvAsync(string path, int count)
{
    await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
    await writer.WriteAsync("Ext_Id__c,FirstName,LastName,Company,Email,Status,Description\n");
    for (var i = 0; i < count; i++)
    {
        await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture,
            $"EXT-{i:D8},Ada,Lovelace {i:D8},Analytical Engines {i % 1000:D4} Ltd,ada.{i:D8}@example.com,Open - Not Contacted,Loaded by the S3 bench; row {i:D8}\n"));
    }
}

// Runs a process to its answer (the function: the Runtime API's first post; the CLI: its exit), sampling its resident
// high-water mark until then.
static async Task<(double Seconds, long PeakBytes, string Output)> RunAsync(string fileName, string[] arguments, Dictionary<string, string> environment, FakeRuntimeApi? api)
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

    if (api is not null)
    {
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = api.Authority;
    }

    var stopwatch = Stopwatch.StartNew();
    using var process = Process.Start(start)!;
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    var peak = 0L;
    var posted = api?.NextPostAsync(TimeSpan.FromMinutes(30));
    var done = posted ?? process.WaitForExitAsync();
    while (!done.IsCompleted)
    {
        peak = Math.Max(peak, PeakResidentBytes(process.Id));
        await Task.WhenAny(done, Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System));
    }

    var seconds = stopwatch.Elapsed.TotalSeconds;
    peak = Math.Max(peak, PeakResidentBytes(process.Id));
    if (posted is not null)
    {
        var post = await posted;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        if (post.Kind != PostKind.Response || !post.Body.Contains("\"batchItemFailures\":[]", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the function answered {post.Kind}: {post.Body}\n{await stderr}");
        }
    }
    else if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{fileName} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }

    return (seconds, peak, await stdout + await stderr);
}

static long PeakResidentBytes(int pid)
{
    try
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
    }
    catch (IOException)
    {
        // The process has exited.
    }

    return 0;
}
