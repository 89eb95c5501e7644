using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forcelink.Cli.Configuration;
using Forcelink.Operations;

namespace Forcelink.Cli.Commands;

/// <summary><c>forcelink invoke</c>: a Lambda event run locally through the same <see cref="OperationHandler"/>, against the configured org.</summary>
internal sealed class InvokeCommand : CliCommand
{
    private readonly Argument<string> _event = new("EVENT") { Description = "A JSON file holding one direct-invoke operation, or an array of them (run as one batch). '-' reads stdin." };

    public InvokeCommand(CliContext context)
        : base("invoke", "Run the Lambda's operation handler locally on an event file and print the answer JSON.", context)
    {
        Arguments.Add(_event);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var source = parseResult.GetValue(_event)!;
        var bytes = source == "-"
            ? System.Text.Encoding.UTF8.GetBytes(await Context.Input.ReadToEndAsync(cancellationToken))
            : await ReadFileAsync(Context.ResolvePath(source), cancellationToken);
        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        var (answer, exitCode) = await RunAsync(connection.Handler, bytes, cancellationToken);
        await Output.WriteLineAsync(answer);
        return exitCode;
    }

    /// <summary>Runs one event (object or array) and returns the answer JSON and the exit code it means.</summary>
    public static async Task<(string Answer, int ExitCode)> RunAsync(OperationHandler handler, byte[] eventJson, CancellationToken cancellationToken = default)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(eventJson);
        }
        catch (JsonException e)
        {
            var invalid = OperationResult.Invalid($"The event is not valid JSON: {e.Message}");
            return (invalid.ToString(), ExitCodes.Failure);
        }

        if (root is JsonArray batch)
        {
            var results = await handler.HandleBatchAsync([.. batch.Select(item => (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(item?.ToJsonString() ?? "null"))], cancellationToken);
            var answer = "[" + string.Join(",", results.Select(r => r.ToString())) + "]";
            return (answer, results.All(r => r.IsSuccess) ? ExitCodes.Success : ExitCodes.PartialFailure);
        }

        var result = await handler.HandleAsync(eventJson, cancellationToken);
        return (result.ToString(), OperationOutput.ExitCode(result));
    }

    private static async Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.NotFound, $"the event file {path} does not exist.");
        }

        return await File.ReadAllBytesAsync(path, cancellationToken);
    }
}
