namespace Forcelink.Bulk;

/// <summary>One row of an ingest job's results: how it ended, and the columns it was uploaded with.</summary>
public sealed class BulkResultRow
{
    internal BulkResultRow(string jobId, BulkResultKind kind, string? id, bool? created, SalesforceError? error, IReadOnlyList<string> columns, string[] values)
    {
        JobId = jobId;
        Kind = kind;
        Id = id;
        Created = created;
        Error = error;
        Columns = columns;
        Values = values;
    }

    /// <summary>The job the row was sent to.</summary>
    public string JobId { get; }

    /// <summary>How the row ended.</summary>
    public BulkResultKind Kind { get; }

    /// <summary>The record id (<c>sf__Id</c>): set for written rows, and for failed rows Salesforce could tie to a record.</summary>
    public string? Id { get; }

    /// <summary>For written rows, whether a record was created (<c>sf__Created</c>); <see langword="null"/> otherwise.</summary>
    public bool? Created { get; }

    /// <summary>For failed rows, the error (<c>sf__Error</c>: code, message and fields); <see langword="null"/> otherwise.</summary>
    public SalesforceError? Error { get; }

    /// <summary>The columns the row was uploaded with, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The row's values as uploaded, one per column.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>The uploaded value of a column (case-insensitive); <see langword="null"/> when there is no such column.</summary>
    public string? this[string column]
    {
        get
        {
            for (var i = 0; i < Columns.Count; i++)
            {
                if (string.Equals(Columns[i], column, StringComparison.OrdinalIgnoreCase))
                {
                    return i < Values.Count ? Values[i] : "";
                }
            }

            return null;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Kind} {Id ?? "(no id)"}{(Error is null ? "" : $" {Error.ErrorCode}")}";
}
