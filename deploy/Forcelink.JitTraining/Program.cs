using System.Diagnostics;
using System.Text.Json.Nodes;
using Forcelink.Bench;
using Forcelink.IntegrationTests.Lambda;
using Forcelink.Lambda.Runtime;

// Usage: Forcelink.JitTraining PUBLISH_DIR
// Runs PUBLISH_DIR/Forcelink.Lambda.dll once against the emulator and a fake Runtime API, with the function recording
// which methods it compiles (FORCELINK_JIT_PROFILE_RECORD), and leaves the profile in PUBLISH_DIR/forcelink.jitprofile.
// The events are what a cold start most often meets: a direct create and an SQS batch of upserts. Other operations are
// left out on purpose: the profile is replayed on a second thread, and methods a process never calls would take CPU from
// the first invocation where Lambda gives a function less than two vCPUs (under 1,769 MB of memory).
if (args is not [var publishDirectory] || !File.Exists(Path.Combine(publishDirectory, "Forcelink.Lambda.dll")))
{
    Console.Error.WriteLine("usage: Forcelink.JitTraining PUBLISH_DIR (the folder holding the published Forcelink.Lambda.dll)");
    return 2;
}

var work = Directory.CreateTempSubdirectory("forcelink-jit-training-");
try
{
    await using var emulator = await BenchOrg.StartAsync(work.FullName);
    var environment = BenchOrg.Environment(emulator, work.FullName);
    await using var api = await FakeRuntimeApi.StartAsync();
    var now = TimeProvider.System.GetUtcNow();
    string[] events =
    [
        """{"operation":"create","object":"Lead","fields":{"LastName":"Cold","Company":"Start"}}""",
        SqsBatch(3),
    ];
    foreach (var e in events)
    {
        api.Enqueue(e, now, TimeSpan.FromMinutes(5));
    }

    var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    start.ArgumentList.Add(Path.Combine(publishDirectory, "Forcelink.Lambda.dll"));
    start.Environment["AWS_LAMBDA_RUNTIME_API"] = api.Authority;
    start.Environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512";
    foreach (var (name, value) in environment)
    {
        start.Environment[name] = value;
    }

    start.Environment["FORCELINK_POLICY"] = """{"Lead":"*"}""";
    start.Environment[JitProfile.RecordVariable] = work.FullName;
    using var process = Process.Start(start)!;
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    for (var i = 0; i < events.Length; i++)
    {
        var post = await api.NextPostAsync(TimeSpan.FromSeconds(60));
        if (post.Kind != PostKind.Response || post.Body.Contains("\"ok\":false", StringComparison.Ordinal) || post.Body.Contains("\"itemIdentifier\"", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            Console.Error.WriteLine($"Forcelink.JitTraining: event {i + 1} was answered {post.Kind}: {post.Body}\n{await stdout}\n{await stderr}");
            return 1;
        }
    }

    // SIGTERM, as Lambda stops an environment: the runtime stops between invocations and exits, and the JIT profile is
    // written as the process ends.
    Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
    if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
    {
        process.Kill(entireProcessTree: true);
        Console.Error.WriteLine("Forcelink.JitTraining: the function did not exit within 30 s of SIGTERM.");
        return 1;
    }

    var recorded = Path.Combine(work.FullName, JitProfile.FileName);
    if (!File.Exists(recorded))
    {
        Console.Error.WriteLine($"Forcelink.JitTraining: the function exited {process.ExitCode} without writing {JitProfile.FileName}.\n{await stderr}");
        return 1;
    }

    File.Copy(recorded, Path.Combine(publishDirectory, JitProfile.FileName), overwrite: true);
    Console.WriteLine($"Forcelink.JitTraining: {Path.Combine(publishDirectory, JitProfile.FileName)} ({new FileInfo(recorded).Length:N0} bytes, {events.Length} events)");
    return 0;
}
finally
{
    work.Delete(recursive: true);
}

// An SQS batch of upserts, as the event source mapping delivers it.
static string SqsBatch(int count) => new JsonObject
{
    ["Records"] = new JsonArray([.. Enumerable.Range(1, count).Select(i => (JsonNode)new JsonObject
    {
        ["messageId"] = $"m{i}",
        ["receiptHandle"] = $"r{i}",
        ["body"] = new JsonObject
        {
            ["operation"] = "upsert",
            ["object"] = "Lead",
            ["externalIdField"] = "Ext_Id__c",
            ["externalId"] = $"t{i}",
            ["fields"] = new JsonObject { ["LastName"] = $"Queued {i}", ["Company"] = "Training" },
        }.ToJsonString(),
        ["attributes"] = new JsonObject { ["ApproximateReceiveCount"] = "1" },
        ["eventSource"] = "aws:sqs",
        ["eventSourceARN"] = "arn:aws:sqs:eu-west-1:123456789012:forcelink",
        ["awsRegion"] = "eu-west-1",
    })]),
}.ToJsonString();
