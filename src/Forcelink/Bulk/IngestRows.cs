using System.Globalization;
using System.Text.Json.Nodes;
using Forcelink.Csv;
using Forcelink.Records;

namespace Forcelink.Bulk;

/// <summary>The rows of an ingest, one at a time, shared by the jobs it is split into: each job's upload takes rows from
/// where the previous one stopped.</summary>
internal abstract class IngestRows : IAsyncDisposable
{
    /// <summary>The columns, known after <see cref="StartAsync"/>.</summary>
    public IReadOnlyList<string> Header { get; protected set; } = [];

    /// <summary>The row not yet uploaded; <see langword="null"/> at the end.</summary>
    public string?[]? Current { get; protected set; }

    public abstract ValueTask StartAsync(CancellationToken cancellationToken);

    public abstract ValueTask AdvanceAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}

/// <summary>Rows from records: the columns are the request's, else the first record's fields.</summary>
internal sealed class RecordRows<T>(IAsyncEnumerable<T> records, BulkIngestRequest request) : IngestRows
    where T : SObject
{
    /// <summary>Data Loader's and Bulk API's text for "clear this field".</summary>
    public const string NullMarker = "#N/A";

    private IAsyncEnumerator<T>? _records;
    private Dictionary<string, int>? _columns;
    private long _index;

    public override async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        _records = records.GetAsyncEnumerator(cancellationToken);
        var first = await _records.MoveNextAsync().ConfigureAwait(false) ? _records.Current : null;
        Header = Columns(request, first);
        _columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Header.Count; i++)
        {
            _columns[Header[i]] = i;
        }

        Current = first is null ? null : Format(first);
    }

    public override async ValueTask AdvanceAsync(CancellationToken cancellationToken) =>
        Current = await _records!.MoveNextAsync().ConfigureAwait(false) ? Format(_records.Current) : null;

    public override ValueTask DisposeAsync() => _records?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>The columns a job of <paramref name="request"/> sends for records like <paramref name="first"/>.</summary>
    public static IReadOnlyList<string> Columns(BulkIngestRequest request, SObject? first)
    {
        if (request.Operation is BulkOperation.Delete or BulkOperation.HardDelete)
        {
            return ["Id"];
        }

        List<string> columns = request.Columns is { } given
            ? [.. given.Select(c => SalesforceClient.CheckObjectName(c, nameof(request)))]
            : first is null ? [] : [.. first.ScalarFieldNames()];
        var id = columns.FindIndex(c => string.Equals(c, "Id", StringComparison.OrdinalIgnoreCase));
        switch (request.Operation)
        {
            case BulkOperation.Insert when id >= 0:
                columns.RemoveAt(id);
                break;
            case BulkOperation.Update when id < 0:
                columns.Insert(0, "Id");
                break;
            case BulkOperation.Upsert when !columns.Contains(request.ExternalIdFieldName!, StringComparer.OrdinalIgnoreCase):
                columns.Insert(0, request.ExternalIdFieldName!);
                break;
        }

        return columns;
    }

    private string?[] Format(T record)
    {
        _index++;
        if (record is null)
        {
            throw new ArgumentException($"Record {_index:N0} is null.");
        }

        var values = new string?[Header.Count];
        var fields = record.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            var (name, value) = (fields.NameAt(i), fields.ValueAt(i));
            if (value is JsonObject)
            {
                continue;
            }

            if (!_columns!.TryGetValue(name, out var column))
            {
                // An insert sends no ids, and a delete only ids.
                if (string.Equals(name, "Id", StringComparison.OrdinalIgnoreCase) || request.Operation is BulkOperation.Delete or BulkOperation.HardDelete)
                {
                    continue;
                }

                throw new ArgumentException(
                    $"Record {_index:N0} ({record}) has the field {name}, which is not a column of this job ({string.Join(", ", Header)}). " +
                    "A bulk job sends one set of columns: set BulkIngestRequest.Columns to every field the records hold."); 
            }

            values[column] = Text(value, record, name);
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] ??= "";
        }

        if (request.Operation is BulkOperation.Update or BulkOperation.Delete or BulkOperation.HardDelete && values[_columns!["Id"]]!.Length == 0)
        {
            throw new ArgumentException($"Record {_index:N0} ({record}) has no Id, which a {request.Operation} job needs.");
        }

        if (request.Operation == BulkOperation.Upsert && values[_columns![request.ExternalIdFieldName!]]!.Length == 0)
        {
            throw new ArgumentException($"Record {_index:N0} ({record}) has no value for {request.ExternalIdFieldName}, which an upsert needs.");
        }

        return values;
    }

    private string Text(object? value, SObject record, string field) => value switch
    {
        null => NullMarker,
        string s => s,
        bool b => b ? "true" : "false",
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        int n => n.ToString(CultureInfo.InvariantCulture),
        NumberText n => n.Text,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v => v.ToJsonString(),
        _ => throw new ArgumentException($"Record {_index:N0} ({record}) holds a list in {field}, which CSV cannot carry."),
    };

    /// <summary>The row a record becomes, for matching results to inputs (<see cref="SalesforceClient"/>'s collections path).</summary>
    internal static string Key(IReadOnlyList<string?> values) => string.Join('\u001f', values);
}

/// <summary>Rows from a CSV stream: the first row is the header; every row is checked against it as it is read.</summary>
internal sealed class CsvRows(CsvReader reader) : IngestRows
{
    private IAsyncEnumerator<CsvRow>? _rows;

    public override async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        _rows = reader.ReadAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        if (!await _rows.MoveNextAsync().ConfigureAwait(false))
        {
            throw new CsvFormatException(1, "The CSV is empty: it needs a header row of field API names, then one row per record.");
        }

        Header = [.. _rows.Current.Fields.Select(f => f.Trim())];
        await AdvanceAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask AdvanceAsync(CancellationToken cancellationToken)
    {
        if (!await _rows!.MoveNextAsync().ConfigureAwait(false))
        {
            Current = null;
            return;
        }

        var row = _rows.Current;
        var values = new string?[Header.Count];
        for (var i = 0; i < row.Fields.Count; i++)
        {
            if (i < values.Length)
            {
                values[i] = row.Fields[i];
            }
            else if (row.Fields[i].Length > 0)
            {
                throw new CsvFormatException(
                    row.Line,
                    string.Create(CultureInfo.InvariantCulture, $"Line {row.Line}, column {i + 1}: the row has more cells than the header's {Header.Count} columns. ") +
                    "Quote a cell that holds the delimiter, or check that the file uses the job's delimiter.");
            }
        }

        for (var i = row.Fields.Count; i < values.Length; i++)
        {
            values[i] = "";
        }

        Current = values;
    }

    public override ValueTask DisposeAsync() => _rows?.DisposeAsync() ?? ValueTask.CompletedTask;
}
