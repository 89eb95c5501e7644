using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Forcelink.Bench;

/// <summary>
/// Runs a bench program that measures on its own (the S3 bench, the fleet's soak: each starts its own emulator) and
/// reads the one line of JSON it ends its output with.
/// </summary>
internal static class JsonLineProcess
{
    private const int StderrLinesShown = 40;

    /// <summary>
    /// Runs <c>dotnet DLL arguments</c> to its exit and gives its exit code and its last stdout line parsed as JSON.
    /// Its stderr is passed on to ours (at most 40 lines). No JSON line, or an exit code not in <paramref name="acceptedExitCodes"/>, throws.
    /// </summary>
    public static async Task<(int ExitCode, JsonNode Result)> RunAsync(string dll, string[] arguments, TimeSpan timeout, params int[] acceptedExitCodes)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(dll)} {string.Join(' ', arguments)} did not finish in {timeout.TotalMinutes:0} min.");
        }

        var errors = (await stderr).TrimEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in errors.Take(StderrLinesShown))
        {
            Console.Error.WriteLine(line);
        }

        if (errors.Length > StderrLinesShown)
        {
            Console.Error.WriteLine($"... and {errors.Length - StderrLinesShown} more lines from {Path.GetFileName(dll)}");
        }

        var output = (await stdout).TrimEnd();
        var last = output[(output.LastIndexOf('\n') + 1)..];
        if (!acceptedExitCodes.Contains(process.ExitCode) || !last.StartsWith('{'))
        {
            throw new InvalidOperationException($"{Path.GetFileName(dll)} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{output}");
        }

        return (process.ExitCode, JsonNode.Parse(last)!);
    }
}
