using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Forcelink.IntegrationTests.Lambda;

namespace Forcelink.Bench;

/// <summary>
/// Instructions executed (callgrind's <c>Ir</c>), which unlike times do not move with the machine's load: the AOT bootstrap's
/// cold start (process start to exit, one JWT login and one Lead create, as the cold-start row), and a warm <c>get</c>,
/// taken as the difference between a process answering 1 + 2N events and one answering 1 + N, divided by N (start,
/// login and exit cancel out). The managed build and the jsforce runtime get the cold start only: their warm code
/// changes as their JITs recompile it, so a per-invocation difference would not settle.
/// </summary>
internal static partial class Instructions
{
    public static async Task<(long ColdStart, long WarmGet)> MeasureAsync(
        string bootstrap, Dictionary<string, string> environment, string recordId, int gets)
    {
        var cold = await CountAsync(bootstrap, [], environment, recordId, 0, runOnce: true);
        var small = await CountAsync(bootstrap, [], environment, recordId, gets, runOnce: false);
        var large = await CountAsync(bootstrap, [], environment, recordId, gets * 2, runOnce: false);
        return (cold, (large - small) / gets);
    }

    /// <summary>The cold start of a runtime run by <paramref name="fileName"/> (dotnet, node) with these arguments.</summary>
    public static Task<long> ColdStartAsync(string fileName, string[] arguments, Dictionary<string, string> environment, string recordId) =>
        CountAsync(fileName, arguments, environment, recordId, 0, runOnce: true);

    private static async Task<long> CountAsync(string program, string[] arguments, Dictionary<string, string> environment, string recordId, int gets, bool runOnce)
    {
        var work = Directory.CreateTempSubdirectory("forcelink-callgrind-");
        try
        {
            var binary = program;
            if (arguments.Length == 0)
            {
                // Valgrind cannot read the separate debug file the AOT publish writes next to the binary: run a copy without it.
                binary = Path.Combine(work.FullName, "bootstrap");
                // File.Copy keeps the execute permission on Unix.
                File.Copy(program, binary);
            }

            var output = Path.Combine(work.FullName, "callgrind.out");
            await using var api = await FakeRuntimeApi.StartAsync();
            api.Enqueue("""{"operation":"create","object":"Lead","fields":{"LastName":"Cold","Company":"Start"}}""", TimeProvider.System.GetUtcNow().AddMinutes(10));
            for (var i = 0; i < gets; i++)
            {
                api.Enqueue($$"""{"operation":"get","object":"Lead","id":"{{recordId}}","fields":["Id","LastName","Company","Status"]}""", TimeProvider.System.GetUtcNow().AddMinutes(10));
            }

            // JITs (CoreCLR's, V8's) write code into memory that may have held other code: valgrind must look for that.
            var start = Child.StartInfo("valgrind", ["--tool=callgrind", "--smc-check=all-non-file", $"--callgrind-out-file={output}", binary, .. arguments], environment);
            start.Environment["AWS_LAMBDA_RUNTIME_API"] = api.Authority;
            start.Environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512";
            if (runOnce)
            {
                start.Environment["AWS_LAMBDA_DOTNET_DEBUG_RUN_ONCE"] = "true";
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            for (var i = 0; i <= gets; i++)
            {
                var post = await api.NextPostAsync(TimeSpan.FromMinutes(5));
                if (post.Kind != PostKind.Response || !post.Body.Contains("\"ok\":true", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{program} answered {post.Kind}: {post.Body}");
                }
            }

            if (!runOnce)
            {
                // SIGTERM, as Lambda stops an environment: the runtime exits and callgrind writes its counts.
                Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            }

            await process.WaitForExitAsync();
            await stdout;
            var log = await stderr;
            var match = Collected().Match(log);
            return match.Success
                ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"callgrind reported no count:\n{log}");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"Collected : (\d+)")]
    private static partial Regex Collected();
}
