using Forcelink.Emulator.Ids;

namespace Forcelink.IntegrationTests.Emulator;

public sealed class RecordIdsTests
{
    [Theory]
    [InlineData("a0BA0000000L2ZC", "a0BA0000000L2ZCMA0")]
    [InlineData("AaaAABbbBBCccCC", "AaaAABbbBBCccCCZZZ")]
    [InlineData("ABCDEFGHIJKLMNO", "ABCDEFGHIJKLMNO555")]
    [InlineData("AAaAAbbBBBCcCCC", "AAaAAbbBBBCcCCC123")]
    [InlineData("00558000001N0Ke", "00558000001N0KeAAK")]
    [InlineData("70130000001tcyI", "70130000001tcyIAAQ")]
    [InlineData("001D000000IqhSL", "001D000000IqhSLIAZ")]
    [InlineData("00Dxx0000001gPL", "00Dxx0000001gPLEAY")]
    [InlineData("005xx000001SwiU", "005xx000001SwiUAAS")]
    [InlineData("001R00000033JNu", "001R00000033JNuIAM")]
    public void To18_ReferenceVectors_MatchSalesforce(string id15, string id18)
    {
        Assert.Equal(id18, RecordIds.To18(id15));
        Assert.True(RecordIds.TryNormalize(id15, out var fromShort));
        Assert.Equal(id18, fromShort);
        Assert.True(RecordIds.TryNormalize(id18.ToLowerInvariant()[..15] == id18[..15] ? id18 : id18[..15] + id18[15..].ToLowerInvariant(), out var fromLowerSuffix));
        Assert.Equal(id18, fromLowerSuffix);
    }

    [Theory]
    [InlineData("001D000000IqhSLAAA")]
    [InlineData("001D000000IqhS")]
    [InlineData("001D000000IqhS!")]
    [InlineData("")]
    public void TryNormalize_NotAnId_False(string value) => Assert.False(RecordIds.TryNormalize(value, out _));

    [Fact]
    public void Create_PrefixAndChecksum_Valid()
    {
        var id = RecordIds.Create("00Q", "5g", 1);
        Assert.Equal(18, id.Length);
        Assert.StartsWith("00Q5g", id, StringComparison.Ordinal);
        Assert.Equal(RecordIds.To18(id[..15]), id);
    }
}
