using System.Globalization;
using Forcelink.Emulator.Org;
using Forcelink.Emulator.Records;
using Forcelink.Emulator.Soql;

namespace Forcelink.Emulator.Bulk;

/// <summary>
/// Writes a query job's result file: a header of field paths (<c>Id</c>, <c>Account.Name</c>) in SELECT order, as API
/// 50.0 and later do, then one row per record with every value quoted, streamed to disk with a page index.
/// </summary>
internal sealed class QueryProcessor(EmulatedOrg org)
{
    public void Process(BulkJob job, SoqlQueryResult result, ISoqlCatalog catalog, DateTimeOffset now, DateTimeOffset readyAt)
    {
        var columns = new List<SoqlProjectionNode[]>();
        Flatten(result.Columns, [], columns);
        var pages = new QueryPageIndex();
        long bytes;
        using (var csv = CsvWriter.Create(job.ResultPath, job.Format))
        {
            foreach (var path in columns)
            {
                csv.Quoted(string.Join('.', path.Select(n => n.Name)));
            }

            csv.EndRow();
            pages.HeaderLength = csv.Position();
            for (var i = 0; i < result.RowCount; i++)
            {
                pages.RowStarting(csv.Position);
                var record = result.RecordAt(i);
                foreach (var path in columns)
                {
                    csv.Quoted(Render(Value(record, path, catalog)));
                }

                csv.EndRow();
            }

            bytes = csv.Position();
        }

        job.Pages = pages;
        org.BulkJobs.CountQueryJob(bytes);
        job.Processed(now, readyAt, pages.Rows, 0, null);
    }

    private static void Flatten(IReadOnlyList<SoqlProjectionNode> nodes, SoqlProjectionNode[] prefix, List<SoqlProjectionNode[]> columns)
    {
        foreach (var node in nodes)
        {
            SoqlProjectionNode[] path = [.. prefix, node];
            if (node.Field is not null)
            {
                columns.Add(path);
            }
            else
            {
                Flatten(node.Children, path, columns);
            }
        }
    }

    private static object? Value(SoqlRecord record, SoqlProjectionNode[] path, ISoqlCatalog catalog)
    {
        SoqlRecord? current = record;
        foreach (var node in path)
        {
            if (node.Field is { } field)
            {
                return current.Fields.TryGetValue(field.Name, out var value) ? value : null;
            }

            current = current.Fields.TryGetValue(node.Relationship!.Name, out var id) && id is string parentId ? catalog.FindById(parentId) : null;
            if (current is null)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>CSV text of a stored value; datetimes in UTC with <c>Z</c>, as Bulk API CSV writes them.</summary>
    private static string Render(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        DateOnly date => FieldValues.FormatDate(date),
        DateTimeOffset moment => moment.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
