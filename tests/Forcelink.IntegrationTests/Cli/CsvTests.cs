using Forcelink.Cli.Csv;

namespace Forcelink.IntegrationTests.Cli;

public sealed class CsvTests
{
    [Theory]
    [InlineData("a,b\r\n1,2\r\n", "a|b;1|2")]
    [InlineData("a,b\n1,2", "a|b;1|2")]
    [InlineData("\"x, y\",\"he said \"\"hi\"\"\"\n", "x, y|he said \"hi\"")]
    [InlineData("\"multi\r\nline\",z\n", "multi\r\nline|z")]
    [InlineData("a,,c\n\n", "a||c")]
    [InlineData("\"\",b\n", "|b")]
    public async Task Read_Rfc4180Shapes(string text, string expected)
    {
        var rows = new List<string>();
        await foreach (var row in new CsvReader(new StringReader(text)).ReadAsync())
        {
            rows.Add(string.Join('|', row.Fields));
        }

        Assert.Equal(expected, string.Join(';', rows));
    }

    [Fact]
    public async Task Read_Bom_IsSkipped_AndLineNumbersCountEmbeddedNewlines()
    {
        using var stream = new MemoryStream([0xEF, 0xBB, 0xBF, .. "h\n\"a\nb\"\nc\n"u8.ToArray()]);
        var rows = new List<CsvRow>();
        await foreach (var row in CsvReader.Open(stream).ReadAsync())
        {
            rows.Add(row);
        }

        Assert.Equal("h", rows[0].Fields[0]);
        Assert.Equal([1L, 2L, 4L], rows.Select(r => r.Line));
    }

    [Fact]
    public async Task Read_UnterminatedQuote_Throws()
    {
        await Assert.ThrowsAsync<FormatException>(async () =>
        {
            await foreach (var _ in new CsvReader(new StringReader("a,\"b\n")).ReadAsync())
            {
            }
        });
    }

    [Fact]
    public async Task Write_QuotesOnlyWhatNeedsIt()
    {
        var text = new StringWriter();
        await using (var writer = new CsvWriter(text))
        {
            await writer.WriteRowAsync(["plain", "a,b", "q\"q", "two\nlines", " edge", null]);
        }

        Assert.Equal("plain,\"a,b\",\"q\"\"q\",\"two\nlines\",\" edge\",\r\n", text.ToString());
    }
}
