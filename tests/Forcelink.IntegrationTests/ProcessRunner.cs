using System.Diagnostics;
using System.Text;

namespace Forcelink.IntegrationTests;

/// <summary>Runs a process to completion with a deadline, capturing its output.</summary>
internal static class ProcessRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var result = await RunSeparatelyAsync(fileName, arguments, timeout, environment, workingDirectory);
        return (result.ExitCode, result.Output);
    }

    /// <summary>
    /// Like <see cref="RunAsync"/>, but also keeps standard output apart: tools that print a JSON document there write
    /// warnings on standard error, which would break parsing.
    /// </summary>
    public static async Task<ProcessResult> RunSeparatelyAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = new StringBuilder();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var lockObject = new Lock();
        process.OutputDataReceived += (_, e) =>
        {
            lock (lockObject)
            {
                output.AppendLine(e.Data);
                stdout.AppendLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (lockObject)
            {
                output.AppendLine(e.Data);
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}.\n{output}");
        }

        lock (lockObject)
        {
            return new ProcessResult(process.ExitCode, output.ToString(), stdout.ToString(), stderr.ToString());
        }
    }
}

internal sealed record ProcessResult(int ExitCode, string Output, string Stdout, string Stderr);
