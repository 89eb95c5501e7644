using Forcelink.Authentication;

namespace Forcelink.Tests.Authentication;

public sealed class JwtBearerCredentialOptionsTests
{
    [Theory]
    [InlineData("https://login.salesforce.com", "https://login.salesforce.com")]
    [InlineData("https://test.salesforce.com", "https://test.salesforce.com")]
    [InlineData("https://acme.my.salesforce.com", "https://login.salesforce.com")]
    [InlineData("https://acme--dev.sandbox.my.salesforce.com", "https://test.salesforce.com")]
    [InlineData("https://ACME--UAT.SANDBOX.MY.SALESFORCE.COM/", "https://test.salesforce.com")]
    [InlineData("https://fun-dream-1234.scratch.my.salesforce.com", "https://test.salesforce.com")]
    [InlineData("https://cs42.salesforce.com", "https://test.salesforce.com")]
    [InlineData("https://na1.salesforce.com", "https://login.salesforce.com")]
    [InlineData("https://acme.develop.my.salesforce.com", "https://login.salesforce.com")]
    [InlineData("https://acme.my.site.com/customers", "https://acme.my.site.com/customers")]
    [InlineData("https://site.force.com/customers/", "https://site.force.com/customers")]
    [InlineData("http://127.0.0.1:8123", "http://127.0.0.1:8123")]
    public void ResolveAudience_ByLoginHost_IsTheDocumentedAudience(string loginUrl, string audience)
    {
        var options = new JwtBearerCredentialOptions { LoginUrl = new Uri(loginUrl) };
        Assert.Equal(audience, options.ResolveAudience());
    }

    [Fact]
    public void ResolveAudience_Explicit_WinsOverLoginUrl()
    {
        var options = new JwtBearerCredentialOptions
        {
            LoginUrl = new Uri("https://acme--dev.sandbox.my.salesforce.com"),
            Audience = "https://acme--dev.sandbox.my.salesforce.com",
        };
        Assert.Equal("https://acme--dev.sandbox.my.salesforce.com", options.ResolveAudience());
    }

    [Fact]
    public void Validate_Defaults_NeedOnlyConsumerKeyAndUsername()
    {
        var options = new JwtBearerCredentialOptions { ConsumerKey = "key", Username = "u@example.com" };
        Assert.Empty(options.Validate());
        Assert.Equal(TimeSpan.FromMinutes(3), options.AssertionLifetime);
        Assert.Equal(new Uri("https://login.salesforce.com"), options.LoginUrl);
    }

    [Theory]
    [InlineData("http://login.salesforce.com", "must use https")]
    [InlineData("https://acme.lightning.force.com", "Lightning URL")]
    [InlineData("https://login.salesforce.com/services/oauth2/token", "/services/")]
    [InlineData("https://login.salesforce.com/?x=1", "query")]
    public void Validate_BadLoginUrl_SaysHowToFix(string loginUrl, string expected)
    {
        var options = new JwtBearerCredentialOptions { ConsumerKey = "key", Username = "u@example.com", LoginUrl = new Uri(loginUrl) };
        Assert.Contains(options.Validate(), e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://localhost:8123")]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://[::1]:5000")]
    public void Validate_PlainHttpToLoopback_IsAllowed(string loginUrl)
    {
        var options = new JwtBearerCredentialOptions { ConsumerKey = "key", Username = "u@example.com", LoginUrl = new Uri(loginUrl) };
        Assert.Empty(options.Validate());
    }

    [Theory]
    [InlineData(5)]
    [InlineData(181)]
    public void Validate_LifetimeOutOfRange_IsRejected(int seconds)
    {
        var options = new JwtBearerCredentialOptions { ConsumerKey = "key", Username = "u@example.com", AssertionLifetime = TimeSpan.FromSeconds(seconds) };
        Assert.Contains(options.Validate(), e => e.Contains("10 seconds to 3 minutes", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("integration")]
    [InlineData(" integration@example.com")]
    public void Validate_UsernameNotSalesforceShaped_IsRejected(string username)
    {
        var options = new JwtBearerCredentialOptions { ConsumerKey = "key", Username = username };
        Assert.Contains(options.Validate(), e => e.Contains("name@domain", StringComparison.Ordinal));
    }
}
