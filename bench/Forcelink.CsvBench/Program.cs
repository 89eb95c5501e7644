using System.Diagnostics;
using System.Globalization;
using System.Text;
using Forcelink.Csv;
using nietras.SeparatedValues;

// Forcelink's CSV reader and writer (src/Forcelink/Csv) against Sep 0.18.0, side by side: first the edge cases a
// Bulk API 2.0 file can hold, then throughput on the same generated data. Usage: Forcelink.CsvBench [rows] [runs]
var rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;

Console.WriteLine("## Edge cases (each reader given the same bytes)");
Console.WriteLine();
Console.WriteLine("| case | Forcelink | Sep |");
Console.WriteLine("|---|---|---|");
foreach (var (name, text, delimiter, expected) in EdgeCases.All)
{
    var bytes = Encoding.UTF8.GetBytes(text);
    Console.WriteLine($"| {name} | {await EdgeCases.ForcelinkAsync(bytes, delimiter, expected)} | {await EdgeCases.SepAsync(bytes, delimiter, expected)} |");
}

var data = Data.Generate(rows);
var csv = Data.ToCsv(data);
Console.WriteLine();
Console.WriteLine($"## Throughput: {rows:N0} rows x {Data.Columns} columns, {csv.Length / 1e6:F1} MB of UTF-8 CSV (10 % of rows quoted with embedded commas, quotes or line breaks); median of {runs} runs after one warm-up");
Console.WriteLine();
Console.WriteLine("| operation | Forcelink (ms) | Sep (ms) | Forcelink / Sep | Forcelink MB/s | Sep MB/s | allocated Forcelink / Sep (MB) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
await Measure.PrintAsync("read, every field as a string", csv.Length, runs, () => Readers.ForcelinkAsync(csv), () => Readers.SepAsync(csv));
await Measure.PrintAsync("write", csv.Length, runs, () => Writers.ForcelinkAsync(data), () => Writers.SepAsync(data));

internal static class Measure
{
    public static async Task PrintAsync(string name, long bytes, int runs, Func<Task<long>> forcelink, Func<Task<long>> sep)
    {
        var (ours, oursAllocated, oursCheck) = await TimeAsync(forcelink, runs);
        var (theirs, theirsAllocated, theirsCheck) = await TimeAsync(sep, runs);
        if (oursCheck != theirsCheck)
        {
            throw new InvalidOperationException($"{name}: the two disagree on the data ({oursCheck} vs {theirsCheck}).");
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {name} | {ours:F1} | {theirs:F1} | {ours / theirs:F2} | {bytes / 1e3 / ours:F0} | {bytes / 1e3 / theirs:F0} | {oursAllocated / 1e6:F0} / {theirsAllocated / 1e6:F0} |"));
    }

    private static async Task<(double Milliseconds, long Allocated, long Check)> TimeAsync(Func<Task<long>> action, int runs)
    {
        var check = await action();
        var times = new List<double>();
        long allocated = 0;
        for (var i = 0; i < runs; i++)
        {
            GC.Collect();
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            await action();
            times.Add(watch.Elapsed.TotalMilliseconds);
            allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        times.Sort();
        return (times[times.Count / 2], allocated, check);
    }
}

internal static class Data
{
    public const int Columns = 8;

    public static string[][] Generate(int rows)
    {
        var random = new Random(42);
        var result = new string[rows + 1][];
        result[0] = ["Id", "FirstName", "LastName", "Company", "Email", "Phone", "AnnualRevenue", "Description"];
        for (var i = 1; i <= rows; i++)
        {
            var special = random.Next(10) == 0;
            result[i] =
            [
                $"00Q5e00000{i:D8}",
                $"First{random.Next(10_000)}",
                special ? $"O'Brien, \"Jr\" {i}" : $"Last{i}",
                $"Company {random.Next(1_000)} Ltd",
                $"user{i}@example.com",
                $"+1 555 {random.Next(1_000_000):D7}",
                (random.Next(1_000_000) * 10).ToString(CultureInfo.InvariantCulture),
                special ? $"Line one of {i}\r\nline two, with a comma" : $"Plain description number {i} of a lead imported in bulk",
            ];
        }

        return result;
    }

    public static byte[] ToCsv(string[][] data)
    {
        var text = new StringBuilder();
        foreach (var row in data)
        {
            CsvWriter.AppendRow(text, row);
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}

internal static class Readers
{
    public static async Task<long> ForcelinkAsync(byte[] csv)
    {
        long check = 0;
        await foreach (var row in CsvReader.Open(new MemoryStream(csv)).ReadAsync())
        {
            foreach (var field in row.Fields)
            {
                check += field.Length;
            }
        }

        return check;
    }

    public static async Task<long> SepAsync(byte[] csv)
    {
        long check = 0;
        using var reader = await Sep.Reader(o => o with { HasHeader = false, Unescape = true }).FromAsync(new MemoryStream(csv));
        await foreach (var row in reader)
        {
            for (var i = 0; i < row.ColCount; i++)
            {
                check += row[i].ToString().Length;
            }
        }

        return check;
    }
}

internal static class Writers
{
    public static async Task<long> ForcelinkAsync(string[][] data)
    {
        var stream = new MemoryStream();
        // LF, as Sep writes on Linux, so both write the same bytes.
        await using (var writer = new CsvWriter(new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true), ',', "\n"))
        {
            foreach (var row in data)
            {
                await writer.WriteRowAsync(row);
            }
        }

        return stream.Length;
    }

    public static async Task<long> SepAsync(string[][] data)
    {
        var stream = new MemoryStream();
        await using (var writer = Sep.Writer(o => o with { WriteHeader = false, Escape = true, Sep = new Sep(',') }).To(stream, leaveOpen: true))
        {
            foreach (var row in data)
            {
                // Disposing a row only appends it to the writer's buffer; the buffer goes to the stream when full.
                using var line = writer.NewRow();
                for (var i = 0; i < row.Length; i++)
                {
                    line[i].Set(row[i]);
                }
            }
        }

        return stream.Length;
    }
}

internal static class EdgeCases
{
    public static readonly (string Name, string Text, char Delimiter, string? Expected)[] All =
    [
        ("comma, LF", "a,b\n1,2\n", ',', "a|b;1|2"),
        ("CRLF", "a,b\r\n1,2\r\n", ',', "a|b;1|2"),
        ("no final line break", "a,b\n1,2", ',', "a|b;1|2"),
        ("doubled quotes", "a\n\"he said \"\"hi\"\"\"\n", ',', "a;he said \"hi\""),
        ("embedded delimiter", "a,b\n\"x, y\",2\n", ',', "a|b;x, y|2"),
        ("embedded CRLF", "a,b\n\"l1\r\nl2\",2\n", ',', "a|b;l1\r\nl2|2"),
        ("empty quoted field", "a,b\n\"\",2\n", ',', "a|b;|2"),
        ("UTF-8 BOM", "\uFEFFa,b\n1,2\n", ',', "a|b;1|2"),
        ("tab", "a\tb\n\"x\ty\"\t2\n", '\t', "a|b;x\ty|2"),
        ("semicolon", "a;b\n\"x;y\";2\n", ';', "a|b;x;y|2"),
        ("pipe", "a|b\n\"x|y\"|2\n", '|', "a¦b;x|y¦2"),
        ("caret", "a^b\n\"x^y\"^2\n", '^', "a|b;x^y|2"),
        ("backquote", "a`b\n\"x`y\"`2\n", '`', "a|b;x`y|2"),
        ("wrong delimiter (semicolon file read as comma: one column per row)", "a;b\n1;2\n", ',', "a;b;1;2"),
        ("unbalanced quote (never closed)", "a,b\n\"open,2\n3,4\n", ',', null),
        ("unbalanced quote, one column", "a\n\"open\n3\n", ',', null),
        ("text after a closing quote", "a,b\n\"x\"y,2\n", ',', null),
    ];

    public static async Task<string> ForcelinkAsync(byte[] bytes, char delimiter, string? expected)
    {
        var rows = new List<string>();
        try
        {
            await foreach (var row in CsvReader.Open(new MemoryStream(bytes), delimiter: delimiter).ReadAsync())
            {
                rows.Add(string.Join(delimiter == '|' ? '¦' : '|', row.Fields));
            }
        }
        catch (CsvFormatException e)
        {
            return Verdict(null, expected, $"error at line {e.Line}");
        }

        return Verdict(string.Join(';', rows), expected, null);
    }

    public static async Task<string> SepAsync(byte[] bytes, char delimiter, string? expected)
    {
        var rows = new List<string>();
        try
        {
            using var reader = await Sep.Reader(o => o with { HasHeader = false, Unescape = true, Sep = new Sep(delimiter) }).FromAsync(new MemoryStream(bytes));
            await foreach (var row in reader)
            {
                var fields = new List<string>();
                for (var i = 0; i < row.ColCount; i++)
                {
                    fields.Add(row[i].ToString());
                }

                rows.Add(string.Join(delimiter == '|' ? '¦' : '|', fields));
            }
        }
        catch (InvalidDataException e)
        {
            return Verdict(null, expected, $"error ({e.Message.Split('\n')[0].Split(':')[0]})");
        }

        return Verdict(string.Join(';', rows), expected, null);
    }

    private static string Verdict(string? actual, string? expected, string? error) => (actual, expected, error) switch
    {
        (null, null, _) => $"refused: {error}",
        (null, _, _) => $"**refused a valid file**: {error}",
        (_, null, _) => $"**accepted**, read as `{Show(actual)}`",
        _ when actual == expected => "ok",
        _ => $"**wrong**: `{Show(actual)}`",
    };

    private static string Show(string text) => text.Replace("\r", "\\r").Replace("\n", "\\n").Replace("|", "¦").Replace("\uFEFF", "<BOM>");
}
