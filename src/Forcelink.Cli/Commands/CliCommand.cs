using Forcelink.Configuration;
using System.CommandLine;
using System.Text.RegularExpressions;

namespace Forcelink.Cli.Commands;

/// <summary>
/// Wires a command's action once: runs <see cref="ExecuteAsync"/>, turns expected failures into one line on stderr and
/// their exit code, and shows stack traces only with <c>--verbose</c>.
/// </summary>
internal abstract partial class CliCommand : Command
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
        catch (SalesforceException e) when (ConnectFailure(e) is { } failure)
        {
            await Error.WriteLineAsync($"error: {await UnreachableMessageAsync(parseResult, failure, cancellationToken)}");
            if (verbose)
            {
                await Error.WriteLineAsync(e.ToString());
            }

            return ExitCodes.Unreachable;
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

    /// <summary>The connection that could not be made, when that is why a call failed: the request never left this machine,
    /// so neither the setup nor Salesforce is at fault, and the fix is the URL or the network.</summary>
    private static HttpRequestException? ConnectFailure(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } failure)
            {
                return failure;
            }
        }

        return null;
    }

    private async Task<string> UnreachableMessageAsync(ParseResult parseResult, HttpRequestException failure, CancellationToken cancellationToken)
    {
        var org = parseResult.GetValue<string?>(GlobalOptions.OrgName);
        Configuration.OrgSettings? settings = null;
        try
        {
            // Only to name the URL and where it is set; the settings were read (and valid) before the call was made.
            settings = await Configuration.OrgSettingsReader.ReadAsync(Context, org, cancellationToken);
        }
        catch (CliException)
        {
        }

        var loginUrl = settings?.LoginUrl;
        // SocketsHttpHandler names the endpoint it dialled at the end of its message: "Connection refused (127.0.0.1:8123)".
        var endpoint = EndpointPattern().Match(failure.Message) is { Success: true } match
            ? match.Groups[1].Value
            : loginUrl is null ? null : $"{loginUrl.Host}:{loginUrl.Port}";
        var reason = failure.HttpRequestError == HttpRequestError.NameResolutionError
            ? $"the host name {loginUrl?.Host ?? endpoint} could not be resolved"
            : failure.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused }
                ? $"connection refused at {endpoint}"
                : $"no connection to {endpoint}: {failure.Message.TrimEnd('.')}";
        var target = loginUrl is null ? "Salesforce" : loginUrl.GetLeftPart(UriPartial.Authority);
        var startEmulator = $"The emulator answers only while it runs: start it with `{CliApp.Name} emulator` (in another terminal) and try again.";
        if (settings is { FromEnvironment: false } && string.Equals(org, Configuration.EmulatorProfile.Name, StringComparison.OrdinalIgnoreCase))
        {
            return $"could not reach the emulator at {target} ({reason}); nothing was sent. {startEmulator}";
        }

        var where = settings is null ? "the login URL" : $"the login URL ({settings.Name(SettingNames.LoginUrl)})";
        return $"could not reach {target} ({reason}); nothing was sent. Check {where} and that this machine can reach that host." +
            (loginUrl is { IsLoopback: true } ? $" If it is the emulator: {char.ToLowerInvariant(startEmulator[0])}{startEmulator[1..]}" : "");
    }

    [GeneratedRegex(@"\(([^()\s]+:\d+)\)\s*$")]
    private static partial Regex EndpointPattern();

    private async Task WriteFailureAsync(Exception e, bool verbose)
    {
        // Library messages may span lines (a list of problems); each stays readable, prefixed once.
        await Error.WriteLineAsync($"error: {CliException.MessageOf(e)}");
        if (verbose)
        {
            await Error.WriteLineAsync(e.ToString());
        }
    }
}
