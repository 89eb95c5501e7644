using Forcelink.Authentication;
using Forcelink.IntegrationTests.Emulator;
using Forcelink.Records;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Forcelink.IntegrationTests.Library;

/// <summary><c>services.AddSalesforceClient(...)</c> against the emulator: configuration binding, named clients, the
/// container's clock and handlers, a registered credential, and validation that reports every problem together.</summary>
public sealed class DependencyInjectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly string KeyPem = EmulatorFixture.Key.ExportPkcs8PrivateKeyPem();

    [Fact]
    public async Task AddSalesforceClient_FromConfiguration_LogsInAndCreatesALead()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Salesforce:LoginUrl"] = emulator.Host.BaseUrl.AbsoluteUri,
            ["Salesforce:ConsumerKey"] = EmulatorFixture.ConsumerKey,
            ["Salesforce:Username"] = EmulatorFixture.Username,
            ["Salesforce:PrivateKey"] = KeyPem,
            ["Salesforce:ApiVersion"] = EmulatorFixture.ApiVersion,
            ["Salesforce:MaxRetries"] = "1",
        }).Build();
        var counter = new CountingHandler();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(emulator.Time);
        services.AddSalesforceClient(configuration.GetSection("Salesforce")).AddHttpMessageHandler(() => counter);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<SalesforceClient>();
        var id = await client.CreateAsync(new Lead { LastName = "Injected", Company = "Acme" }).WaitAsync(Timeout);

        Assert.Equal("Injected", (await client.GetAsync<Lead>(id).WaitAsync(Timeout)).LastName);
        Assert.Same(emulator.Time, client.Options.TimeProvider);
        Assert.Equal(1, client.Options.MaxRetries);
        Assert.Equal(1, emulator.Host.LoginCount(EmulatorFixture.Username));
        // The login and both REST calls went through the factory's handlers.
        Assert.Equal(3, counter.Count);
    }

    [Fact]
    public async Task AddSalesforceClient_Named_RegistersOneKeyedClientPerOrg()
    {
        await using var first = await EmulatorFixture.StartAsync();
        await using var second = await EmulatorFixture.StartAsync();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(first.Time);
        foreach (var (name, emulator) in new[] { ("eu", first), ("us", second) })
        {
            services.AddSalesforceClient(name, o =>
            {
                o.LoginUrl = emulator.Host.BaseUrl;
                o.ConsumerKey = EmulatorFixture.ConsumerKey;
                o.Username = EmulatorFixture.Username;
                o.PrivateKey = KeyPem;
                o.ApiVersion = EmulatorFixture.ApiVersion;
            });
        }

        await using var provider = services.BuildServiceProvider();
        var eu = provider.GetRequiredKeyedService<SalesforceClient>("eu");
        var us = provider.GetRequiredKeyedService<SalesforceClient>("us");

        await eu.CreateAsync(new Lead { LastName = "Europe", Company = "Acme" }).WaitAsync(Timeout);
        await us.CreateAsync(new Lead { LastName = "America", Company = "Acme" }).WaitAsync(Timeout);

        Assert.NotSame(eu, us);
        Assert.Null(provider.GetService<SalesforceClient>());
        Assert.Equal(1, first.Host.LoginCount(EmulatorFixture.Username));
        Assert.Equal(1, second.Host.LoginCount(EmulatorFixture.Username));
    }

    [Fact]
    public async Task AddSalesforceClient_RegisteredCredential_IsUsedWithoutKeySettings()
    {
        await using var emulator = await EmulatorFixture.StartAsync();
        using var key = RsaSigningKey.Parse(KeyPem);
        var services = new ServiceCollection();
        services.AddSingleton<SalesforceCredential>(new JwtBearerCredential(
            new JwtBearerCredentialOptions { LoginUrl = emulator.Host.BaseUrl, ConsumerKey = EmulatorFixture.ConsumerKey, Username = EmulatorFixture.Username },
            key, timeProvider: emulator.Time));
        services.AddSalesforceClient(o => o.ApiVersion = EmulatorFixture.ApiVersion);
        await using var provider = services.BuildServiceProvider();

        var id = await provider.GetRequiredService<SalesforceClient>().CreateAsync(new Lead { LastName = "Own credential", Company = "Acme" }).WaitAsync(Timeout);

        Assert.NotEmpty(id);
    }

    [Fact]
    public void AddSalesforceClient_InvalidSettings_ReportsEveryProblemTogether()
    {
        var services = new ServiceCollection();
        services.AddSalesforceClient("eu", o =>
        {
            o.Username = "integration@example.com";
            o.MaxRetries = 99;
            o.ApiVersion = "v62";
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<SalesforceClient>("eu"));

        Assert.Collection(
            error.Failures,
            e => Assert.StartsWith("the Salesforce client 'eu': PrivateKey, PrivateKeyFile or ClientSecret is required", e, StringComparison.Ordinal),
            e => Assert.StartsWith("the Salesforce client 'eu': ApiVersion 'v62' is not a REST API version", e, StringComparison.Ordinal),
            e => Assert.StartsWith("the Salesforce client 'eu': MaxRetries 99 is out of range", e, StringComparison.Ordinal));
    }

    [Fact]
    public void AddSalesforceClient_JwtSettingsMissing_NamesEachOne()
    {
        var services = new ServiceCollection();
        services.AddSalesforceClient(o => o.PrivateKey = "not a key");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<SalesforceClient>);

        Assert.Contains(error.Failures, e => e.StartsWith("the Salesforce client: ConsumerKey is required", StringComparison.Ordinal));
        Assert.Contains(error.Failures, e => e.StartsWith("the Salesforce client: Username is required", StringComparison.Ordinal));
        Assert.DoesNotContain("not a key", error.Message, StringComparison.Ordinal);
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
