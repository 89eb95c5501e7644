using System.CommandLine;
using System.Runtime.CompilerServices;
using Forcelink.Cli.Configuration;
using Forcelink.Cli.Csv;
using Forcelink.Records;
using Forcelink.Rest;
using Spectre.Console;

namespace Forcelink.Cli.Commands;

/// <summary>
/// <c>forcelink import</c>: a CSV file into Salesforce through sObject Collections (200 records per call), streamed so
/// memory stays constant for any file size. Failed rows go to <c>FILE.errors.csv</c> with Salesforce's reason.
/// </summary>
internal sealed class ImportCommand : CliCommand
{
    /// <summary>The cell text that clears a field (Data Loader's convention); an empty cell leaves the field out.</summary>
    public const string NullMarker = "#N/A";

    private const int PlainProgressEvery = 5_000;

    private readonly Argument<string> _object = new("OBJECT") { Description = "The sObject API name, such as Lead, Case or Invoice__c." };
    private readonly Argument<string> _file = new("FILE") { Description = "The CSV file: a header row of field API names, then one record per row." };
    private readonly Option<string?> _externalId = new("--external-id") { Description = "Upsert on this external id field (which must be a column) instead of creating every row.", HelpName = "FIELD" };
    private readonly Option<bool> _json = JsonOption.Create();

    public ImportCommand(CliContext context)
        : base("import", $"Create (or with --external-id, upsert) records from a CSV file, 200 per API call. An empty cell leaves the field out; {NullMarker} clears it.", context)
    {
        Arguments.Add(_object);
        Arguments.Add(_file);
        Options.Add(_externalId);
        Options.Add(_json);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var objectName = parseResult.GetValue(_object)!;
        var path = Context.ResolvePath(parseResult.GetValue(_file)!);
        var externalId = parseResult.GetValue(_externalId);
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.NotFound, $"the file {path} does not exist.");
        }

        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        await using var input = File.OpenRead(path);
        var errorsPath = Path.ChangeExtension(path, null) + ".errors.csv";
        var run = new ImportRun(objectName, externalId, errorsPath);
        if (Context.IsInteractive && !parseResult.GetValue(_json))
        {
            await Context.CreateConsole().Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"Importing {objectName}", maxValue: Math.Max(1, input.Length));
                    await run.ExecuteAsync(connection.Client, input, () =>
                    {
                        task.Value = input.Position;
                        return Task.CompletedTask;
                    }, cancellationToken);
                });
        }
        else
        {
            var reported = 0L;
            await run.ExecuteAsync(connection.Client, input, async () =>
            {
                if (run.Processed - reported >= PlainProgressEvery)
                {
                    reported = run.Processed;
                    await Error.WriteLineAsync($"{run.Processed:N0} rows...");
                }
            }, cancellationToken);
        }

        if (parseResult.GetValue(_json))
        {
            await Output.WriteLineAsync(
                $$"""{"rows":{{run.Processed}},"succeeded":{{run.Succeeded}},"created":{{run.Created}},"failed":{{run.Failed}},"errorsFile":{{(run.Failed > 0 ? System.Text.Json.JsonSerializer.Serialize(errorsPath) : "null")}}}""");
        }
        else
        {
            await Output.WriteLineAsync($"Imported {run.Succeeded:N0} of {run.Processed:N0} {objectName} rows ({run.Created:N0} created, {run.Succeeded - run.Created:N0} updated); {run.Failed:N0} failed.");
            if (run.Failed > 0)
            {
                await Output.WriteLineAsync($"Failed rows, with Salesforce's error code and message: {errorsPath}");
            }
        }

        return run.Failed > 0 ? ExitCodes.PartialFailure : ExitCodes.Success;
    }

    private sealed class ImportRun(string objectName, string? externalIdField, string errorsPath)
    {
        // Rows sent but not yet answered: at most one collection call's worth, since results come back per chunk in order.
        private readonly Queue<CsvRow> _pending = new();
        private IReadOnlyList<string> _header = [];
        private CsvWriter? _errors;

        public long Processed { get; private set; }

        public long Succeeded { get; private set; }

        public long Created { get; private set; }

        public long Failed { get; private set; }

        public async Task ExecuteAsync(SalesforceClient client, Stream input, Func<Task> progress, CancellationToken cancellationToken)
        {
            try
            {
                var records = Records(CsvReader.Open(input).ReadAsync(cancellationToken), cancellationToken);
                var results = externalIdField is null
                    ? client.CreateManyAsync(records, cancellationToken: cancellationToken)
                    : client.UpsertManyAsync(records, externalIdField, cancellationToken: cancellationToken);
                await foreach (var result in results.WithCancellation(cancellationToken))
                {
                    var row = _pending.Dequeue();
                    Processed++;
                    if (result.Success)
                    {
                        Succeeded++;
                        if (result.Created ?? externalIdField is null)
                        {
                            Created++;
                        }
                    }
                    else
                    {
                        Failed++;
                        await WriteErrorAsync(row, result, cancellationToken);
                    }

                    await progress();
                }
            }
            catch (FormatException e)
            {
                throw new CliException(ExitCodes.Failure, $"{e.Message} {Processed:N0} rows were imported before it.");
            }
            finally
            {
                if (_errors is not null)
                {
                    await _errors.DisposeAsync();
                }
            }
        }

        private async IAsyncEnumerable<SObject> Records(IAsyncEnumerable<CsvRow> rows, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var first = true;
            await foreach (var row in rows.WithCancellation(cancellationToken))
            {
                if (first)
                {
                    first = false;
                    _header = ReadHeader(row);
                    continue;
                }

                var record = new SObject(objectName);
                for (var i = 0; i < _header.Count && i < row.Fields.Count; i++)
                {
                    var value = row.Fields[i];
                    if (value.Length == 0)
                    {
                        continue;
                    }

                    record.Set(_header[i], value == NullMarker ? null : value);
                }

                _pending.Enqueue(row);
                yield return record;
            }
        }

        private IReadOnlyList<string> ReadHeader(CsvRow row)
        {
            var problems = new List<string>();
            for (var i = 0; i < row.Fields.Count; i++)
            {
                var name = row.Fields[i].Trim();
                if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[A-Za-z][A-Za-z0-9_]*$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)))
                {
                    problems.Add($"column {i + 1} '{name}' is not a field API name");
                }
            }

            if (externalIdField is not null && !row.Fields.Any(f => string.Equals(f.Trim(), externalIdField, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"there is no '{externalIdField}' column to upsert on");
            }

            if (problems.Count > 0)
            {
                throw new CliException(ExitCodes.Usage, $"the header row of the CSV file must name the fields: {string.Join("; ", problems)}.");
            }

            return [.. row.Fields.Select(f => f.Trim())];
        }

        private async Task WriteErrorAsync(CsvRow row, SaveResult result, CancellationToken cancellationToken)
        {
            if (_errors is null)
            {
                _errors = CsvWriter.Create(errorsPath, overwrite: true);
                await _errors.WriteRowAsync(["Line", "ErrorCode", "ErrorMessage", .. _header], cancellationToken);
            }

            var error = result.Errors.Count > 0 ? result.Errors[0] : new SalesforceError("UNKNOWN_ERROR", "Salesforce reported a failure without details.", []);
            var message = string.Join(" ", result.Errors.Select(e => e.Fields.Count > 0 ? $"{e.Message} (fields: {string.Join(", ", e.Fields)})" : e.Message));
            await _errors.WriteRowAsync(
                [row.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), error.ErrorCode, message, .. row.Fields],
                cancellationToken);
        }
    }
}
