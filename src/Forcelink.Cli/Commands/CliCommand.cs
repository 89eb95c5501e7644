using System.CommandLine;

namespace Forcelink.Cli.Commands;

/// <summary>
/// Wires a command's action once: runs <see cref="ExecuteAsync"/>, turns expected failures into one line on stderr and
/// their exit code, and shows stack traces only with <c>--verbose</c>.
/// </summary>
internal abstract class CliCommand : Command
{
    protected CliCommand(string name, string description, CliContext context)
        : base(name, description)
    {
        Context = context;
        SetAction(RunAsync);
    }

    protected CliContext Context { get; }

    protected TextWriter Output => Context.Output;

    protected TextWriter Error => Context.Error;

    protected abstract Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken);

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var verbose = parseResult.GetValue<bool>(GlobalOptions.VerboseName);
        try
        {
            return await ExecuteAsync(parseResult, cancellationToken);
        }
        catch (CliException e)
        {
            await Error.WriteLineAsync($"error: {e.Message}");
            return e.ExitCode;
        }
        catch (SalesforceException e) when (e.IsLoginFailure)
        {
            await WriteFailureAsync(e, verbose);
            return ExitCodes.AuthFailed;
        }
        catch (SalesforceException e)
        {
            await WriteFailureAsync(e, verbose);
            return e.StatusCode == 404 ? ExitCodes.NotFound : ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Error.WriteLineAsync("Cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or HttpRequestException)
        {
            await WriteFailureAsync(e, verbose);
            return ExitCodes.Failure;
        }
    }

    private async Task WriteFailureAsync(Exception e, bool verbose)
    {
        // Library messages may span lines (a list of problems); each stays readable, prefixed once.
        await Error.WriteLineAsync($"error: {e.Message}");
        if (verbose)
        {
            await Error.WriteLineAsync(e.ToString());
        }
    }
}
