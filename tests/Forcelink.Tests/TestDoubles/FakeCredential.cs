using Forcelink.Authentication;

namespace Forcelink.Tests.TestDoubles;

/// <summary>Issues numbered tokens and counts exchanges; can be held open (to pile up concurrent callers) or made to fail.</summary>
public sealed class FakeCredential(TimeProvider timeProvider, string instanceUrl = "https://acme.my.salesforce.com") : SalesforceCredential
{
    private int _count;

    public int Calls => Volatile.Read(ref _count);

    public TaskCompletionSource? Gate { get; set; }

    public Exception? FailWith { get; set; }

    public List<string?> Replacing { get; } = [];

    /// <summary>The instance the next login answers with (a login may move an org to another instance).</summary>
    public string InstanceUrl { get; set; } = instanceUrl;

    public override ValueTask<AccessToken> GetTokenAsync(AccessToken? rejected, CancellationToken cancellationToken = default)
    {
        lock (Replacing)
        {
            Replacing.Add(rejected?.Value);
        }

        return GetTokenAsync(cancellationToken);
    }

    public override async ValueTask<AccessToken> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        var n = Interlocked.Increment(ref _count);
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (FailWith is { } failure)
        {
            throw failure;
        }

        return new AccessToken($"00D000000000001!token-{n:D4}-abcdefghijkl", new Uri(InstanceUrl), timeProvider.GetUtcNow());
    }
}
