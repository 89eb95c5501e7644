using System.Text.RegularExpressions;
using Forcelink.Bulk;
using Forcelink.Csv;
using Forcelink.Models;

namespace Forcelink.Lambda.S3;

/// <summary>
/// The first pass over a file, streamed, before any row is sent: it must be UTF-8 CSV that reads as written, with a
/// header of field API names the user may set and at least one row, each with no more cells than the header and the
/// external id an upsert needs. A file that fails is refused whole, so a load is never partial because of its file.
/// Problems name lines and columns, never a cell's value: they go to the logs and the summary.
/// </summary>
internal static partial class S3FileCheck
{
    private const int MaxProblemsShown = 20;

    /// <summary>The header and the count of data rows, or the problems (at most 20 shown, and how many there were).</summary>
    public static async Task<(IReadOnlyList<string> Header, long Rows, string? Problem)> RunAsync(Stream csv, BulkIngestRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<string>();
        var total = 0L;
        IReadOnlyList<string>? header = null;
        var externalIdColumn = -1;
        var rows = 0L;
        void Problem(string text)
        {
            if (++total <= MaxProblemsShown)
            {
                problems.Add(text);
            }
        }

        try
        {
            await foreach (var row in CsvReader.Open(csv).ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (header is null)
                {
                    header = [.. row.Fields.Select(f => f.Trim())];
                    CheckHeader(header, Problem);
                    externalIdColumn = request.ExternalIdFieldName is { } field ? IndexOf(header, field) : -1;
                    if (request.ExternalIdFieldName is { } missing && externalIdColumn < 0)
                    {
                        Problem($"line 1 (the header): there is no column for the external id {missing} that the key names; add it, or drop the file under the right field's folder");
                    }

                    if (request.Operation is BulkOperation.Update or BulkOperation.Delete or BulkOperation.HardDelete && IndexOf(header, "Id") < 0)
                    {
                        Problem($"line 1 (the header): a {request.Operation} matches rows by Id, and there is no Id column");
                    }

                    // A header with problems makes every row's check noise.
                    if (total > 0)
                    {
                        break;
                    }

                    continue;
                }

                rows++;
                var cells = row.Fields.Count;
                while (cells > 0 && row.Fields[cells - 1].Length == 0)
                {
                    cells--;
                }

                if (cells > header.Count)
                {
                    Problem($"line {row.Line}: the row has {cells} cells but the header has {header.Count} columns; quote a cell that holds a comma");
                }

                if (externalIdColumn >= 0 && (externalIdColumn >= row.Fields.Count || string.IsNullOrWhiteSpace(row.Fields[externalIdColumn])))
                {
                    Problem($"line {row.Line}, column {externalIdColumn + 1}: no value for the external id {request.ExternalIdFieldName}");
                }
            }
        }
        catch (CsvFormatException e)
        {
            Problem(e.IsEncodingError ? $"the file is not UTF-8 text, so not a CSV file this function reads ({e.Message.TrimEnd('.')})"
                : header is null ? $"the file does not read as CSV: {e.Message.TrimEnd('.')}"
                : e.Message.TrimEnd('.'));
        }

        if (header is null && total > 0)
        {
            return ([], 0, Describe(problems, total));
        }

        if (header is null)
        {
            return ([], 0, "the file is empty: it needs a header row of field API names, then one row per record");
        }

        if (total == 0 && rows == 0)
        {
            return (header, 0, "the file has a header but no rows");
        }

        return (header, rows, total == 0 ? null : Describe(problems, total));
    }

    /// <summary>The header against the object's describe: every column a field this user may set, so Salesforce does not
    /// refuse every row after some were sent.</summary>
    public static string? CheckColumns(SObjectDescription description, IReadOnlyList<string> header, BulkIngestRequest request)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(request);
        var fields = description.Fields.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        var relationships = description.Fields.Where(f => f.RelationshipName is not null).Select(f => f.RelationshipName!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        var insertOnly = request.Operation == BulkOperation.Insert;
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i];
            var column = $"line 1 (the header): column {i + 1} '{name}'";
            if (name.Split('.') is [var relationship, _] && relationships.Contains(relationship))
            {
                continue;
            }

            if (!fields.TryGetValue(name, out var field))
            {
                problems.Add($"{column} is not a field of {description.Name}: check the API name (custom fields end in __c), or that the user can see the field");
            }
            else if (string.Equals(name, "Id", StringComparison.OrdinalIgnoreCase) || string.Equals(name, request.ExternalIdFieldName, StringComparison.OrdinalIgnoreCase))
            {
                if (request.Operation == BulkOperation.Upsert && !field.ExternalId && !string.Equals(field.Name, "Id", StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add($"{column} is not an external id field, so rows cannot be upserted on it: drop the file under the folder of Id or a field marked External ID");
                }
            }
            else if (request.Operation is BulkOperation.Delete or BulkOperation.HardDelete)
            {
                problems.Add($"{column}: a {request.Operation} reads only the Id column; remove the others");
            }
            else if (insertOnly ? !field.Createable : request.Operation == BulkOperation.Update ? !field.Updateable : !(field.Createable && field.Updateable))
            {
                problems.Add($"{column} cannot be set by this user on {description.Name} records {(request.Operation == BulkOperation.Upsert ? "both when creating and when updating" : "")}(it is read-only, computed, or set by Salesforce): remove the column");
            }
        }

        return problems.Count == 0 ? null : Describe(problems, problems.Count);
    }

    private static void CheckHeader(IReadOnlyList<string> header, Action<string> problem)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i];
            if (!ApiName().IsMatch(name))
            {
                problem(name.Length == 0
                    ? $"line 1 (the header): column {i + 1} has no name; the first row must name each column's field"
                    : $"line 1 (the header): column {i + 1} is not a field API name (letters, digits and _, such as LastName or Ext_Id__c); is the first row a header, and the file comma-separated CSV?");
            }
            else if (!seen.Add(name))
            {
                problem($"line 1 (the header): column {i + 1} '{name}' appears twice");
            }
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

    private static string Describe(List<string> problems, long total) =>
        (total == 1 ? "the file has a problem: " : $"the file has {total:N0} problems: ")
        + string.Join("; ", problems)
        + (total > problems.Count ? $"; and {total - problems.Count:N0} more" : "")
        + ". Nothing was loaded.";

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$")]
    private static partial Regex ApiName();
}
