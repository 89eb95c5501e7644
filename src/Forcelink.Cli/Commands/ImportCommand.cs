using System.CommandLine;
using System.Text;
using System.Text.Json;
using Forcelink.Cli.Configuration;
using Forcelink.Cli.Csv;
using Forcelink.Csv;
using Forcelink.Models;
using Spectre.Console;

namespace Forcelink.Cli.Commands;

/// <summary>
/// <c>forcelink import</c>: a CSV file into Salesforce through sObject Collections (200 records per call), streamed so
/// memory stays constant for any file size. A first pass checks the whole file, so bad input is refused before anything
/// is sent; the import then accounts for every row (created, updated, failed, unknown or not sent) even when it stops,
/// and writes the rows not done to files that can be imported again as they are.
/// </summary>
internal sealed partial class ImportCommand : CliCommand
{
    /// <summary>The cell text that clears a field (Data Loader's convention); an empty cell leaves the field out.</summary>
    public const string NullMarker = "#N/A";

    /// <summary>Above this many rows an import goes through Bulk API 2.0 unless <c>--no-bulk</c>: 50 collections calls and more,
    /// where one bulk job costs a handful of calls (docs/cli.md).</summary>
    public const int BulkRowThreshold = 10_000;

    private const int PlainProgressEvery = 5_000;

    private readonly Argument<string> _object = new("OBJECT") { Description = "The sObject API name, such as Lead, Case or Invoice__c." };
    private readonly Argument<string> _file = new("FILE") { Description = "The CSV file: a header row of field API names, then one record per row." };
    private readonly Option<string?> _externalId = new("--external-id") { Description = "Upsert on this external id field (which must be a column) instead of creating every row.", HelpName = "FIELD" };
    private readonly Option<string> _encoding = new("--encoding")
    {
        Description = $"The file's text encoding: {CsvEncodings.Names}.",
        HelpName = "NAME",
        DefaultValueFactory = _ => "utf-8",
    };

    private readonly Option<string> _delimiter = new("--delimiter")
    {
        Description = "The file's column delimiter: comma, tab, semicolon, pipe, caret or backquote.",
        HelpName = "NAME",
        DefaultValueFactory = _ => "comma",
    };

    private readonly Option<bool> _bulk = new("--bulk") { Description = $"Load through Bulk API 2.0 jobs (the default above {BulkRowThreshold:N0} rows)." };
    private readonly Option<bool> _noBulk = new("--no-bulk") { Description = "Load through sObject Collections (200 rows per call) at any size." };
    private readonly Option<bool> _json = JsonOption.Create();

    public ImportCommand(CliContext context)
        : base("import", $"Create (or with --external-id, upsert) records from a CSV file, 200 per API call. An empty cell leaves the field out; {NullMarker} clears it. Rows not done go to FILE.remaining.csv (and, for creates whose outcome is unknown, FILE.unknown.csv), with reasons in FILE.errors.csv.", context)
    {
        Arguments.Add(_object);
        Arguments.Add(_file);
        Options.Add(_externalId);
        Options.Add(_encoding);
        Options.Add(_delimiter);
        Options.Add(_bulk);
        Options.Add(_noBulk);
        Options.Add(_json);
        _delimiter.AcceptOnlyFromAmong("comma", "tab", "semicolon", "pipe", "caret", "backquote");
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var objectName = parseResult.GetValue(_object)!;
        var path = Context.ResolvePath(parseResult.GetValue(_file)!);
        var externalId = parseResult.GetValue(_externalId);
        var json = parseResult.GetValue(_json);
        if (!SalesforceNames.IsApiName(objectName))
        {
            throw new CliException(ExitCodes.Usage, $"'{objectName}' is not an sObject API name (letters, digits and underscores, such as Lead or Invoice__c).");
        }

        var encodingName = parseResult.GetValue(_encoding)!;
        var encoding = CsvEncodings.Find(encodingName)
            ?? throw new CliException(ExitCodes.Usage, $"--encoding '{encodingName}' is not supported: use one of {CsvEncodings.Names}.");
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.NotFound, $"the file {path} does not exist.");
        }

        if (parseResult.GetValue(_bulk) && parseResult.GetValue(_noBulk))
        {
            throw new CliException(ExitCodes.Usage, "--bulk and --no-bulk ask for two ways of loading: give one of them.");
        }

        var delimiter = BulkImport.Delimiter(parseResult.GetValue(_delimiter)!);
        var check = await ImportCheck.RunAsync(path, encoding, externalId, cancellationToken, delimiter);
        var outputs = ImportOutputs.For(path);
        using var connection = await OrgConnection.OpenAsync(Context, parseResult.GetValue<string?>(GlobalOptions.OrgName), cancellationToken);
        await ImportCheck.CheckColumnsAsync(connection.Client, objectName, path, check.Header, externalId, cancellationToken);
        if (parseResult.GetValue(_bulk) || (!parseResult.GetValue(_noBulk) && check.Rows > BulkRowThreshold))
        {
            return await new BulkImport(Context, connection.Client, objectName, externalId, check, outputs).RunAsync(path, encoding, delimiter, json, cancellationToken);
        }

        var run = new ImportRun(objectName, externalId, check.Header, outputs);
        await using (var input = File.OpenRead(path))
        {
            var rows = CsvReader.Open(input, encoding, delimiter);
            if (Context.IsInteractive && !json)
            {
                await Context.CreateConsole().Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask($"Importing {objectName}", maxValue: Math.Max(1, check.Rows));
                        await run.ExecuteAsync(connection.Client, rows, () =>
                        {
                            task.Value = run.Counts.Read;
                            return Task.CompletedTask;
                        }, cancellationToken);
                    });
            }
            else
            {
                var reported = 0L;
                await run.ExecuteAsync(connection.Client, rows, async () =>
                {
                    if (run.Counts.Read - reported >= PlainProgressEvery)
                    {
                        reported = run.Counts.Read;
                        await Error.WriteLineAsync($"{run.Counts.Read:N0} of {check.Rows:N0} rows...");
                    }
                }, cancellationToken);
            }
        }

        var files = outputs.Commit();
        if (json)
        {
            await Output.WriteLineAsync(ToJson(objectName, externalId, run, files));
        }
        else
        {
            await WriteSummaryAsync(objectName, run, files);
        }

        if (run.Stop is { } stop)
        {
            await Error.WriteLineAsync($"error: stopped early: {stop.Message}");
            return stop.ExitCode;
        }

        return run.Counts.NotDone > 0 ? ExitCodes.PartialFailure : ExitCodes.Success;
    }

    private async Task WriteSummaryAsync(string objectName, ImportRun run, ImportFiles files)
    {
        var c = run.Counts;
        await Output.WriteLineAsync(
            $"Imported {c.Created + c.Updated:N0} of {c.Read:N0} {objectName} rows ({c.Created:N0} created, {c.Updated:N0} updated); " +
            $"{c.Failed:N0} failed, {c.Unknown:N0} unknown, {c.NotSent:N0} not sent.");
        if (files.Remaining is { } remaining)
        {
            await Output.WriteLineAsync($"Rows not done, to import again as they are (fix the failed ones first): {remaining.Path} ({remaining.Rows:N0} rows).");
        }

        if (files.Unknown is { } unknown)
        {
            var column = run.Header.FirstOrDefault(h => !string.Equals(h, "Id", StringComparison.OrdinalIgnoreCase)) ?? "Name";
            await Output.WriteLineAsync(
                $"Rows whose outcome is unknown: {unknown.Path} ({unknown.Rows:N0} rows). They were sent but the answer was lost, so they may or may not " +
                "be in Salesforce, and importing them again could create duplicates. Check first, for example with " +
                $"forcelink query \"SELECT Id, {column} FROM {objectName} WHERE CreatedDate = TODAY\", and import only the missing ones; " +
                "to make a repeat safe, add an external id column and import with --external-id.");
        }

        if (files.Errors is { } errors)
        {
            await Output.WriteLineAsync($"Every row not done, with its line, status and error: {errors.Path}.");
        }

        foreach (var removed in files.Removed)
        {
            await Output.WriteLineAsync($"Removed {removed} from an earlier run.");
        }
    }

    private static string ToJson(string objectName, string? externalId, ImportRun run, ImportFiles files)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, CliJson.WriterOptions))
        {
            var c = run.Counts;
            writer.WriteStartObject();
            writer.WriteString("object", objectName);
            writer.WriteString("mode", externalId is null ? "create" : "upsert");
            writer.WriteNumber("rows", c.Read);
            writer.WriteNumber("succeeded", c.Created + c.Updated);
            writer.WriteNumber("created", c.Created);
            writer.WriteNumber("updated", c.Updated);
            writer.WriteNumber("failed", c.Failed);
            writer.WriteNumber("unknown", c.Unknown);
            writer.WriteNumber("notSent", c.NotSent);
            writer.WriteBoolean("complete", run.Stop is null);
            WriteStringOrNull(writer, "stopReason", run.Stop?.Reason);
            WriteStringOrNull(writer, "stopMessage", run.Stop?.Message);
            WriteStringOrNull(writer, "remainingFile", files.Remaining?.Path);
            WriteStringOrNull(writer, "unknownFile", files.Unknown?.Path);
            WriteStringOrNull(writer, "errorsFile", files.Errors?.Path);
            writer.WriteStartArray("removedFiles");
            foreach (var removed in files.Removed)
            {
                writer.WriteStringValue(removed);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>A string member of an import summary, <c>null</c> when absent: the summaries of both import paths say the same things the same way.</summary>
    internal static void WriteStringOrNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}

/// <summary>How many rows of a run ended each way; <see cref="Read"/> is always the sum of the rest.</summary>
internal sealed class ImportCounts
{
    public long Read { get; set; }

    public long Created { get; set; }

    public long Updated { get; set; }

    public long Failed { get; set; }

    public long Unknown { get; set; }

    public long NotSent { get; set; }

    public long NotDone => Failed + Unknown + NotSent;
}

/// <summary>Why a run stopped before the end of the file: <see cref="Reason"/> is stable for scripts.</summary>
internal sealed record ImportStop(string Reason, string Message, int ExitCode);

/// <summary>The first pass: the header and every row checked, streamed, before anything is sent.</summary>
internal sealed record ImportCheck(IReadOnlyList<string> Header, long Rows)
{
    private const int MaxProblemsShown = 20;

    public static async Task<ImportCheck> RunAsync(string path, Encoding encoding, string? externalIdField, CancellationToken cancellationToken, char delimiter = ',')
    {
        var problems = new List<string>();
        var total = 0L;
        var headerProblem = false;
        var encodingProblem = false;
        IReadOnlyList<string>? header = null;
        var externalIdColumn = -1;
        var rows = 0L;
        void Problem(string text)
        {
            total++;
            if (problems.Count < MaxProblemsShown)
            {
                problems.Add(text);
            }
        }

        await using (var input = File.OpenRead(path))
        {
            try
            {
                await foreach (var row in CsvReader.Open(input, encoding, delimiter).ReadAsync(cancellationToken))
                {
                    if (header is null)
                    {
                        header = [.. row.Fields.Select(f => f.Trim())];
                        var before = total;
                        CheckHeader(header, externalIdField, delimiter, Problem);
                        headerProblem = total > before;
                        externalIdColumn = externalIdField is null ? -1 : IndexOf(header, externalIdField);
                        continue;
                    }

                    rows++;
                    var cells = LastNonEmpty(row.Fields) + 1;
                    if (cells > header.Count)
                    {
                        Problem($"line {row.Line}, column {cells}: the row has {cells} cells but the header has {header.Count} columns: quote a cell that holds the delimiter (\"Doe, John\"), or add a column for the extra cells");
                    }

                    if (externalIdColumn >= 0 && (externalIdColumn >= row.Fields.Count || string.IsNullOrWhiteSpace(row.Fields[externalIdColumn])))
                    {
                        Problem($"line {row.Line}, column {externalIdColumn + 1}: no value for the external id {externalIdField}, which an upsert needs");
                    }
                }
            }
            catch (CsvFormatException e)
            {
                encodingProblem = e.IsEncodingError;
                Problem(char.ToLowerInvariant(e.Message[0]) + e.Message[1..].TrimEnd('.'));
            }
        }

        if (header is null)
        {
            throw new CliException(ExitCodes.Usage, $"the file {path} is empty: it needs a header row of field API names, then one row per record.");
        }

        if (total == 0)
        {
            return new ImportCheck(header, rows);
        }

        var message = new StringBuilder($"nothing was imported: {path} has {(total == 1 ? "a problem" : $"{total:N0} problems")}:");
        foreach (var problem in problems)
        {
            message.Append(Environment.NewLine).Append("- ").Append(problem).Append('.');
        }

        if (total > problems.Count)
        {
            message.Append(Environment.NewLine).Append($"- and {total - problems.Count:N0} more.");
        }

        if (encodingProblem)
        {
            message.Append(Environment.NewLine).Append(
                "If the file is not UTF-8, name its encoding: --encoding latin1 (ISO-8859-1), or --encoding windows-1252 (Excel's CSV on Windows).");
        }

        throw new CliException(headerProblem ? ExitCodes.Usage : ExitCodes.Failure, message.ToString());
    }

    /// <summary>
    /// The header against the object's describe: every column must be a field this user may set (on create, or on both
    /// create and update for an upsert), else Salesforce would refuse every row, 200 at a time, after some were sent.
    /// </summary>
    public static async Task CheckColumnsAsync(SalesforceClient client, string objectName, string path, IReadOnlyList<string> header, string? externalIdField, CancellationToken cancellationToken)
    {
        SObjectDescription description;
        try
        {
            description = await client.DescribeAsync(objectName, cancellationToken);
        }
        catch (SalesforceException e) when (e.StatusCode == 404)
        {
            throw new CliException(ExitCodes.Usage, $"nothing was imported: '{objectName}' is not an object this user can see in the org; check the API name (such as Lead, Case or Invoice__c).");
        }

        var fields = description.Fields.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        if (!description.Createable && externalIdField is null)
        {
            problems.Add($"{description.Name} records cannot be created by this user (the object is not createable for the profile or permission sets)");
        }

        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i];
            var column = $"line 1 (the header): column {i + 1} '{name}'";
            if (!fields.TryGetValue(name, out var field))
            {
                problems.Add($"{column} is not a field of {description.Name}: check the API name (custom fields end in __c), or that the user can see the field");
            }
            else if (externalIdField is not null && string.Equals(name, externalIdField, StringComparison.OrdinalIgnoreCase))
            {
                if (!field.ExternalId && !string.Equals(field.Name, "Id", StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{column} is not an external id field, so it cannot be upserted on: use --external-id with Id or a field marked External ID");
                }
            }
            else if (externalIdField is null ? !field.Createable : !(field.Createable || field.Updateable))
            {
                problems.Add($"{column} cannot be set by this user on {description.Name} records (it is read-only, computed, or set by Salesforce): remove the column");
            }
            else if (externalIdField is not null && !(field.Createable && field.Updateable))
            {
                var (can, cannot) = field.Createable ? ("creating", "updating") : ("updating", "creating");
                problems.Add($"{column} can be set when {can} but not when {cannot}, and an upsert may do either: remove the column");
            }
        }

        if (externalIdField is null)
        {
            foreach (var required in description.Fields.Where(f => f.IsRequiredOnCreate && IndexOf(header, f.Name) < 0))
            {
                problems.Add($"line 1 (the header): there is no column for {required.Name}, which {description.Name} requires on create, so every row would fail with REQUIRED_FIELD_MISSING: add the column");
            }
        }

        if (problems.Count > 0)
        {
            var message = new StringBuilder($"nothing was imported: the header of {path} does not fit {description.Name} ({(problems.Count == 1 ? "a problem" : $"{problems.Count} problems")}):");
            foreach (var problem in problems)
            {
                message.Append(Environment.NewLine).Append("- ").Append(problem).Append('.');
            }

            throw new CliException(ExitCodes.Usage, message.ToString());
        }
    }

    private static void CheckHeader(IReadOnlyList<string> header, string? externalIdField, char delimiter, Action<string> problem)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i];
            if (!SalesforceNames.IsApiName(name))
            {
                var other = BulkImport.DelimiterNames.FirstOrDefault(d => d.Char != delimiter && name.Contains(d.Char, StringComparison.Ordinal));
                problem($"line 1 (the header): column {i + 1} '{name}' is not a field API name" +
                    (other.Name is null ? "" : $"; the file looks {other.Name}-separated: add --delimiter {other.Name}"));
            }
            else if (!seen.Add(name))
            {
                problem($"line 1 (the header): column {i + 1} '{name}' repeats an earlier column; each field may appear once");
            }
        }

        if (externalIdField is null && IndexOf(header, "Id") is var id and >= 0)
        {
            problem($"line 1 (the header): column {id + 1} 'Id' cannot be sent when creating records (Salesforce assigns ids). " +
                "To update the records it names, import with --external-id Id (an upsert on Id updates them); to create new records, remove the column");
        }

        if (externalIdField is not null && IndexOf(header, externalIdField) < 0)
        {
            problem($"line 1 (the header): there is no '{externalIdField}' column to upsert on");
        }
    }

    private static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (var i = 0; i < header.Count; i++)
        {
            if (string.Equals(header[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    // Trailing empty cells (a trailing comma) hold nothing that could be lost, so they are not counted against the header.
    private static int LastNonEmpty(IReadOnlyList<string> fields)
    {
        for (var i = fields.Count - 1; i >= 0; i--)
        {
            if (fields[i].Length > 0)
            {
                return i;
            }
        }

        return -1;
    }
}
