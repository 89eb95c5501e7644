using System.Globalization;
using Forcelink.Csv;
using Forcelink.Records;
using Forcelink.Models;

namespace Forcelink.Cli.Commands;

/// <summary>
/// The second pass of <c>forcelink import</c>: rows sent 200 per collections call, each call's outcome recorded for
/// every row in it. A call that fails transiently marks its rows and the run goes on with the next; only a failure
/// that the next call would meet too (login refused, the API limit, a refused request, cancellation) stops it, and the
/// rest of the file is then still read so every row is counted and written out as not sent.
/// </summary>
internal sealed class ImportRun(string objectName, string? externalIdField, IReadOnlyList<string> header, ImportOutputs outputs)
{
    public const string StatusFailed = "failed";
    public const string StatusUnknown = "unknown";
    public const string StatusNotSent = "not sent";

    // Past this many calls in a row failing transiently, Salesforce is taken to be down rather than flaky.
    private const int MaxConsecutiveTransientFailures = 5;

    // Refusals of a whole call that a later call may not meet: the row lock is released when the other writer commits.
    private static readonly HashSet<string> TransientRefusals = new(StringComparer.Ordinal) { "UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE" };

    private readonly List<CsvRow> _chunk = new(SalesforceClient.CollectionLimit);
    private int _consecutiveTransientFailures;

    public ImportCounts Counts { get; } = new();

    public ImportStop? Stop { get; private set; }

    public IReadOnlyList<string> Header => header;

    private bool IsCreate => externalIdField is null;

    public async Task ExecuteAsync(SalesforceClient client, CsvReader reader, Func<Task> progress, CancellationToken cancellationToken)
    {
        outputs.Start(header);
        try
        {
            var first = true;
            // The file is read to its end even after a stop or Ctrl+C, so the rows not sent are written out, not lost.
            await foreach (var row in reader.ReadAsync(CancellationToken.None))
            {
                if (first)
                {
                    first = false;
                    continue;
                }

                Counts.Read++;
                if (Stop is not null)
                {
                    await NotDoneAsync(row, StatusNotSent, "NOT_SENT", $"Not sent: the import stopped early ({Stop.Message}).");
                    continue;
                }

                _chunk.Add(row);
                if (_chunk.Count == SalesforceClient.CollectionLimit)
                {
                    await SendChunkAsync(client, cancellationToken);
                    await progress();
                }
            }

            if (_chunk.Count > 0)
            {
                await SendChunkAsync(client, cancellationToken);
                await progress();
            }
        }
        finally
        {
            await outputs.CloseAsync();
        }
    }

    private async Task SendChunkAsync(SalesforceClient client, CancellationToken cancellationToken)
    {
        try
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Stop = new ImportStop("cancelled", "cancelled before the call was sent", ExitCodes.Cancelled);
                await ChunkAsync(StatusNotSent, "NOT_SENT", "Not sent: the import was cancelled.");
                return;
            }

            var records = _chunk.Select(ToRecord).ToList();
            IReadOnlyList<SaveResult> results;
            try
            {
                results = IsCreate
                    ? await client.CreateManyAsync(records, cancellationToken: cancellationToken)
                    : await client.UpsertManyAsync(records, externalIdField!, cancellationToken: cancellationToken);
            }
            catch (SalesforceException e) when (e.IsLoginFailure)
            {
                Stop = new ImportStop("login", e.Message, ExitCodes.AuthFailed);
                await ChunkAsync(StatusNotSent, e.ErrorCode ?? "LOGIN_FAILED", $"Not sent: the login was refused. {e.Message}");
                return;
            }
            catch (SalesforceException e) when (e.IsApiUsageGuard)
            {
                Stop = new ImportStop("limit", e.Message, ExitCodes.Failure);
                await ChunkAsync(StatusNotSent, e.ErrorCode, $"Not sent: {e.Message}");
                return;
            }
            catch (SalesforceException e) when (e.StatusCode is >= 400 and < 500)
            {
                // A refusal of the whole call: Salesforce wrote none of its rows.
                await ChunkAsync(StatusFailed, e.ErrorCode ?? $"ERROR_HTTP_{e.StatusCode}", e.Message);
                if (e.ErrorCode is { } code && TransientRefusals.Contains(code))
                {
                    TransientFailure(e.Message);
                }
                else
                {
                    Stop = new ImportStop(e.ErrorCode == "REQUEST_LIMIT_EXCEEDED" ? "limit" : "refused", e.Message, ExitCodes.Failure);
                }

                return;
            }
            catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
            {
                // No connection was made (the library retried that already), so nothing reached Salesforce.
                await ChunkAsync(StatusNotSent, "CONNECTION_FAILED", $"Not sent: could not connect to Salesforce ({e.Message}).");
                TransientFailure(e.Message);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Stop = new ImportStop("cancelled", "cancelled while a call was under way", ExitCodes.Cancelled);
                await UnknownAsync("the import was cancelled while the call was under way");
                return;
            }
            catch (Exception e) when (e is SalesforceException or HttpRequestException or IOException)
            {
                await UnknownAsync(e.Message);
                TransientFailure(e.Message);
                return;
            }

            _consecutiveTransientFailures = 0;
            for (var i = 0; i < _chunk.Count; i++)
            {
                await ResultAsync(_chunk[i], results[i]);
            }
        }
        finally
        {
            _chunk.Clear();
        }
    }

    private void TransientFailure(string message)
    {
        if (++_consecutiveTransientFailures >= MaxConsecutiveTransientFailures)
        {
            Stop = new ImportStop("unavailable", $"{MaxConsecutiveTransientFailures} calls in a row failed, the last with: {message}", ExitCodes.Failure);
        }
    }

    private async Task ResultAsync(CsvRow row, SaveResult result)
    {
        if (result.IsSuccess)
        {
            if (result.Created ?? IsCreate)
            {
                Counts.Created++;
            }
            else
            {
                Counts.Updated++;
            }

            return;
        }

        var code = result.Errors.Count > 0 ? result.Errors[0].ErrorCode : "UNKNOWN_ERROR";
        var message = result.Errors.Count > 0
            ? string.Join(" ", result.Errors.Select(e => e.Fields.Count > 0 ? $"{e.Message} (fields: {string.Join(", ", e.Fields)})" : e.Message))
            : "Salesforce reported a failure without details.";
        await NotDoneAsync(row, StatusFailed, code, message);
    }

    private Task UnknownAsync(string reason)
    {
        var message = IsCreate
            ? $"Outcome unknown: the call was sent but its answer was lost ({reason}), so these records may or may not have been created. Check before importing them again."
            : $"Outcome unknown: the call was sent but its answer was lost ({reason}). An upsert is safe to repeat: import the row again.";
        return ChunkAsync(StatusUnknown, "OUTCOME_UNKNOWN", message);
    }

    private async Task ChunkAsync(string status, string code, string message)
    {
        foreach (var row in _chunk)
        {
            await NotDoneAsync(row, status, code, message);
        }
    }

    private async Task NotDoneAsync(CsvRow row, string status, string code, string message)
    {
        switch (status)
        {
            case StatusFailed:
                Counts.Failed++;
                break;
            case StatusUnknown:
                Counts.Unknown++;
                break;
            default:
                Counts.NotSent++;
                break;
        }

        // An unknown create must not be re-sent blindly, so it stays out of the file that is safe to import again.
        var safeToRepeat = status != StatusUnknown || !IsCreate;
        await outputs.WriteAsync(row, safeToRepeat, [row.Line.ToString(CultureInfo.InvariantCulture), status, code, message]);
    }

    private SObject ToRecord(CsvRow row)
    {
        var record = new SObject(objectName);
        for (var i = 0; i < header.Count && i < row.Fields.Count; i++)
        {
            var value = row.Fields[i];
            if (value.Length == 0)
            {
                continue;
            }

            record.Set(header[i], value == ImportCommand.NullMarker ? null : value);
        }

        return record;
    }
}

/// <summary>
/// The three files a run leaves: rows safe to import again, creates whose outcome is unknown, and the reason for each.
/// Each is written under a temporary name and renamed at the end, so what is on disk is always the latest run's: a file
/// the latest run had nothing for is removed, and the names of the removed ones are reported.
/// </summary>
internal sealed class ImportOutputs
{
    private const string TempSuffix = ".partial";

    private readonly OutputFile _remaining;
    private readonly OutputFile _unknown;
    private readonly OutputFile _errors;

    private ImportOutputs(string stem)
    {
        _remaining = new OutputFile(stem + ".remaining.csv");
        _unknown = new OutputFile(stem + ".unknown.csv");
        _errors = new OutputFile(stem + ".errors.csv");
    }

    public static ImportOutputs For(string inputPath) => new(Path.ChangeExtension(inputPath, null));

    /// <summary>Starts the files; <paramref name="where"/> names the errors file's first column (the input line, or a bulk run's job).</summary>
    public void Start(IReadOnlyList<string> header, string where = "Line")
    {
        _remaining.Header = header;
        _unknown.Header = header;
        _errors.Header = [where, "Status", "ErrorCode", "ErrorMessage", .. header];
    }

    public Task WriteAsync(CsvRow row, bool safeToRepeat, IReadOnlyList<string> error) => WriteAsync(row.Fields, safeToRepeat, error);

    public async Task WriteAsync(IReadOnlyList<string> fields, bool safeToRepeat, IReadOnlyList<string> error)
    {
        await (safeToRepeat ? _remaining : _unknown).WriteAsync(fields);
        await _errors.WriteAsync([.. error, .. fields]);
    }

    public async Task CloseAsync()
    {
        await _remaining.CloseAsync();
        await _unknown.CloseAsync();
        await _errors.CloseAsync();
    }

    /// <summary>Moves the files written into place and removes the earlier run's others.</summary>
    public ImportFiles Commit()
    {
        var removed = new List<string>();
        return new ImportFiles(_remaining.Commit(removed), _unknown.Commit(removed), _errors.Commit(removed), removed);
    }

    private sealed class OutputFile(string path)
    {
        private CsvWriter? _writer;
        private long _rows;

        public IReadOnlyList<string> Header { get; set; } = [];

        public async Task WriteAsync(IEnumerable<string> fields)
        {
            if (_writer is null)
            {
                _writer = CsvWriter.Create(path + TempSuffix, overwrite: true);
                await _writer.WriteRowAsync(Header);
            }

            await _writer.WriteRowAsync(fields);
            _rows++;
        }

        public async Task CloseAsync()
        {
            if (_writer is not null)
            {
                await _writer.DisposeAsync();
                _writer = null;
            }
        }

        public ImportFile? Commit(List<string> removed)
        {
            if (_rows > 0)
            {
                File.Move(path + TempSuffix, path, overwrite: true);
                return new ImportFile(path, _rows);
            }

            if (File.Exists(path))
            {
                File.Delete(path);
                removed.Add(path);
            }

            return null;
        }
    }
}

internal sealed record ImportFile(string Path, long Rows);

internal sealed record ImportFiles(ImportFile? Remaining, ImportFile? Unknown, ImportFile? Errors, IReadOnlyList<string> Removed);
