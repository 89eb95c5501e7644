using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Cli.Configuration;
using Forcelink.Models;

namespace Forcelink.Cli.Commands;

/// <summary><c>forcelink api request</c>: any REST or Apex REST call through the library's pipeline, as <c>sf api request rest</c>.</summary>
internal sealed class ApiCommand : Command
{
    public ApiCommand(CliContext context)
        : base("api", "Call any resource of the org's REST API or an Apex REST service.")
    {
        Subcommands.Add(new ApiRequestCommand(context));
    }
}

/// <summary>
/// One call: the path as <see cref="RestRequest"/> takes it, a JSON body from the command line, a file or stdin, and the
/// answer on stdout (JSON indented) or streamed into a file. The login, retries of idempotent methods and errors are the
/// library's, so the call behaves as the same call from code.
/// </summary>
internal sealed class ApiRequestCommand : CliCommand
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    private readonly Argument<string> _path = new("PATH")
    {
        Description = "The resource: below /services/data/vNN.N/ (limits, sobjects/Lead/describe), or a path from /services/data/ or /services/apexrest/.",
    };

    private readonly Option<string> _method = new("--method", "-X") { Description = "The HTTP method.", DefaultValueFactory = _ => "GET", HelpName = "METHOD" };
    private readonly Option<string?> _body = new("--body", "-b") { Description = "The JSON body: a file holding it, - for standard input, or the JSON itself.", HelpName = "FILE|-|JSON" };
    private readonly Option<string[]> _header = new("--header", "-H") { Description = "A request header, repeatable: 'Sforce-Auto-Assign: FALSE'.", HelpName = "NAME:VALUE" };
    private readonly Option<bool> _include = new("--include", "-i") { Description = "Write the HTTP status line and response headers before the body." };
    private readonly Option<string?> _out = new("--out", "-o") { Description = "Write the body into this file instead of stdout, streamed (for large or binary answers).", HelpName = "FILE" };

    public ApiRequestCommand(CliContext context)
        : base("request", "Send one request to the org's REST API (/services/data) or an Apex REST service (/services/apexrest) and print the answer.", context)
    {
        _method.AcceptOnlyFromAmong(Methods);
        Arguments.Add(_path);
        Options.Add(_method);
        Options.Add(_body);
        Options.Add(_header);
        Options.Add(_include);
        Options.Add(_out);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        RestRequest request;
        try
        {
            request = new RestRequest(new HttpMethod(parseResult.GetValue(_method)!), parseResult.GetValue(_path)!);
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.Usage, $"PATH {CliException.MessageOf(e)}");
        }

        foreach (var header in parseResult.GetValue(_header) ?? [])
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new CliException(ExitCodes.Usage, $"--header '{header}' is not NAME:VALUE, such as 'Sforce-Auto-Assign: FALSE'.");
            }

            request.Headers[header[..colon].Trim()] = header[(colon + 1)..].Trim();
        }

        var outPath = parseResult.GetValue(_out) is { } target ? Context.ResolvePath(target) : null;
        if (outPath is not null && Path.GetDirectoryName(outPath) is { } folder && !Directory.Exists(folder))
        {
            throw new CliException(ExitCodes.NotFound, $"the folder {folder} of --out does not exist: create it first, or choose another --out.");
        }

        await using var bodyFile = await SetBodyAsync(request, parseResult.GetValue(_body), cancellationToken);
        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        using var result = await connection.Client.SendAsync(request, cancellationToken);
        if (parseResult.GetValue(_include))
        {
            await Output.WriteLineAsync($"HTTP {result.StatusCode}");
            foreach (var (name, value) in result.Headers)
            {
                await Output.WriteLineAsync($"{name}: {value}");
            }

            await Output.WriteLineAsync();
        }

        if (outPath is not null)
        {
            await using var file = new FileStream(outPath, FileMode.Create, FileAccess.Write, FileShare.None, 81_920, FileOptions.Asynchronous);
            await using var body = await result.ReadStreamAsync(cancellationToken);
            await body.CopyToAsync(file, cancellationToken);
            await Error.WriteLineAsync($"Wrote {file.Length:N0} bytes to {outPath}.");
            return ExitCodes.Success;
        }

        var text = await result.ReadTextAsync(cancellationToken);
        if (text.Length == 0)
        {
            return ExitCodes.Success;
        }

        try
        {
            await Output.WriteLineAsync(JsonNode.Parse(text)!.ToJsonString(CliJson.Indented));
        }
        catch (JsonException)
        {
            await Output.WriteLineAsync(text);
        }

        return ExitCodes.Success;
    }

    /// <summary>Sets the body; a file is streamed, not read whole, and is returned so it is closed after the call.</summary>
    private async Task<FileStream?> SetBodyAsync(RestRequest request, string? body, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return null;
        }

        // As sf api request rest: a file when one has that name, standard input for -, else the JSON itself.
        if (body != "-" && !body.TrimStart().StartsWith('{') && !body.TrimStart().StartsWith('[') && Context.ResolvePath(body) is var path && File.Exists(path))
        {
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81_920, FileOptions.Asynchronous);
            request.Content = file;
            request.ContentType = "application/json";
            return file;
        }

        var text = body == "-" ? await Context.Input.ReadToEndAsync(cancellationToken) : body;
        try
        {
            request.Json = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.Usage, $"--body is neither a file nor JSON ({e.Message}); give a file, - for standard input, or JSON.");
        }

        return null;
    }
}
