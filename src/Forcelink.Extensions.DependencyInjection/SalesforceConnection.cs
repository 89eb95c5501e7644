using System.Diagnostics.Metrics;
using Forcelink.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Forcelink.Extensions.DependencyInjection;

/// <summary>
/// One registered client and what it owns (the signing key, the token endpoint's client), built once from its validated
/// options and the container's services, and disposed with the container.
/// </summary>
internal sealed class SalesforceConnection : IDisposable
{
    private readonly RsaSigningKey? _key;
    private readonly HttpClient _tokenHttpClient;

    public SalesforceConnection(IServiceProvider services, string name)
    {
        // Throws OptionsValidationException listing every problem when the host did not validate at start.
        var options = services.GetRequiredService<IOptionsMonitor<SalesforceConnectionOptions>>().Get(name);
        var timeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var transport = services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(HttpClientName(name));
        _tokenHttpClient = new HttpClient(transport, disposeHandler: false);

        var credential = RegisteredCredential(services, name);
        if (credential is null && options.UsesJwt)
        {
            _key = options.PrivateKey is { } pem
                ? RsaSigningKey.Parse(pem, options.PrivateKeyPassphrase)
                : RsaSigningKey.Parse(File.ReadAllText(options.PrivateKeyFile!), options.PrivateKeyPassphrase);
            credential = new JwtBearerCredential(options.ToJwtOptions(), _key, _tokenHttpClient, timeProvider, loggerFactory.CreateLogger<JwtBearerCredential>());
        }

        credential ??= new ClientCredentialsCredential(options.ToClientCredentialsOptions(), _tokenHttpClient, timeProvider, loggerFactory.CreateLogger<ClientCredentialsCredential>());

        var clientOptions = options.ToClientOptions();
        clientOptions.TimeProvider = timeProvider;
        clientOptions.LoggerFactory = loggerFactory;
        clientOptions.MeterFactory = services.GetService<IMeterFactory>();
        clientOptions.Transport = transport;
        Client = new SalesforceClient(credential, clientOptions);
    }

    public SalesforceClient Client { get; }

    /// <summary>The <see cref="IHttpClientFactory"/> name of a client's handlers.</summary>
    public static string HttpClientName(string name) => name.Length == 0 ? "Forcelink" : $"Forcelink:{name}";

    public static bool HasRegisteredCredential(IServiceProviderIsService services, string name) =>
        name.Length == 0
            ? services.IsService(typeof(SalesforceCredential))
            : services is IServiceProviderIsKeyedService keyed && keyed.IsKeyedService(typeof(SalesforceCredential), name);

    public void Dispose()
    {
        Client.Dispose();
        _tokenHttpClient.Dispose();
        _key?.Dispose();
    }

    private static SalesforceCredential? RegisteredCredential(IServiceProvider services, string name) =>
        name.Length == 0 ? services.GetService<SalesforceCredential>() : services.GetKeyedService<SalesforceCredential>(name);
}
