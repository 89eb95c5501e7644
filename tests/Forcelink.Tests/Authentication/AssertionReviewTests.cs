using System.Text.Json.Nodes;
using Forcelink.Authentication;

namespace Forcelink.Tests.Authentication;

public sealed class AssertionReviewTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static JsonObject Header(string alg = "RS256") => new() { ["alg"] = alg };

    private static JsonObject Claims(Action<JsonObject>? change = null)
    {
        var claims = new JsonObject
        {
            ["iss"] = "3MVG9key",
            ["sub"] = "integration@example.com",
            ["aud"] = "https://login.salesforce.com",
            ["exp"] = Now.AddMinutes(3).ToUnixTimeSeconds(),
        };
        change?.Invoke(claims);
        return claims;
    }

    [Fact]
    public void Review_ValidAssertion_FindsNothing()
    {
        Assert.Empty(AssertionReview.Review(Header(), Claims(), Now));
    }

    [Theory]
    [InlineData("https://test.salesforce.com")]
    [InlineData("login.salesforce.com")]
    [InlineData("http://127.0.0.1:8080")]
    public void Review_AcceptedAudiences_FindNothing(string audience)
    {
        Assert.Empty(AssertionReview.Review(Header(), Claims(c => c["aud"] = audience), Now));
    }

    [Theory]
    [InlineData("iss", "Consumer Key")]
    [InlineData("sub", "username")]
    [InlineData("aud", "https://login.salesforce.com")]
    [InlineData("exp", "seconds since 1970")]
    public void Review_MissingClaim_IsAProblemThatSaysWhatItMustBe(string claim, string expected)
    {
        var finding = Assert.Single(AssertionReview.Review(Header(), Claims(c => c.Remove(claim)), Now));

        Assert.True(finding.IsProblem);
        Assert.StartsWith($"no '{claim}' claim", finding.Message, StringComparison.Ordinal);
        Assert.Contains(expected, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Review_LegacyPrnInsteadOfSub_IsAccepted()
    {
        Assert.Empty(AssertionReview.Review(Header(), Claims(c => { c.Remove("sub"); c["prn"] = "integration@example.com"; }), Now));
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("none")]
    [InlineData("RS512")]
    public void Review_AlgorithmOtherThanRs256_IsAProblem(string alg)
    {
        var finding = Assert.Single(AssertionReview.Review(Header(alg), Claims(), Now));

        Assert.True(finding.IsProblem);
        Assert.Contains("RS256 only", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Review_LightningAudience_IsAProblemThatNamesTheRightAudience()
    {
        var finding = Assert.Single(AssertionReview.Review(Header(), Claims(c => c["aud"] = "https://acme.lightning.force.com"), Now));

        Assert.True(finding.IsProblem);
        Assert.Contains("Lightning URL", finding.Message, StringComparison.Ordinal);
        Assert.Contains("use https://login.salesforce.com (production), https://test.salesforce.com (sandbox)", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Review_InstanceAudience_IsAProblem()
    {
        var finding = Assert.Single(AssertionReview.Review(Header(), Claims(c => c["aud"] = "https://na123.salesforce.com"), Now));

        Assert.True(finding.IsProblem);
        Assert.Contains("instance URL, not an audience", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://acme.my.salesforce.com", "https://login.salesforce.com")]
    [InlineData("https://acme--dev.sandbox.my.salesforce.com", "https://test.salesforce.com")]
    public void Review_MyDomainAudience_IsAWarningNamingTheGenericAudience(string audience, string generic)
    {
        var finding = Assert.Single(AssertionReview.Review(Header(), Claims(c => c["aud"] = audience), Now));

        Assert.False(finding.IsProblem);
        Assert.Contains("External Client Apps accept it", finding.Message, StringComparison.Ordinal);
        Assert.Contains($"a Connected App documents {generic}", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Review_Expired_IsAProblem()
    {
        var finding = Assert.Single(AssertionReview.Review(Header(), Claims(c => c["exp"] = Now.AddSeconds(-1).ToUnixTimeSeconds()), Now));

        Assert.True(finding.IsProblem);
        Assert.Contains("expired authorization code", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Review_ExpExactlyThreeMinutesAheadAsString_FindsNothing()
    {
        // Salesforce's own example sends exp as a JSON string.
        Assert.Empty(AssertionReview.Review(Header(), Claims(c => c["exp"] = Now.AddMinutes(3).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)), Now));
    }

    [Fact]
    public void Review_ExpMoreThanThreeMinutesAhead_IsAWarningNotAProblem()
    {
        var finding = Assert.Single(AssertionReview.Review(Header(), Claims(c => c["exp"] = Now.AddMinutes(3).AddSeconds(1).ToUnixTimeSeconds()), Now));

        Assert.False(finding.IsProblem);
        Assert.Contains("exp is 3 min 1 s ahead; Salesforce documents 'within 3 minutes'", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Review_ExpInMilliseconds_IsAWarningAboutMilliseconds()
    {
        var finding = Assert.Single(AssertionReview.Review(Header(), Claims(c => c["exp"] = Now.ToUnixTimeMilliseconds()), Now));

        Assert.False(finding.IsProblem);
        Assert.Contains("milliseconds", finding.Message, StringComparison.Ordinal);
        Assert.Null(AssertionReview.Expiry(Claims(c => c["exp"] = Now.ToUnixTimeMilliseconds())));
    }

    [Fact]
    public void Review_ExpNotANumber_IsAProblem()
    {
        var finding = Assert.Single(AssertionReview.Review(Header(), Claims(c => c["exp"] = "tomorrow"), Now));

        Assert.True(finding.IsProblem);
        Assert.Contains("not a number of seconds", finding.Message, StringComparison.Ordinal);
    }
}
