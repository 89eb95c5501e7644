using System.Collections;
using Spectre.Console;

namespace Forcelink.Cli;

/// <summary>
/// Everything the CLI takes from its process: writers, environment variables, directories and the clock. Tests build
/// one by hand, so commands never touch <see cref="Console"/> or <see cref="Environment"/> directly.
/// </summary>
internal sealed class CliContext
{
    public TextReader Input { get; init; } = TextReader.Null;

    public required TextWriter Output { get; init; }

    public required TextWriter Error { get; init; }

    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    public required string WorkingDirectory { get; init; }

    public required string HomeDirectory { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Whether stdout is a terminal a person watches: progress bars and colours only then.</summary>
    public bool IsInteractive { get; init; }

    /// <summary>Replaces the network for every Salesforce call; tests leave it null and use a real emulator.</summary>
    public HttpMessageHandler? Transport { get; init; }

    public static CliContext FromProcess()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                variables[key] = value;
            }
        }

        return new CliContext
        {
            Input = Console.In,
            Output = Console.Out,
            Error = Console.Error,
            Environment = variables,
            WorkingDirectory = Directory.GetCurrentDirectory(),
            HomeDirectory = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile),
            IsInteractive = !Console.IsOutputRedirected && !variables.ContainsKey("NO_COLOR"),
        };
    }

    /// <summary>A Spectre console over <see cref="Output"/>: styled on a terminal, plain text when redirected or under test.</summary>
    public IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Output),
            Ansi = IsInteractive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = IsInteractive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = IsInteractive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!IsInteractive)
        {
            // Files and pipes have no width; wide enough that tables are not wrapped mid-value.
            console.Profile.Width = 240;
        }

        return console;
    }

    public string? Variable(string name) =>
        Environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>Resolves a path given on the command line against the working directory.</summary>
    public string ResolvePath(string path) =>
        Path.GetFullPath(path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(HomeDirectory, path[2..]) : path, WorkingDirectory);
}
