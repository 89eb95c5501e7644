using System.Net;
using Forcelink.Emulator.Org;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Forcelink.Emulator.Hosting;

/// <summary>An emulated org served by Kestrel on 127.0.0.1. Dispose to stop it.</summary>
internal sealed class EmulatorHost : IAsyncDisposable
{
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

    public static async Task<EmulatorHost> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var org = new EmulatedOrg(options);
        try
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(kestrel =>
            {
                kestrel.Listen(IPAddress.Loopback, options.Port);
                kestrel.AddServerHeader = false;
            });
            var app = builder.Build();
            var pipeline = new EmulatorPipeline(org);
            app.Run(context => pipeline.HandleAsync(context));
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var port = new Uri(address).Port;
            var baseUrl = new Uri($"http://127.0.0.1:{port}");
            pipeline.BaseUrl = baseUrl;
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
