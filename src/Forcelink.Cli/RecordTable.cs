using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Forcelink.Cli;

/// <summary>
/// Shows records and operation results as tables a person reads; scripts use <c>--json</c> or CSV instead. On a
/// terminal, a few records (an operation's result) get a Spectre table; redirected, under <c>NO_COLOR</c>, and for
/// <c>query</c>'s stream, columns are aligned with spaces, so the output greps and diffs cleanly.
/// </summary>
internal static class RecordTable
{
    /// <summary>How many rows set the column widths of a streamed table: one look, then every later row is written as it comes.</summary>
    public const int SampleRows = 200;

    // Wider values are written whole and push the rest of their row right: a table never cuts a value.
    private const int MaxColumnWidth = 50;

    private const string Gap = "  ";

    public static async Task WriteRecordsAsync(CliContext context, IReadOnlyList<JsonObject> records, IReadOnlyList<string>? columns = null, CancellationToken cancellationToken = default)
    {
        if (context.IsInteractive)
        {
            WriteRecords(context.CreateConsole(), records);
            return;
        }

        var count = await WritePlainAsync(context.Output, ToAsync(records.Select(Flatten)), columns, cancellationToken);
        await context.Output.WriteLineAsync(CountLine(count));
    }

    public static async Task WriteRecordAsync(CliContext context, JsonObject record)
    {
        if (context.IsInteractive)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("Field").AddColumn("Value");
            foreach (var (name, value) in Flatten(record))
            {
                table.AddRow(new Text(name), new Text(value ?? ""));
            }

            context.CreateConsole().Write(table);
            return;
        }

        var values = Flatten(record);
        var width = Math.Min(MaxColumnWidth, values.Keys.Select(k => k.Length).DefaultIfEmpty(0).Max());
        foreach (var (name, value) in values)
        {
            await context.Output.WriteLineAsync((name.PadRight(width) + Gap + Display(value)).TrimEnd());
        }
    }

    /// <summary>
    /// Writes rows as aligned plain text while they arrive: the header and widths come from <paramref name="columns"/>
    /// (when the SELECT list names them) or the keys of the first <see cref="SampleRows"/> rows, which are the only ones
    /// held. Returns how many rows were written; nothing at all when there were none.
    /// </summary>
    public static async Task<long> WritePlainAsync(TextWriter output, IAsyncEnumerable<Dictionary<string, string?>> rows, IReadOnlyList<string>? columns, CancellationToken cancellationToken = default)
    {
        var sample = new List<Dictionary<string, string?>>();
        await using var enumerator = rows.GetAsyncEnumerator(cancellationToken);
        var more = true;
        while (sample.Count < SampleRows && (more = await enumerator.MoveNextAsync()))
        {
            sample.Add(enumerator.Current);
        }

        if (sample.Count == 0)
        {
            return 0;
        }

        var names = columns is { Count: > 0 } ? [.. columns] : ColumnsOf(sample);
        var widths = names.Select(n => Math.Min(MaxColumnWidth, sample.Select(r => Display(Value(r, n)).Length).Append(n.Length).Max())).ToArray();
        await output.WriteLineAsync(Line(names, widths));
        await output.WriteLineAsync(Line([.. widths.Select(w => new string('-', w))], widths));
        long count = 0;
        foreach (var row in sample)
        {
            await output.WriteLineAsync(Line([.. names.Select(n => Display(Value(row, n)))], widths));
            count++;
        }

        sample.Clear();
        while (more && await enumerator.MoveNextAsync())
        {
            await output.WriteLineAsync(Line([.. names.Select(n => Display(Value(enumerator.Current, n)))], widths));
            count++;
        }

        return count;
    }

    public static string CountLine(long count) => count == 0 ? "No records." : $"{count:N0} record{(count == 1 ? "" : "s")}.";

    /// <summary>A cell by column name; the SELECT list may spell a field in another case than the records do.</summary>
    public static string? Value(Dictionary<string, string?> row, string column)
    {
        if (row.TryGetValue(column, out var value))
        {
            return value;
        }

        foreach (var (name, other) in row)
        {
            if (string.Equals(name, column, StringComparison.OrdinalIgnoreCase))
            {
                return other;
            }
        }

        return null;
    }

    /// <summary>Field name to display text; a parent record read through a relationship becomes <c>Owner.Name</c>.</summary>
    public static Dictionary<string, string?> Flatten(JsonObject record)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        Add(values, "", record);
        return values;
    }

    private static void WriteRecords(IAnsiConsole console, IReadOnlyList<JsonObject> records)
    {
        if (records.Count == 0)
        {
            console.WriteLine("No records.");
            return;
        }

        var rows = records.Select(Flatten).ToList();
        var columns = ColumnsOf(rows);
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)));
        }

        foreach (var row in rows)
        {
            table.AddRow(columns.Select(c => new Text(row.TryGetValue(c, out var value) ? value ?? "" : "")).ToArray());
        }

        console.Write(table);
        console.WriteLine(CountLine(records.Count));
    }

    private static List<string> ColumnsOf(IEnumerable<Dictionary<string, string?>> rows)
    {
        var columns = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in rows.SelectMany(r => r.Keys))
        {
            if (seen.Add(name))
            {
                columns.Add(name);
            }
        }

        return columns;
    }

    // One row per line: a line break or tab inside a value would break the table, so it shows as a space here
    // (CSV and JSON keep the value exact).
    private static string Display(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        return value.AsSpan().IndexOfAny("\r\n\t") < 0 ? value : value.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\r', ' ').Replace('\n', ' ').Replace('\t', ' ');
    }

    private static string Line(List<string> cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                line.Append(Gap);
            }

            line.Append(i == cells.Count - 1 ? cells[i] : cells[i].PadRight(widths[i]));
        }

        return line.ToString().TrimEnd();
    }

    private static async IAsyncEnumerable<T> ToAsync<T>(IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            yield return item;
        }

        await Task.CompletedTask;
    }

    private static void Add(Dictionary<string, string?> values, string prefix, JsonObject record)
    {
        foreach (var (name, value) in record)
        {
            if (name == "attributes")
            {
                continue;
            }

            switch (value)
            {
                case JsonObject related:
                    Add(values, $"{prefix}{name}.", related);
                    break;
                case null:
                    values[prefix + name] = null;
                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    values[prefix + name] = v.GetValue<string>();
                    break;
                default:
                    values[prefix + name] = value.ToJsonString(CliJson.Options);
                    break;
            }
        }
    }
}
