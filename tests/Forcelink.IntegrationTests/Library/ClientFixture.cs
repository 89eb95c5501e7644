using Forcelink.Authentication;
using Forcelink.Emulator.Hosting;
using Forcelink.IntegrationTests.Emulator;

namespace Forcelink.IntegrationTests.Library;

/// <summary>The library against the emulator over loopback: a JWT bearer credential with the fixture's key, one client.</summary>
internal sealed class ClientFixture : IAsyncDisposable
{
    private readonly RsaSigningKey _key;

    private ClientFixture(EmulatorFixture emulator, RsaSigningKey key, SalesforceClient client)
    {
        Emulator = emulator;
        _key = key;
        Client = client;
    }

    public EmulatorFixture Emulator { get; }

    public SalesforceClient Client { get; }

    public static async Task<ClientFixture> StartAsync(Action<EmulatorOptions>? configureEmulator = null, Action<SalesforceClientOptions>? configureClient = null, string username = EmulatorFixture.Username)
    {
        var emulator = await EmulatorFixture.StartAsync(options =>
        {
            options.Org.CustomObjects.Add(new CustomObjectOptions
            {
                Name = "Invoice__c",
                Fields =
                [
                    new CustomFieldOptions { Name = "Number__c", Type = "string", Length = 40, ExternalId = true, Unique = false },
                    new CustomFieldOptions { Name = "Amount__c", Type = "currency" },
                ],
            });
            configureEmulator?.Invoke(options);
        });
        var key = RsaSigningKey.FromRsa(System.Security.Cryptography.RSA.Create(EmulatorFixture.Key.ExportParameters(includePrivateParameters: true)));
        return new ClientFixture(emulator, key, CreateClient(emulator, key, configureClient, username));
    }

    public static SalesforceClient CreateClient(EmulatorFixture emulator, RsaSigningKey key, Action<SalesforceClientOptions>? configure = null, string username = EmulatorFixture.Username)
    {
        var credential = new JwtBearerCredential(
            new JwtBearerCredentialOptions { LoginUrl = emulator.Host.BaseUrl, ConsumerKey = EmulatorFixture.ConsumerKey, Username = username },
            key,
            new HttpClient(),
            emulator.Time);
        var options = new SalesforceClientOptions { TimeProvider = emulator.Time, RetryDelay = TimeSpan.Zero, ApiVersion = EmulatorFixture.ApiVersion };
        configure?.Invoke(options);
        return new SalesforceClient(credential, options);
    }

    public SalesforceClient CreateClient(Action<SalesforceClientOptions>? configure = null, string username = EmulatorFixture.Username) =>
        CreateClient(Emulator, _key, configure, username);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _key.Dispose();
        await Emulator.DisposeAsync();
    }
}
