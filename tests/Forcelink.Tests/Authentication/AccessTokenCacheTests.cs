using Forcelink.Authentication;
using Forcelink.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Forcelink.Tests.Authentication;

public sealed class AccessTokenCacheTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeCredential _credential;

    public AccessTokenCacheTests() => _credential = new FakeCredential(_time);

    [Fact]
    public async Task GetTokenAsync_OneHundredConcurrentCallers_OneExchange()
    {
        var sut = CreateSut();
        _credential.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var callers = Enumerable.Range(0, 100).Select(_ => Task.Run(async () => await sut.GetTokenAsync(CancellationToken.None))).ToArray();
        await WaitUntilAsync(() => _credential.Calls == 1);
        _credential.Gate.SetResult();
        var tokens = await Task.WhenAll(callers).WaitAsync(TestTimeout);

        Assert.Equal(1, _credential.Calls);
        Assert.Equal(1, sut.ExchangeCount);
        Assert.All(tokens, t => Assert.Same(tokens[0], t));
    }

    [Fact]
    public async Task GetTokenAsync_WithinLifetime_ReusesToken()
    {
        var sut = CreateSut();
        var first = await sut.GetTokenAsync(CancellationToken.None);
        _time.Advance(Lifetime - Margin - TimeSpan.FromSeconds(1));
        Assert.Same(first, await sut.GetTokenAsync(CancellationToken.None));
        Assert.Equal(1, _credential.Calls);
    }

    [Fact]
    public async Task GetTokenAsync_TokenIssuedEarlierBySomeoneElse_EndsByItsIssueTime()
    {
        var issued = _time.GetUtcNow() - TimeSpan.FromMinutes(10);
        var shared = new AccessToken("00D000000000001!shared-token-abcdefgh", new Uri("https://acme.my.salesforce.com"), issued);
        var sut = new AccessTokenCache(new AccessTokenCredential(shared), _time, Lifetime, Margin, NullLogger.Instance);

        Assert.Same(shared, await sut.GetTokenAsync(CancellationToken.None));
        _time.Advance(Lifetime - Margin - TimeSpan.FromMinutes(10));
        await sut.GetTokenAsync(CancellationToken.None);

        Assert.Equal(2, sut.ExchangeCount);
    }

    [Fact]
    public async Task GetTokenAsync_FixedTokenIssuedLongAgo_CountsFromItsExchange()
    {
        var old = new AccessToken("00D000000000001!fixed-token-abcdefgh", new Uri("https://acme.my.salesforce.com"), _time.GetUtcNow() - TimeSpan.FromDays(3));
        var sut = new AccessTokenCache(new AccessTokenCredential(old), _time, Lifetime, Margin, NullLogger.Instance);

        await sut.GetTokenAsync(CancellationToken.None);
        _time.Advance(Lifetime - Margin - TimeSpan.FromSeconds(1));
        await sut.GetTokenAsync(CancellationToken.None);

        Assert.Equal(1, sut.ExchangeCount);
    }

    [Fact]
    public async Task GetTokenAsync_AtRefreshMargin_RenewsToken()
    {
        var sut = CreateSut();
        var first = await sut.GetTokenAsync(CancellationToken.None);
        _time.Advance(Lifetime - Margin);
        var second = await sut.GetTokenAsync(CancellationToken.None);
        Assert.NotSame(first, second);
        Assert.Equal(2, _credential.Calls);
    }

    [Fact]
    public async Task GetTokenAsync_RenewalFailsBeforeExpiry_KeepsCurrentToken()
    {
        var sut = CreateSut();
        var first = await sut.GetTokenAsync(CancellationToken.None);
        _time.Advance(Lifetime - Margin);
        _credential.FailWith = new SalesforceException("login refused", 400, "invalid_grant");

        Assert.Same(first, await sut.GetTokenAsync(CancellationToken.None));
    }

    [Fact]
    public async Task GetTokenAsync_RenewalFailsAfterExpiry_Throws()
    {
        var sut = CreateSut();
        await sut.GetTokenAsync(CancellationToken.None);
        _time.Advance(Lifetime);
        _credential.FailWith = new SalesforceException("login refused", 400, "invalid_grant");

        var error = await Assert.ThrowsAsync<SalesforceException>(async () => await sut.GetTokenAsync(CancellationToken.None));
        Assert.Equal("invalid_grant", error.ErrorCode);
    }

    [Fact]
    public async Task GetTokenAsync_AfterFailure_TriesAgainOnNextCall()
    {
        var sut = CreateSut();
        _credential.FailWith = new SalesforceException("login refused", 400, "invalid_grant");
        await Assert.ThrowsAsync<SalesforceException>(async () => await sut.GetTokenAsync(CancellationToken.None));
        _credential.FailWith = null;

        var token = await sut.GetTokenAsync(CancellationToken.None);

        Assert.Equal(2, _credential.Calls);
        Assert.Contains("token-0002", token.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalidate_CurrentToken_NextCallExchanges()
    {
        var sut = CreateSut();
        var first = await sut.GetTokenAsync(CancellationToken.None);
        sut.Invalidate(first);
        var second = await sut.GetTokenAsync(CancellationToken.None);
        Assert.NotSame(first, second);
        Assert.Equal(2, _credential.Calls);
    }

    [Fact]
    public async Task Invalidate_StaleToken_KeepsNewerToken()
    {
        var sut = CreateSut();
        var first = await sut.GetTokenAsync(CancellationToken.None);
        sut.Invalidate(first);
        var second = await sut.GetTokenAsync(CancellationToken.None);

        // A second request that also failed with the first token must not throw away the new one.
        sut.Invalidate(first);

        Assert.Same(second, await sut.GetTokenAsync(CancellationToken.None));
        Assert.Equal(2, _credential.Calls);
    }

    [Fact]
    public async Task GetTokenAsync_CallerCancels_ExchangeStillServesOthers()
    {
        var sut = CreateSut();
        _credential.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancel = new CancellationTokenSource();
        var cancelled = sut.GetTokenAsync(cancel.Token).AsTask();
        var patient = sut.GetTokenAsync(CancellationToken.None).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        _credential.Gate.SetResult();
        Assert.NotNull(await patient.WaitAsync(TestTimeout));
        Assert.Equal(1, _credential.Calls);
    }

    [Fact]
    public async Task Invalidate_ThenGet_TellsCredentialWhichTokenWasRejected()
    {
        var sut = CreateSut();
        var first = await sut.GetTokenAsync(CancellationToken.None);
        sut.Invalidate(first);

        await sut.GetTokenAsync(CancellationToken.None);
        _time.Advance(Lifetime);
        var third = await sut.GetTokenAsync(CancellationToken.None);

        Assert.Equal([null, first.Value, "00D000000000001!token-0002-abcdefghijkl"], _credential.Replacing);
        Assert.Contains("token-0003", third.Value, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        while (!condition())
        {
            await Task.Yield();
            timeout.Token.ThrowIfCancellationRequested();
        }
    }

    private AccessTokenCache CreateSut() => new(_credential, _time, Lifetime, Margin, NullLogger.Instance);
}
