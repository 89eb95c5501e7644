using System.Net;
using Forcelink.Soql;

namespace Forcelink.Tests.Conformance;

/// <summary>The token endpoint's recorded answers (restforce fixtures) read by the JWT bearer credential and the client.</summary>
public sealed class TokenConformanceTests : IDisposable
{
    private const string Token = "/services/oauth2/token";
    private readonly RecordedOrg _org = new();

    [ConformanceFact]
    public async Task AuthSuccess_TokenAndInstance_AreUsedForTheNextCall()
    {
        var fixture = ConformanceCorpus.Restforce("auth_success_response");
        _org.Http.On(HttpMethod.Post, Token, _ => RecordedOrg.Reply(HttpStatusCode.OK, "restforce/spec/fixtures/auth_success_response.json"));
        _org.Http.On(HttpMethod.Get, "/services/data", _ => RecordedOrg.Reply(HttpStatusCode.OK, "restforce/spec/fixtures/services_data_success_response.json"));
        var client = _org.JwtClient();

        var token = await client.GetTokenAsync();
        await client.GetApiVersionsAsync();

        Assert.Equal(fixture["access_token"]!.GetValue<string>(), token.Value);
        Assert.Equal(new Uri(fixture["instance_url"]!.GetValue<string>()), token.InstanceUrl);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(fixture["issued_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)), token.IssuedAt);
        Assert.Equal(new Uri(fixture["id"]!.GetValue<string>()), token.IdentityUrl);
        var identity = token.IdentityUrl!.AbsolutePath.Split('/');
        Assert.Equal((identity[^2], identity[^1]), (token.OrganizationId, token.UserId));
        Assert.Equal("Bearer", token.TokenType);
        var call = _org.Http.Requests[^1];
        Assert.Equal(new Uri(token.InstanceUrl, "/services/data"), call.Uri);
        Assert.Equal($"Bearer {token.Value}", call.Authorization);
    }

    [ConformanceTheory]
    [InlineData("refresh_success_response")]
    [InlineData("reauth_success_response")]
    public async Task OtherTokenSuccesses_AreReadTheSameWay(string name)
    {
        var fixture = ConformanceCorpus.Restforce(name);
        _org.Http.On(HttpMethod.Post, Token, _ => RecordedOrg.Reply(HttpStatusCode.OK, $"restforce/spec/fixtures/{name}.json"));

        var token = await _org.JwtCredential().GetTokenAsync();

        Assert.Equal(fixture["access_token"]!.GetValue<string>(), token.Value);
        Assert.Equal(new Uri(fixture["instance_url"]!.GetValue<string>()), token.InstanceUrl);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(fixture["issued_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)), token.IssuedAt);
    }

    [ConformanceTheory]
    [InlineData("auth_error_response")]
    [InlineData("refresh_error_response")]
    public async Task TokenRefused_IsALoginFailureWithSalesforcesCodeAndDescription(string name)
    {
        var fixture = ConformanceCorpus.Restforce(name);
        _org.Http.On(HttpMethod.Post, Token, _ => RecordedOrg.Reply(HttpStatusCode.BadRequest, $"restforce/spec/fixtures/{name}.json"));
        var client = _org.JwtClient();

        var error = await Assert.ThrowsAsync<SalesforceException>(() => client.GetApiVersionsAsync());

        Assert.Equal(400, error.StatusCode);
        Assert.Equal(fixture["error"]!.GetValue<string>(), error.ErrorCode);
        Assert.Equal(fixture["error_description"]!.GetValue<string>(), error.Description);
        Assert.True(error.IsLoginFailure);
        Assert.Contains(error.Description!, error.Message, StringComparison.Ordinal);
        Assert.All(_org.Http.Requests, r => Assert.Equal(Token, r.Uri.AbsolutePath));
    }

    [ConformanceFact]
    public async Task ExpiredSession_LogsInAgainAndResendsWithTheNewToken()
    {
        var renewed = ConformanceCorpus.Restforce("reauth_success_response");
        _org.Http.OnSequence(HttpMethod.Post, Token,
            _ => RecordedOrg.Reply(HttpStatusCode.OK, "restforce/spec/fixtures/auth_success_response.json"),
            _ => RecordedOrg.Reply(HttpStatusCode.OK, "restforce/spec/fixtures/reauth_success_response.json"));
        _org.Http.OnSequence(HttpMethod.Get, RecordedOrg.Data + "query",
            _ => RecordedOrg.Reply(HttpStatusCode.Unauthorized, "restforce/spec/fixtures/expired_session_response.json"),
            _ => RecordedOrg.Reply(HttpStatusCode.OK, "restforce/spec/fixtures/sobject/query_empty_response.json"));
        var client = _org.JwtClient();

        var records = await client.QueryAsync(SoqlQuery.Raw("SELECT Id FROM Lead")).ToListAsync();

        Assert.Empty(records);
        Assert.Equal(2, client.LoginCount);
        var queries = _org.Http.Requests.Where(r => r.Uri.AbsolutePath.EndsWith("/query", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, queries.Count);
        Assert.Equal($"Bearer {renewed["access_token"]!.GetValue<string>()}", queries[1].Authorization);
        Assert.Equal(renewed["instance_url"]!.GetValue<string>(), queries[1].Uri.GetLeftPart(UriPartial.Authority));
    }

    [ConformanceFact]
    public async Task ExpiredSessionAgainAfterRenewal_IsInvalidSessionId()
    {
        var fixture = ConformanceCorpus.Restforce("expired_session_response").AsArray()[0]!;
        _org.Http.On(HttpMethod.Post, Token, _ => RecordedOrg.Reply(HttpStatusCode.OK, "restforce/spec/fixtures/auth_success_response.json"));
        _org.Http.On(HttpMethod.Get, RecordedOrg.Data + "query", _ => RecordedOrg.Reply(HttpStatusCode.Unauthorized, "restforce/spec/fixtures/expired_session_response.json"));
        var client = _org.JwtClient();

        var error = await Assert.ThrowsAsync<SalesforceException>(() => client.QueryAsync(SoqlQuery.Raw("SELECT Id FROM Lead")).ToListAsync().AsTask());

        Assert.Equal(401, error.StatusCode);
        Assert.Equal(fixture["errorCode"]!.GetValue<string>(), error.ErrorCode);
        Assert.Equal(fixture["message"]!.GetValue<string>(), error.Description);
        Assert.False(error.IsLoginFailure);
        Assert.Equal(2, client.LoginCount);
        Assert.Equal(2, _org.Http.Requests.Count(r => r.Uri.AbsolutePath.EndsWith("/query", StringComparison.Ordinal)));
    }

    public void Dispose() => _org.Dispose();
}
