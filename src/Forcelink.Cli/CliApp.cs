using System.CommandLine;
using System.CommandLine.Help;
using Forcelink.Cli.Commands;

namespace Forcelink.Cli;

/// <summary>The composition root: builds the command tree for a context and runs one command line through it.</summary>
internal static class CliApp
{
    public const string Name = "forcelink";

    // A plain Command rather than RootCommand: RootCommand takes its name from the executable (Forcelink.Cli.dll),
    // and help must show the command people type.
    public static Command BuildRootCommand(CliContext context)
    {
        var root = new Command(Name, "forcelink: reach Salesforce with the OAuth 2.0 JWT bearer flow, check a setup, and run Forcelink's operations from a shell.")
        {
            new HelpOption(),
            new VersionOption(),
            GlobalOptions.CreateVerbose(),
            GlobalOptions.CreateOrg(),
        };
        root.Subcommands.Add(new KeygenCommand(context));
        root.Subcommands.Add(new CertCommand(context));
        root.Subcommands.Add(new JwtCommand(context));
        root.Subcommands.Add(new LoginCommand(context));
        root.Subcommands.Add(new DoctorCommand(context));
        root.Subcommands.Add(new RecordCommand("lead", "Lead", context));
        root.Subcommands.Add(new RecordCommand("case", "Case", context));
        root.Subcommands.Add(new QueryCommand(context));
        root.Subcommands.Add(new ImportCommand(context));
        root.Subcommands.Add(new ExportCommand(context));
        root.Subcommands.Add(new BulkCommand(context));
        root.Subcommands.Add(new ApiCommand(context));
        root.Subcommands.Add(new SObjectCommand(context));
        root.Subcommands.Add(new GenerateCommand(context));
        root.Subcommands.Add(new FileCommand(context));
        root.Subcommands.Add(new InvokeCommand(context));
        root.Subcommands.Add(new EmulatorCommand(context));
        root.Subcommands.Add(new DemoCommand(context));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var parseResult = BuildRootCommand(context).Parse(args);
        if (parseResult.Errors.Count > 0 && !IsHelpRequest(args))
        {
            foreach (var error in parseResult.Errors)
            {
                await context.Error.WriteLineAsync($"error: {error.Message}");
            }

            await context.Error.WriteLineAsync($"Run '{string.Join(' ', [Name, .. CommandPath(parseResult)])} --help' for usage.");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = context.Output,
            Error = context.Error,
            // Our commands map every expected failure to an exit code; anything else is a defect whose trace we want.
            EnableDefaultExceptionHandler = true,
        };
        return await parseResult.InvokeAsync(configuration, cancellationToken);
    }

    private static bool IsHelpRequest(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");

    private static List<string> CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            if (result.Parent is not null)
            {
                names.Insert(0, result.Command.Name);
            }
        }

        return names;
    }
}
