using Forcelink.Emulator.Bulk;

namespace Forcelink.Tests.Emulator.Bulk;

public sealed class CsvReaderTests
{
    [Fact]
    public void TryRead_QuotedValues_DelimitersLineBreaksAndDoubledQuotesKept()
    {
        var (records, error, reader) = ReadAll("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",,\"\"\n", ',');
        Assert.Null(error);
        Assert.Equal([["a", "b,c", "say \"hi\""], ["two\nlines", "", ""]], records);
        Assert.Equal("\r\n", reader.FirstTerminator);
    }

    [Fact]
    public void TryRead_EmptyLinesAndMissingFinalLineBreak_EmptyLinesSkipped()
    {
        var (records, error, _) = ReadAll("a|b\n\n1|2\n\n3|4", '|');
        Assert.Null(error);
        Assert.Equal([["a", "b"], ["1", "2"], ["3", "4"]], records);
    }

    [Fact]
    public void TryRead_LoneCarriageReturn_IsData()
    {
        var (records, _, reader) = ReadAll("a\rb\n", ',');
        Assert.Equal([["a\rb"]], records);
        Assert.Equal("\n", reader.FirstTerminator);
    }

    [Theory]
    [InlineData("a\nb\"c\n", CsvReader.UnescapedQuote, 2)]
    [InlineData("a\n \"b\"\n", CsvReader.UnescapedQuote, 2)]
    [InlineData("a,b\n\"x\" ,y\n", CsvReader.TextAfterQuote, 2)]
    [InlineData("a\n\n\"open\nstill open", CsvReader.OpenQuote, 3)]
    public void TryRead_BrokenQuoting_ErrorAndTheLineTheRecordStartedOn(string csv, string expected, int line)
    {
        var (_, error, reader) = ReadAll(csv, ',');
        Assert.Equal(expected, error);
        Assert.Equal(line, reader.RecordLine);
    }

    private static (List<string[]> Records, string? Error, CsvReader Reader) ReadAll(string csv, char delimiter)
    {
        var reader = new CsvReader(new StringReader(csv), delimiter);
        var records = new List<string[]>();
        var fields = new List<string>();
        while (reader.TryRead(fields, out var error))
        {
            if (error is not null)
            {
                return (records, error, reader);
            }

            records.Add([.. fields]);
        }

        return (records, null, reader);
    }
}
