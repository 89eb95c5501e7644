using System.Net;
using Forcelink.Emulator.Org;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Forcelink.Emulator.Hosting;

/// <summary>An emulated org served by Kestrel on 127.0.0.1. Dispose to stop it.</summary>
internal sealed class EmulatorHost : IAsyncDisposable
{
    /// <summary>Salesforce's documented URI limit (414 beyond it).</summary>
    public const int SalesforceMaxUriBytes = 16_384;

    private readonly WebApplication _app;

    private EmulatorHost(WebApplication app, EmulatedOrg org, Uri baseUrl)
    {
        _app = app;
        Org = org;
        BaseUrl = baseUrl;
    }

    /// <summary>e.g. <c>http://127.0.0.1:54321</c>: instance URL, token host and My Domain audience at once.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The org's state: users, apps, profiles, sessions, counters, faults and records.</summary>
    public EmulatedOrg Org { get; }

    public TimeProvider TimeProvider => Org.TimeProvider;

    public Uri TokenEndpoint => new(BaseUrl, "/services/oauth2/token");

    public int LoginCount(string username) => Org.LoginCount(username);

    /// <summary>Inserts records (anything that serialises to a JSON object of field values) as a System Administrator; all or nothing.</summary>
    public async Task<IReadOnlyList<string>> AddRecordsAsync(string objectName, IEnumerable<object> records, CancellationToken cancellationToken = default)
    {
        var elements = records.Select(r => System.Text.Json.JsonSerializer.SerializeToElement(r)).ToList();
        await Org.Gate.WaitAsync(cancellationToken);
        try
        {
            var (ids, error) = Org.Records.Insert(objectName, elements);
            return error is null ? ids : throw new ArgumentException(error, nameof(records));
        }
        finally
        {
            Org.Gate.Release();
        }
    }

    public static async Task<EmulatorHost> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new ArgumentException("Invalid emulator options: " + string.Join("; ", errors), nameof(options));
        }

        var org = new EmulatedOrg(options);
        try
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(kestrel =>
            {
                kestrel.Listen(IPAddress.Loopback, options.Port);
                kestrel.AddServerHeader = false;

                // Salesforce answers 414 only past 16,384 bytes of URI; Kestrel's 8 KB default refused long but valid
                // GET queries (big IN lists). The extra bytes are the method and protocol around the URI.
                kestrel.Limits.MaxRequestLineSize = SalesforceMaxUriBytes + 32;
            });
            var app = builder.Build();
            var address = new ServerAddress();
            EmulatorRoutes.Map(app, org, address);
            await app.StartAsync(cancellationToken);
            var listening = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var port = new Uri(listening).Port;
            var baseUrl = new Uri($"http://127.0.0.1:{port}");
            address.BaseUrl = baseUrl;
            return new EmulatorHost(app, org, baseUrl);
        }
        catch
        {
            org.Dispose();
            throw;
        }
    }

    public async Task WaitForShutdownAsync(CancellationToken cancellationToken = default) =>
        await _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Org.Dispose();
    }
}
