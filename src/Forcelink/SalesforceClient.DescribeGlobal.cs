using Forcelink.Models;
using Forcelink.Serialization;

namespace Forcelink;

public partial class SalesforceClient
{
    private readonly Lock _globalDescriptionLock = new();
    private Task<GlobalDescription>? _globalDescription;

    /// <summary>
    /// The org's objects with their key prefixes and the current user's capabilities (<c>GET /sobjects</c>), read once and
    /// cached for the life of the client: concurrent first callers share one call, and a failed read is not cached.
    /// </summary>
    /// <param name="refresh">Reads the objects again, for example after an administrator added an object or changed the
    /// user's permissions. The default, <see langword="false"/>, answers from the cache once it is filled.</param>
    /// <param name="cancellationToken">Stops waiting; a read already started for other callers goes on.</param>
    public virtual Task<GlobalDescription> DescribeGlobalAsync(bool refresh = false, CancellationToken cancellationToken = default)
    {
        Task<GlobalDescription> task;
        lock (_globalDescriptionLock)
        {
            if (refresh || _globalDescription is { IsFaulted: true } or { IsCanceled: true })
            {
                _globalDescription = null;
            }

            task = _globalDescription ??= ReadGlobalDescriptionAsync();
        }

        return task.WaitAsync(cancellationToken);
    }

    private async Task<GlobalDescription> ReadGlobalDescriptionAsync()
    {
        using var activity = StartActivity("describeGlobal", null);
        using var request = new HttpRequestMessage(HttpMethod.Get, await DataPathAsync("sobjects", CancellationToken.None).ConfigureAwait(false));
        using var response = await SendAsync(request, idempotent: true, CancellationToken.None).ConfigureAwait(false);
        return await ReadAsync(response, RestJsonContext.Default.GlobalDescription, CancellationToken.None).ConfigureAwait(false);
    }
}
