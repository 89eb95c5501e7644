using Forcelink.Cli.Csv;
using Forcelink.Csv;

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
        var error = await Assert.ThrowsAsync<CsvFormatException>(async () =>
        {
            await foreach (var _ in new CsvReader(new StringReader("a,\"b\n")).ReadAsync())
            {
            }
        });

        Assert.StartsWith("Line 1, column 2: a quoted field starts there", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_UnterminatedQuote_NamesTheLineTheQuoteStarted()
    {
        var e = await Assert.ThrowsAsync<CsvFormatException>(() => ReadAllAsync(new CsvReader(new StringReader("h1,h2\na,b\n\"x\ny\",\"open\nc,d\ne,f\n"))));

        Assert.Equal(4, e.Line);
        Assert.Contains("Line 4, column 2: a quoted field starts there and never ends", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_TextAfterAClosingQuote_IsAnErrorNotGlued()
    {
        var e = await Assert.ThrowsAsync<CsvFormatException>(() => ReadAllAsync(new CsvReader(new StringReader("h\n\"Acme \"Big\" Co\"\n"))));

        Assert.Equal(2, e.Line);
        Assert.Contains("two quotes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_InvalidUtf8_NamesItsLine_AfterEveryRowBeforeIt()
    {
        var bytes = new List<byte>("h\n"u8.ToArray());
        for (var i = 0; i < 5000; i++)
        {
            bytes.AddRange("r\u00e9sum\u00e9,\u20ac\n"u8.ToArray());
        }

        bytes.AddRange([(byte)'M', 0xFC, (byte)'\n']);
        var rows = new List<CsvRow>();

        var e = await Assert.ThrowsAsync<CsvFormatException>(async () =>
        {
            await foreach (var row in CsvReader.Open(new MemoryStream([.. bytes])).ReadAsync())
            {
                rows.Add(row);
            }
        });

        Assert.True(e.IsEncodingError);
        Assert.Equal(5002, e.Line);
        Assert.Equal(5001, rows.Count);
        Assert.All(rows.Skip(1), r => Assert.Equal(["r\u00e9sum\u00e9", "\u20ac"], r.Fields));
    }

    [Fact]
    public async Task Read_Latin1_WithItsEncoding_ReadsEveryByte()
    {
        using var stream = new MemoryStream(System.Text.Encoding.Latin1.GetBytes("h\nM\u00fcller\n"));

        var rows = await ReadAllAsync(CsvReader.Open(stream, CsvEncodings.Find("iso-8859-1")));

        Assert.Equal("M\u00fcller", rows[1].Fields[0]);
        Assert.Equal("\u20ac", CsvEncodings.Find("windows-1252")!.GetString([0x80]));
    }

    private static async Task<List<CsvRow>> ReadAllAsync(CsvReader reader)
    {
        var rows = new List<CsvRow>();
        await foreach (var row in reader.ReadAsync())
        {
            rows.Add(row);
        }

        return rows;
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
