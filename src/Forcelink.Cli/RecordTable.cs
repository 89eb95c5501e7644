using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Forcelink.Cli;

/// <summary>Shows records and operation results as tables a person reads; scripts use <c>--json</c> instead.</summary>
internal static class RecordTable
{
    public static void WriteRecords(IAnsiConsole console, IReadOnlyList<JsonObject> records)
    {
        if (records.Count == 0)
        {
            console.WriteLine("No records.");
            return;
        }

        var columns = new List<string>();
        var rows = records.Select(Flatten).ToList();
        foreach (var name in rows.SelectMany(r => r.Keys).Where(name => !columns.Contains(name, StringComparer.Ordinal)))
        {
            columns.Add(name);
        }

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
        console.WriteLine($"{records.Count} record{(records.Count == 1 ? "" : "s")}.");
    }

    public static void WriteRecord(IAnsiConsole console, JsonObject record)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Field").AddColumn("Value");
        foreach (var (name, value) in Flatten(record))
        {
            table.AddRow(new Text(name), new Text(value ?? ""));
        }

        console.Write(table);
    }

    /// <summary>Field name to display text; a parent record read through a relationship becomes <c>Owner.Name</c>.</summary>
    public static Dictionary<string, string?> Flatten(JsonObject record)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        Add(values, "", record);
        return values;
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
                    values[prefix + name] = value.ToJsonString();
                    break;
            }
        }
    }
}
