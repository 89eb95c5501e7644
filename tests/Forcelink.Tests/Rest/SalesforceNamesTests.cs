namespace Forcelink.Tests.Rest;

public sealed class SalesforceNamesTests
{
    [Theory]
    [InlineData("Lead", true)]
    [InlineData("Invoice__c", true)]
    [InlineData("ns__Rate__c", true)]
    [InlineData("a", true)]
    [InlineData("_Lead", false)]
    [InlineData("1Lead", false)]
    [InlineData("Lead\n", false)]
    [InlineData("Le ad", false)]
    [InlineData("Lead.Name", false)]
    [InlineData("Léad", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsApiName_FollowsSalesforcesRule(string? text, bool expected) => Assert.Equal(expected, SalesforceNames.IsApiName(text));

    [Fact]
    public void IsApiName_EightyCharactersAtMost()
    {
        Assert.True(SalesforceNames.IsApiName("A" + new string('b', 79)));
        Assert.False(SalesforceNames.IsApiName("A" + new string('b', 80)));
    }

    [Theory]
    [InlineData("00Q5e00000AbCdE", true)]
    [InlineData("00Q5e00000AbCdEEAV", true)]
    [InlineData("00Q5e00000AbCdEEA", false)]
    [InlineData("00Q5e00000AbCdEEAV\n", false)]
    [InlineData("00Q5e00000AbCd_EAV", false)]
    [InlineData(null, false)]
    public void IsId_FifteenOrEighteenLettersAndDigits(string? text, bool expected) => Assert.Equal(expected, SalesforceNames.IsId(text));
}
