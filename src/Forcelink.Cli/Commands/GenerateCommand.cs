using System.CommandLine;
using System.Text;
using Forcelink.Cli.Configuration;
using Forcelink.Cli.Generation;

namespace Forcelink.Cli.Commands;

/// <summary>
/// <c>forcelink generate OBJECT... --namespace NS --out DIR</c>: typed record types, like the library's Lead and Case,
/// for any objects of an org (custom ones and their custom fields included), plus their JSON source-generation context.
/// </summary>
internal sealed class GenerateCommand : CliCommand
{
    private readonly Argument<string[]> _objects = new("OBJECT")
    {
        Description = "The objects' API names, such as Lead, Case or Invoice__c (any case).",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<string> _namespace = new("--namespace", "-n") { Description = "The C# namespace of the generated types, such as Acme.Salesforce.", Required = true, HelpName = "NAMESPACE" };
    private readonly Option<string> _out = new("--out", "-o", "--output") { Description = "The folder to write the .g.cs files into (made if missing).", Required = true, HelpName = "DIR" };
    private readonly Option<string?> _context = new("--context") { Description = "The JsonSerializerContext's class name. Default: the namespace's last part plus JsonContext (SalesforceJsonContext).", HelpName = "NAME" };

    public GenerateCommand(CliContext context)
        : base("generate", "Write typed C# record types (AOT-safe, with a JSON source-generation context) for objects of the org, custom fields included.", context)
    {
        Arguments.Add(_objects);
        Options.Add(_namespace);
        Options.Add(_out);
        Options.Add(_context);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var ns = parseResult.GetValue(_namespace)!;
        if (!CSharpNames.IsNamespace(ns))
        {
            throw new CliException(ExitCodes.Usage, $"--namespace '{ns}' is not a C# namespace: use identifiers joined by dots, such as Acme.Salesforce.");
        }

        var contextName = parseResult.GetValue(_context) ?? ns[(ns.LastIndexOf('.') + 1)..] + "JsonContext";
        if (!CSharpNames.IsIdentifier(contextName))
        {
            throw new CliException(ExitCodes.Usage, $"--context '{contextName}' is not a C# class name: use letters and digits, such as SalesforceJsonContext.");
        }

        var folder = Context.ResolvePath(parseResult.GetValue(_out)!);
        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        var names = await ResolveAsync(connection.Client, parseResult.GetValue(_objects)!, cancellationToken);

        var types = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { contextName };
        var plans = new List<RecordTypePlan>();
        foreach (var name in names)
        {
            var description = await connection.Client.DescribeAsync(name, cancellationToken);
            plans.Add(RecordTypePlan.Create(description, CSharpNames.Unique(CSharpNames.From(description.Name), "", types)));
        }

        var header = GeneratedHeader.For($"{CliApp.Name} generate {string.Join(' ', names)} --namespace {ns} --context {contextName}");
        var files = plans
            .Select(p => (Path: Path.Combine(folder, p.ClassName + ".g.cs"), Text: RecordTypeWriter.Write(p, ns, header), Summary: $"{p.Description.Name}, {Count(p.Properties.Count, "property", "properties")}"))
            .Append((Path: Path.Combine(folder, contextName + ".g.cs"), Text: JsonContextWriter.Write([.. plans.Select(p => p.ClassName)], ns, contextName, header), Summary: "JSON context"))
            .ToList();

        await RefuseForeignFilesAsync(files.Select(f => f.Path), cancellationToken);
        Directory.CreateDirectory(folder);
        foreach (var (path, text, summary) in files)
        {
            var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
            var unchanged = File.Exists(path) && (await File.ReadAllBytesAsync(path, cancellationToken)).AsSpan().SequenceEqual(bytes);
            if (!unchanged)
            {
                await File.WriteAllBytesAsync(path, bytes, cancellationToken);
            }

            await Output.WriteLineAsync($"{(unchanged ? "unchanged" : "wrote")} {Path.GetRelativePath(Context.WorkingDirectory, path)} ({summary})");
        }

        return ExitCodes.Success;
    }

    /// <summary>The objects' API names as the org spells them, in a stable order (standard objects, then custom, each by name),
    /// or one error naming every object the org does not have, before anything is described or written.</summary>
    private static async Task<IReadOnlyList<string>> ResolveAsync(SalesforceClient client, string[] requested, CancellationToken cancellationToken)
    {
        var global = await client.DescribeGlobalAsync(cancellationToken: cancellationToken);
        var known = global.Objects.ToDictionary(o => o.Name, StringComparer.OrdinalIgnoreCase);
        var missing = requested.Where(r => !known.ContainsKey(r)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (missing.Count > 0)
        {
            var guesses = missing.Where(m => known.ContainsKey(m + "__c")).Select(m => $"{m} -> {known[m + "__c"].Name}").ToList();
            throw new CliException(
                ExitCodes.NotFound,
                $"the org has no object named {string.Join(", ", missing.Select(m => $"'{m}'"))} that this user can see" +
                (guesses.Count > 0 ? $" (custom objects end in __c: {string.Join(", ", guesses)})" : "") +
                $": check the API name and the user's permissions; `{CliApp.Name} sobject list` lists the objects this user can see.");
        }

        return [.. requested.Select(r => known[r])
            .DistinctBy(o => o.Name, StringComparer.OrdinalIgnoreCase)
            .OrderBy(o => o.Custom)
            .ThenBy(o => o.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(o => o.Name, StringComparer.Ordinal)
            .Select(o => o.Name)];
    }

    /// <summary>Replaces only files this command wrote: a file of the same name that someone wrote by hand is theirs.</summary>
    private static async Task RefuseForeignFilesAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var foreign = new List<string>();
        foreach (var path in paths.Where(File.Exists))
        {
            using var reader = new StreamReader(path);
            var start = new char[512];
            var read = await reader.ReadBlockAsync(start, cancellationToken);
            if (!GeneratedHeader.IsGenerated(new string(start, 0, read)))
            {
                foreign.Add(path);
            }
        }

        if (foreign.Count > 0)
        {
            throw new CliException(
                ExitCodes.Failure,
                $"nothing was written: {string.Join(", ", foreign)} {(foreign.Count == 1 ? "exists and was" : "exist and were")} not written by `{CliApp.Name} generate`; " +
                "choose another --out folder, or move the file away if it may be replaced.");
        }
    }

    private static string Count(int count, string one, string many) => $"{count} {(count == 1 ? one : many)}";
}
