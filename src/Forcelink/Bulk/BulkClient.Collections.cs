using Forcelink.Records;
using Forcelink.Models;

namespace Forcelink.Bulk;

public partial class BulkClient
{
    /// <summary>
    /// The many-record writes of <see cref="SalesforceClient"/> through one ingest (<see cref="BulkOptions.CollectionThreshold"/>),
    /// answered in the collections' shape and input order. Salesforce returns bulk results in no set order and without row numbers,
    /// but with the uploaded columns, so each result is matched to the input row it was written from; identical rows are
    /// interchangeable, since nothing in a result could tell them apart.
    /// </summary>
    internal async Task<IReadOnlyList<SaveResult>> WriteManyAsync(IReadOnlyList<SObject> records, BulkOperation operation, string? externalIdField, CancellationToken cancellationToken)
    {
        var request = new BulkIngestRequest(records[0].ObjectName, operation, externalIdField)
        {
            Columns = [.. records.SelectMany(r => r.ScalarFieldNames()).Distinct(StringComparer.OrdinalIgnoreCase)],
        };
        var rows = new KeyedRows(new RecordRows<SObject>(records.ToAsyncEnumerable(), request));
        BulkIngestResult result;
        await using (rows.ConfigureAwait(false))
        {
            result = await IngestCoreAsync(request, rows, null, cancellationToken).ConfigureAwait(false);
        }

        var results = new SaveResult?[records.Count];
        try
        {
            await foreach (var row in GetResultsAsync(result, cancellationToken).ConfigureAwait(false))
            {
                if (!rows.Take(RecordRows<SObject>.Key(row.Values), out var index))
                {
                    throw new SalesforceException(
                        $"Bulk job {row.JobId} returned a {row.Kind} row that matches no record sent (values changed on the way?); the write's results cannot be put in input order.", 0, "BULK_RESULT_UNMATCHED");
                }

                results[index] = row.Kind switch
                {
                    BulkResultKind.Successful => new SaveResult(row.Id, true, [], operation == BulkOperation.Upsert ? row.Created : null),
                    BulkResultKind.Failed => new SaveResult(row.Id, false, [row.Error!]),
                    _ => new SaveResult(null, false, [new SalesforceError("BULK_UNPROCESSED", $"Bulk job {row.JobId} ended before processing this record; it was not written and can be sent again.", [])]),
                };
            }
        }
        catch (SalesforceException e) when (e.ErrorCode == "BULK_RESULTS_INCOMPLETE")
        {
            // Said per record below: the records without a result.
        }

        for (var i = 0; i < results.Length; i++)
        {
            results[i] ??= new SaveResult(null, false, [new SalesforceError("BULK_RESULT_MISSING", "The bulk job returned no result for this record: it may or may not have been written.", [])]);
            if (results[i]!.IsSuccess && results[i]!.Id is { } id && operation != BulkOperation.Delete && operation != BulkOperation.HardDelete)
            {
                records[i].Id = id;
            }
        }

        return results!;
    }

    /// <summary>Remembers which input row each uploaded row came from, by the row's text.</summary>
    private sealed class KeyedRows(IngestRows inner) : IngestRows
    {
        private readonly Dictionary<string, Queue<int>> _indexes = new(StringComparer.Ordinal);
        private int _next;

        public override async ValueTask StartAsync(CancellationToken cancellationToken)
        {
            await inner.StartAsync(cancellationToken).ConfigureAwait(false);
            Header = inner.Header;
            Remember();
        }

        public override async ValueTask AdvanceAsync(CancellationToken cancellationToken)
        {
            await inner.AdvanceAsync(cancellationToken).ConfigureAwait(false);
            Remember();
        }

        public bool Take(string key, out int index)
        {
            index = -1;
            return _indexes.TryGetValue(key, out var queue) && queue.TryDequeue(out index);
        }

        public override ValueTask DisposeAsync() => inner.DisposeAsync();

        private void Remember()
        {
            Current = inner.Current;
            if (Current is not null)
            {
                var key = RecordRows<SObject>.Key(Current);
                if (!_indexes.TryGetValue(key, out var queue))
                {
                    _indexes[key] = queue = new Queue<int>();
                }

                queue.Enqueue(_next++);
            }
        }
    }
}
