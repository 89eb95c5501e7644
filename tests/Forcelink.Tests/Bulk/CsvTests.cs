using System.Text;
using Forcelink.Csv;

namespace Forcelink.Tests.Bulk;

public sealed class CsvTests
{
    [Theory]
    [InlineData("a,b\r\n1,2\r\n", ',', "a|b;1|2")]
    [InlineData("a,b\n1,2", ',', "a|b;1|2")]
    [InlineData("\"x, y\",\"he said \"\"hi\"\"\"\n", ',', "x, y|he said \"hi\"")]
    [InlineData("\"multi\r\nline\",z\n", ',', "multi\r\nline|z")]
    [InlineData("a,,c\n\n", ',', "a||c")]
    [InlineData("\"\",b\n", ',', "|b")]
    [InlineData("a\tb\n\"x\ty\"\t2\n", '\t', "a|b;x\ty|2")]
    [InlineData("a;b\n\"x;y\";2\n", ';', "a|b;x;y|2")]
    [InlineData("a|b\n\"x,y\"|2\n", '|', "a|b;x,y|2")]
    [InlineData("a^b\n\"x^y\"^2\n", '^', "a|b;x^y|2")]
    [InlineData("a`b\n\"x`y\"`2\n", '`', "a|b;x`y|2")]
    [InlineData("a;b\n1;2\n", ',', "a;b;1;2")]
    [InlineData("ab\"c,d\n", ',', "ab\"c|d")]
    public async Task Read_EachDelimiterAndShape(string text, char delimiter, string expected)
    {
        var rows = await ReadAsync(text, delimiter);

        Assert.Equal(expected, string.Join(';', rows.Select(r => string.Join('|', r.Fields))));
    }

    [Fact]
    public async Task Read_Bom_IsSkipped_AndLinesCountEmbeddedBreaks()
    {
        using var stream = new MemoryStream([0xEF, 0xBB, 0xBF, .. "h\n\"a\nb\"\nc\n"u8.ToArray()]);
        var rows = await CsvReader.Open(stream).ReadAsync().ToListAsync();

        Assert.Equal("h", rows[0].Fields[0]);
        Assert.Equal([1L, 2L, 4L], rows.Select(r => r.Line));
    }

    [Theory]
    [InlineData("h1,h2\na,b\nc,\"open\nd,e\n", 3, "Line 3, column 2: a quoted field starts there and never ends")]
    [InlineData("h1\n\"open\n3\n", 2, "Line 2, column 1: a quoted field starts there and never ends")]
    [InlineData("h1,h2\n\"x\"y,2\n", 2, "Line 2, column 1: the quoted field that starts on line 2 is followed by 'y' before the next comma")]
    [InlineData("h1;h2\n1;\"x\"y\n", 2, "Line 2, column 2: the quoted field that starts on line 2 is followed by 'y' before the next semicolon")]
    public async Task Read_UnbalancedQuotes_NameLineAndColumn(string text, long line, string message)
    {
        var e = await Assert.ThrowsAsync<CsvFormatException>(() => ReadAsync(text, text.Contains(';', StringComparison.Ordinal) ? ';' : ','));

        Assert.Equal(line, e.Line);
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_FieldsAcrossBufferBoundaries_ReadWhole()
    {
        // The reader fills 32K characters at a time: fields, quotes and CRLFs must survive being cut anywhere.
        var rows = new List<string[]>();
        var random = new Random(7);
        for (var i = 0; i < 3_000; i++)
        {
            rows.Add([Field(random, i), Field(random, i + 1), new string('x', random.Next(0, 40))]);
        }

        rows.Add([new string('y', 70_000), "\"" + new string('z', 40_000) + "\r\n\"", ""]);
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            CsvWriter.AppendRow(text, row);
        }

        var read = await ReadAsync(text.ToString(), ',');

        Assert.Equal(rows.Count, read.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i], read[i].Fields);
        }
    }

    [Theory]
    [InlineData(',', "\r\n")]
    [InlineData('\t', "\n")]
    [InlineData(';', "\n")]
    [InlineData('|', "\r\n")]
    [InlineData('^', "\n")]
    [InlineData('`', "\n")]
    public async Task WriteThenRead_RoundTrips(char delimiter, string lineEnding)
    {
        string?[][] rows = [["a", "b", "c"], [$"x{delimiter}y", "q\"q", " edge "], ["l1\nl2", null, "l1\r\nl2"], ["", "", ""]];
        var writer = new StringWriter();
        await using (var csv = new CsvWriter(writer, delimiter, lineEnding))
        {
            foreach (var row in rows)
            {
                await csv.WriteRowAsync(row);
            }
        }

        var text = writer.ToString();
        Assert.EndsWith(lineEnding, text, StringComparison.Ordinal);
        Assert.Contains($"\"x{delimiter}y\"", text, StringComparison.Ordinal);
        Assert.Contains("\"q\"\"q\"", text, StringComparison.Ordinal);
        Assert.Contains("\" edge \"", text, StringComparison.Ordinal);
        var read = await ReadAsync(text, delimiter);
        Assert.Equal(rows.Select(r => r.Select(f => f ?? "")), read.Select(r => r.Fields));
    }

    private static string Field(Random random, int i) => random.Next(6) switch
    {
        0 => $"quoted, {i}",
        1 => $"line\r\nbreak {i}",
        2 => $"say \"{i}\"",
        3 => "",
        _ => new string((char)('a' + (i % 26)), random.Next(1, 200)),
    };

    private static async Task<List<CsvRow>> ReadAsync(string text, char delimiter) =>
        await new CsvReader(new StringReader(text), delimiter).ReadAsync().ToListAsync();
}
