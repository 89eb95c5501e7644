using System.Text;
using Forcelink.Cli;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.IntegrationTests.Cli;

public sealed class JwtCommandTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task JwtDecode_ValidAssertion_ShowsClaimsExpiryAndThatTheSignatureIsNotVerified()
    {
        using var session = new CliSession { TimeProvider = new FakeTimeProvider(Now) };
        var assertion = Jwt("""{"alg":"RS256","typ":"JWT"}""", $$"""{"iss":"3MVG9key","sub":"integration@example.com","aud":"https://login.salesforce.com","exp":{{Now.AddMinutes(3).ToUnixTimeSeconds()}}}""");

        var run = await session.RunAsync("jwt", "decode", assertion);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("\"sub\": \"integration@example.com\"", run.Output);
        Assert.Contains("2026-11-02 09:03:00 UTC (3 min 0 s left)", run.Output);
        Assert.Contains("NOT verified", run.Output);
    }

    [Fact]
    public async Task JwtDecode_ExpiredAndMillisecondExpiry_AreExplained()
    {
        using var session = new CliSession { TimeProvider = new FakeTimeProvider(Now) };

        var expired = await session.RunAsync("jwt", "decode", Jwt("""{"alg":"RS256"}""", $$"""{"iss":"k","sub":"u@example.com","aud":"https://login.salesforce.com","exp":{{Now.AddMinutes(-10).ToUnixTimeSeconds()}}}"""));
        var milliseconds = await session.RunAsync("jwt", "decode", Jwt("""{"alg":"HS256"}""", $$"""{"iss":"k","aud":"x","exp":{{Now.ToUnixTimeMilliseconds()}}}"""));

        Assert.Contains("EXPIRED 10 min 0 s ago", expired.Output);
        Assert.Contains("expired authorization code", expired.Output);
        Assert.Equal(ExitCodes.AssertionInvalid, expired.ExitCode);
        Assert.Contains("milliseconds", milliseconds.Output);
        Assert.Contains("RS256 only", milliseconds.Output);
        Assert.Contains("no 'sub' claim", milliseconds.Output);
        Assert.Equal(ExitCodes.AssertionInvalid, milliseconds.ExitCode);
    }

    [Theory]
    [InlineData("""{"alg":"HS256"}""", """{"iss":"k","sub":"u@example.com","aud":"https://login.salesforce.com"}""", "Problem: alg is 'HS256'; Salesforce accepts RS256 only")]
    [InlineData("""{"alg":"RS256"}""", """{"sub":"u@example.com","aud":"https://login.salesforce.com"}""", "Problem: no 'iss' claim: it must be the app's Consumer Key.")]
    [InlineData("""{"alg":"RS256"}""", """{"iss":"k","aud":"https://login.salesforce.com"}""", "Problem: no 'sub' claim: it must be the integration user's username.")]
    [InlineData("""{"alg":"RS256"}""", """{"iss":"k","sub":"u@example.com"}""", "Problem: no 'aud' claim: it must be https://login.salesforce.com (production)")]
    [InlineData("""{"alg":"RS256"}""", """{"iss":"k","sub":"u@example.com","aud":"https://acme.lightning.force.com"}""", "Problem: aud 'https://acme.lightning.force.com' is a Lightning URL")]
    [InlineData("""{"alg":"RS256"}""", """{"iss":"k","sub":"u@example.com","aud":"https://na123.salesforce.com"}""", "Problem: aud 'https://na123.salesforce.com' is an instance URL, not an audience: use https://login.salesforce.com")]
    public async Task JwtDecode_Problem_ExitsWithAssertionInvalidAndSaysWhatToUse(string header, string claims, string expected)
    {
        using var session = new CliSession { TimeProvider = new FakeTimeProvider(Now) };
        var exp = Now.AddMinutes(2).ToUnixTimeSeconds();
        var withExp = claims.TrimEnd('}') + $",\"exp\":{exp}}}";

        var run = await session.RunAsync("jwt", "decode", Jwt(header, withExp));

        Assert.True(run.ExitCode == ExitCodes.AssertionInvalid, run.ToString());
        Assert.Contains(expected, run.Output);
        Assert.Equal("error: 1 problem found: Salesforce would refuse this assertion.", run.Error.Trim());
    }

    [Fact]
    public async Task JwtDecode_ExpFiveMinutesAheadAndMyDomainAudience_WarnsButSucceeds()
    {
        using var session = new CliSession { TimeProvider = new FakeTimeProvider(Now) };
        var assertion = Jwt("""{"alg":"RS256"}""", $$"""{"iss":"k","sub":"u@example.com","aud":"https://acme.my.salesforce.com","exp":{{Now.AddMinutes(5).ToUnixTimeSeconds()}}}""");

        var run = await session.RunAsync("jwt", "decode", assertion);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Contains("Warning: exp is 5 min 0 s ahead; Salesforce documents 'within 3 minutes'", run.Output);
        Assert.Contains("Warning: aud 'https://acme.my.salesforce.com' is a My Domain URL", run.Output);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public async Task CertCheck_KeyFileHoldingAJwt_SaysItIsAnAssertionNotAKey()
    {
        using var session = new CliSession();
        await session.RunAsync("keygen");
        session.Environment["FORCELINK_CONSUMER_KEY"] = "3MVG9key";
        session.Environment["FORCELINK_USERNAME"] = "integration@example.com";
        session.Environment["FORCELINK_PRIVATE_KEY_FILE"] = "server.key";
        var assertion = (await session.RunAsync("jwt", "mint")).Output.Trim();
        await File.WriteAllTextAsync(session.PathOf("pasted.key"), assertion);

        var run = await session.RunAsync("cert", "check", "--key", "pasted.key", "--cert", "server.crt");

        Assert.Equal(ExitCodes.CertificateInvalid, run.ExitCode);
        Assert.Contains("This is a JWT assertion, not a private key", run.Error);
        Assert.DoesNotContain(assertion.Split('.')[2], run.Error + run.Output);
    }

    [Fact]
    public async Task JwtDecode_NotAJwt_FailsWithOneLine()
    {
        using var session = new CliSession();

        var run = await session.RunAsync("jwt", "decode", "not-a-token");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith("error: this is not a JWT", run.Error);
    }

    [Fact]
    public async Task JwtMint_FromEnvironment_PrintsOnlyTheAssertionAndWarnsOnStderr()
    {
        using var session = new CliSession();
        await session.RunAsync("keygen");
        session.Environment["FORCELINK_CONSUMER_KEY"] = "3MVG9key";
        session.Environment["FORCELINK_USERNAME"] = "integration@example.com";
        session.Environment["FORCELINK_PRIVATE_KEY_FILE"] = "server.key";

        var run = await session.RunAsync("jwt", "mint");
        var decoded = await session.RunAsync("jwt", "decode", run.Output.Trim());

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Equal(3, run.Output.Trim().Split('.').Length);
        Assert.Contains("credential", run.Error);
        Assert.Contains("\"iss\": \"3MVG9key\"", decoded.Output);
        Assert.Contains("\"aud\": \"https://login.salesforce.com\"", decoded.Output);
    }

    private static string Jwt(string header, string claims) =>
        $"{Base64Url(header)}.{Base64Url(claims)}.{Base64Url("signature")}";

    private static string Base64Url(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
