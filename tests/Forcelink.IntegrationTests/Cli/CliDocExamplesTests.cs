using System.Text;
using System.Text.RegularExpressions;
using Forcelink.Cli;

namespace Forcelink.IntegrationTests.Cli;

/// <summary>
/// Every <c>forcelink ...</c> line in the fenced blocks of docs/cli.md, run through the real command tree against
/// <c>forcelink emulator --seed docs/examples/emulator-seed.json</c>, so an example that stops working fails here
/// instead of in a reader's shell. Each block runs in its own session (fresh home and working directory), as a reader
/// would try one section at a time; the environment the docs assume (FORCELINK_* set) points at the emulator.
/// </summary>
public sealed partial class CliDocExamplesTests
{
    /// <summary>Lines that by nature cannot run here, with the reason.</summary>
    private static readonly Dictionary<string, string> Skipped = new(StringComparer.Ordinal)
    {
        ["forcelink emulator --seed docs/examples/emulator-seed.json &"] =
            "the emulator this test runs is started exactly so (on a free port); a second, in the background, would run until Ctrl+C",
    };

    /// <summary>
    /// The variables that name a real org in the walkthrough: the session's point at the emulator instead (its key is
    /// the one uploaded there; the walkthrough's own keygen pair is not, and cannot be, uploaded to Salesforce here).
    /// </summary>
    private static readonly HashSet<string> RealOrgVariables = new(StringComparer.Ordinal)
    {
        "FORCELINK_LOGIN_URL", "FORCELINK_CONSUMER_KEY", "FORCELINK_USERNAME", "FORCELINK_PRIVATE_KEY_FILE", "FORCELINK_CERTIFICATE_FILE",
    };

    /// <summary>The record and bulk job ids the examples show, replaced by ids the examples before them created.</summary>
    private static readonly Dictionary<string, string> IdPlaceholders = new(StringComparer.Ordinal)
    {
        ["00Q5g00000AbCdEEAV"] = "00Q",
        ["5005g00000AbCdEAAV"] = "500",
        ["7505g00000AbCdEAAV"] = "750",
        ["0685g00000AbCdEAAV"] = "068",
        ["0695g00000AbCdEAAV"] = "069",
    };

    /// <summary>
    /// Input files the import examples assume exist, written just before the line that reads them: a complete import
    /// removes the leads.remaining.csv an earlier run left, as it should, and export refuses to replace leads.csv.
    /// </summary>
    private static readonly Dictionary<string, byte[]> Fixtures = new(StringComparer.Ordinal)
    {
        ["leads.csv"] = Encoding.UTF8.GetBytes("LastName,Company,Email\r\nRow,Acme,row@example.com\r\n"),
        ["leads.remaining.csv"] = Encoding.UTF8.GetBytes("LastName,Company\r\nLater,Acme\r\n"),
        ["export-from-excel.csv"] = [.. Encoding.ASCII.GetBytes("LastName,Company\r\nM"), 0xFC, .. Encoding.ASCII.GetBytes("ller,Acme\r\n")],
        ["invoices.csv"] = Encoding.UTF8.GetBytes("Number__c,Amount__c\r\nINV-1,12\r\nINV-2,20\r\n"),
    };

    [Fact]
    public async Task EveryForcelinkExampleInCliMd_RunsAgainstTheSeededEmulator()
    {
        using var emulator = new CliSession();
        var state = emulator.PathOf("emulator-state");
        emulator.Environment["FORCELINK_EMULATOR_HOME"] = state;
        var banner = new SignallingWriter("Certificate:");
        using var stop = new CancellationTokenSource();
        var running = emulator.RunAsync(banner, stop.Token, "emulator", "--port", "0", "--seed", EmulatorCommandTests.ExampleSeed);
        await banner.Signalled.WaitAsync(TimeSpan.FromSeconds(60));
        var loginUrl = LoginUrl().Match(banner.ToString()).Groups[1].Value;

        var blocks = Blocks(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "docs", "cli.md")));
        var failures = new List<string>();
        var ran = 0;
        foreach (var block in blocks)
        {
            using var session = new CliSession();
            session.Environment["FORCELINK_EMULATOR_HOME"] = state;
            session.Environment["FORCELINK_LOGIN_URL"] = loginUrl;
            session.Environment["FORCELINK_CONSUMER_KEY"] = "3MVG9forcelink.emulator.consumer.key";
            session.Environment["FORCELINK_USERNAME"] = "integration@forcelink.emulator";
            session.Environment["FORCELINK_PRIVATE_KEY_FILE"] = Path.Combine(state, "server.key");
            session.Environment["FORCELINK_CERTIFICATE_FILE"] = Path.Combine(state, "server.crt");
            session.Environment["FORCELINK_POLICY"] = """{"Lead":"*","Case":"*"}""";
            // cert check's example names server.key and server.crt in the working directory.
            File.Copy(Path.Combine(state, "server.key"), session.PathOf("server.key"));
            File.Copy(Path.Combine(state, "server.crt"), session.PathOf("server.crt"));
            var ids = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in block)
            {
                if (Skipped.ContainsKey(line))
                {
                    continue;
                }

                var failure = await RunLineAsync(session, line, ids);
                ran += failure is null && IsForcelink(line) ? 1 : 0;
                if (failure is not null)
                {
                    failures.Add(failure);
                }
            }
        }

        await stop.CancelAsync();
        await running;

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.All(Skipped.Keys, line => Assert.Contains(line, blocks.SelectMany(b => b)));
        Assert.True(ran >= 25, $"only {ran} examples ran; did the parsing of docs/cli.md break?");
    }

    private static bool IsForcelink(string line) => line.StartsWith("forcelink ", StringComparison.Ordinal) || line.Contains("| forcelink ", StringComparison.Ordinal);

    /// <summary>Runs one doc line; null when it did what the docs say, else what went wrong.</summary>
    private static async Task<string?> RunLineAsync(CliSession session, string line, Dictionary<string, string> ids)
    {
        // Output samples and JSON share the blocks; only shell lines are read as shell.
        if (!line.StartsWith("forcelink ", StringComparison.Ordinal) && !line.StartsWith("echo ", StringComparison.Ordinal) && !line.StartsWith("export ", StringComparison.Ordinal))
        {
            return null;
        }

        if (ExportLine().Match(line) is { Success: true } export)
        {
            if (!RealOrgVariables.Contains(export.Groups[1].Value))
            {
                session.Environment[export.Groups[1].Value] = Words(export.Groups[2].Value)[0];
            }

            return null;
        }

        var words = Words(line);
        string? input = null;
        if (words is ["echo", var text, "|", ..])
        {
            input = text;
            words = words[3..];
        }
        else if (words is ["echo", var content, ">", var file])
        {
            await File.WriteAllTextAsync(session.PathOf(file), content + "\n");
            return null;
        }

        if (words is not ["forcelink", ..])
        {
            return null;
        }

        if (words is ["forcelink", "import", _, var csv, ..] && Fixtures.TryGetValue(csv, out var fixture))
        {
            await File.WriteAllBytesAsync(session.PathOf(csv), fixture);
        }

        string? redirect = null;
        if (words.IndexOf("|") is >= 0 and var pipe)
        {
            // The command's exit code is what the example is about; the rest of the pipeline is the shell's.
            words = words[..pipe];
        }
        else if (words.IndexOf(">") is >= 0 and var arrow)
        {
            redirect = words[arrow + 1];
            words = words[..arrow];
        }

        var args = new List<string>();
        foreach (var word in words.Skip(1))
        {
            var argument = word;
            if (argument.StartsWith("$(forcelink ", StringComparison.Ordinal) && argument.EndsWith(')'))
            {
                var inner = await session.RunAsync([.. Words(argument[2..^1]).Skip(1)]);
                if (inner.ExitCode != ExitCodes.Success)
                {
                    return $"{line}\n(inner {argument})\n{inner}";
                }

                argument = inner.Output.Trim();
            }

            foreach (var (placeholder, prefix) in IdPlaceholders)
            {
                if (argument == placeholder)
                {
                    if (!ids.TryGetValue(prefix, out var id))
                    {
                        return $"{line}\nno {prefix} record was created by an earlier example in this block to stand for {placeholder}";
                    }

                    argument = id;
                }
            }

            args.Add(argument);
        }

        session.Input = input ?? "";
        var run = await session.RunAsync([.. args]);
        if (redirect is not null)
        {
            await File.WriteAllTextAsync(session.PathOf(redirect), run.Output);
        }

        foreach (Match id in RecordId().Matches(run.Output))
        {
            ids[id.Value[..3]] = id.Value;
        }

        return run.ExitCode == ExitCodes.Success ? null : $"{line}\n{run}";
    }

    /// <summary>The lines of each fenced block, a leading <c>$ </c> removed.</summary>
    private static List<List<string>> Blocks(string markdown)
    {
        var blocks = new List<List<string>>();
        List<string>? current = null;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                if (current is null)
                {
                    current = [];
                }
                else
                {
                    blocks.Add(current);
                    current = null;
                }
            }
            else
            {
                current?.Add(line.StartsWith("$ ", StringComparison.Ordinal) ? line[2..] : line);
            }
        }

        return blocks;
    }

    /// <summary>
    /// Shell words: quotes group and are removed (single quotes literal, double quotes too, as no example escapes in
    /// them), a <c>$(...)</c> is one word, an unquoted <c>#</c> starts a comment.
    /// </summary>
    private static List<string> Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c is '\'' or '"')
            {
                var end = line.IndexOf(c, i + 1);
                word.Append(line, i + 1, end - i - 1);
                i = end;
                inWord = true;
            }
            else if (c == '$' && i + 1 < line.Length && line[i + 1] == '(')
            {
                var end = line.IndexOf(')', i);
                word.Append(line, i, end - i + 1);
                i = end;
                inWord = true;
            }
            else if (c == '#' && !inWord)
            {
                break;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    [GeneratedRegex(@"Login URL:\s+(\S+)")]
    private static partial Regex LoginUrl();

    [GeneratedRegex(@"^export (\w+)=(.*)$")]
    private static partial Regex ExportLine();

    [GeneratedRegex(@"\b(00Q|500|750|068|069)[A-Za-z0-9]{15}\b")]
    private static partial Regex RecordId();
}
