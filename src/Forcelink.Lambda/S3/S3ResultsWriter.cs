using System.Text;
using Forcelink.Bulk;
using Forcelink.Csv;

namespace Forcelink.Lambda.S3;

/// <summary>
/// Writes every row's outcome, as the library streams them, into three CSV files beside the summary: <c>successful.csv</c>
/// (<c>sf__Id</c>, <c>sf__Created</c>, then the file's columns), <c>failed.csv</c> (<c>sf__Id</c>, <c>sf__Error</c>, then
/// the file's columns) and <c>unprocessed.csv</c> (the file's columns), the shape of Salesforce's own result files.
/// Each is written a 5 MiB part at a time, so memory stays flat whatever the file's size.
/// </summary>
internal sealed class S3ResultsWriter
{
    // Rows gather as text and go to the part buffer past this size: one encoding call per 64 KiB, not per row.
    private const int FlushChars = 64 * 1024;

    private readonly S3ObjectStore _store;
    private readonly string _bucket;
    private readonly string _folder;

    public S3ResultsWriter(S3ObjectStore store, string bucket, string folder)
    {
        _store = store;
        _bucket = bucket;
        _folder = folder;
    }

    public S3LoadResultFiles Files => new($"{_folder}successful.csv", $"{_folder}failed.csv", $"{_folder}unprocessed.csv");

    /// <summary>Writes the three files and returns how many rows each got.</summary>
    public async Task<(long Successful, long Failed, long Unprocessed)> WriteAsync(IAsyncEnumerable<BulkResultRow> rows, IReadOnlyList<string> columns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(columns);
        var files = Files;
        var outputs = new[]
        {
            new Output(_store.OpenWrite(_bucket, files.Successful, "text/csv"), ["sf__Id", "sf__Created", .. columns]),
            new Output(_store.OpenWrite(_bucket, files.Failed, "text/csv"), ["sf__Id", "sf__Error", .. columns]),
            new Output(_store.OpenWrite(_bucket, files.Unprocessed, "text/csv"), [.. columns]),
        };
        try
        {
            var cells = new List<string?>(columns.Count + 2);
            await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                cells.Clear();
                switch (row.Kind)
                {
                    case BulkResultKind.Successful:
                        cells.Add(row.Id);
                        cells.Add(row.Created is { } created ? (created ? "true" : "false") : "");
                        break;
                    case BulkResultKind.Failed:
                        cells.Add(row.Id);
                        cells.Add(row.Error is { } error ? $"{error.ErrorCode}:{error.Message}" : "");
                        break;
                }

                foreach (var column in columns)
                {
                    cells.Add(row[column]);
                }

                await outputs[(int)row.Kind].AddAsync(cells, cancellationToken).ConfigureAwait(false);
            }

            foreach (var output in outputs)
            {
                await output.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            return (outputs[0].Rows, outputs[1].Rows, outputs[2].Rows);
        }
        finally
        {
            foreach (var output in outputs)
            {
                await output.Writer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private sealed class Output
    {
        private readonly StringBuilder _text = new();

        public Output(S3ObjectWriter writer, IReadOnlyList<string> header)
        {
            Writer = writer;
            CsvWriter.AppendRow(_text, header, ',', "\n");
        }

        public S3ObjectWriter Writer { get; }

        public long Rows { get; private set; }

        public async ValueTask AddAsync(IEnumerable<string?> cells, CancellationToken cancellationToken)
        {
            CsvWriter.AppendRow(_text, cells, ',', "\n");
            Rows++;
            if (_text.Length >= FlushChars)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task CompleteAsync(CancellationToken cancellationToken)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            await Writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        private async ValueTask FlushAsync(CancellationToken cancellationToken)
        {
            await Writer.WriteAsync(Encoding.UTF8.GetBytes(_text.ToString()), cancellationToken).ConfigureAwait(false);
            _text.Clear();
        }
    }
}
