using Forcelink;
using Forcelink.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// The extension methods live where IServiceCollection does, so they are found without a using, as Microsoft's own are.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="SalesforceClient"/>s in a service collection.</summary>
public static class SalesforceServiceCollectionExtensions
{
    /// <summary>
    /// Registers the default <see cref="SalesforceClient"/> as a singleton, its settings bound from
    /// <paramref name="configuration"/> (such as <c>configuration.GetSection("Salesforce")</c>) and validated at start.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section whose keys are <see cref="SalesforceConnectionOptions"/>'s property names.</param>
    /// <returns>The builder of the client's HTTP handlers: add handlers, or replace the primary handler in tests.</returns>
    public static IHttpClientBuilder AddSalesforceClient(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSalesforceClient(Options.Options.DefaultName, configuration);

    /// <summary>Registers the default <see cref="SalesforceClient"/> as a singleton, its settings set by <paramref name="configure"/> and validated at start.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the settings.</param>
    /// <returns>The builder of the client's HTTP handlers: add handlers, or replace the primary handler in tests.</returns>
    public static IHttpClientBuilder AddSalesforceClient(this IServiceCollection services, Action<SalesforceConnectionOptions> configure) =>
        services.AddSalesforceClient(Options.Options.DefaultName, configure);

    /// <summary>
    /// Registers a named <see cref="SalesforceClient"/> as a keyed singleton (one per org: resolve it with
    /// <c>[FromKeyedServices("name")]</c> or <c>GetRequiredKeyedService&lt;SalesforceClient&gt;("name")</c>), its settings
    /// bound from <paramref name="configuration"/> and validated at start.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client's name; empty for the default, not keyed client.</param>
    /// <param name="configuration">The section whose keys are <see cref="SalesforceConnectionOptions"/>'s property names.</param>
    /// <returns>The builder of the client's HTTP handlers: add handlers, or replace the primary handler in tests.</returns>
    public static IHttpClientBuilder AddSalesforceClient(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SalesforceConnectionOptions>(name).Bind(configuration).ValidateOnStart();
        return services.AddClient(name);
    }

    /// <summary>
    /// Registers a named <see cref="SalesforceClient"/> as a keyed singleton (one per org), its settings set by
    /// <paramref name="configure"/> and validated at start.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The client's name; empty for the default, not keyed client.</param>
    /// <param name="configure">Sets the settings.</param>
    /// <returns>The builder of the client's HTTP handlers: add handlers, or replace the primary handler in tests.</returns>
    public static IHttpClientBuilder AddSalesforceClient(this IServiceCollection services, string name, Action<SalesforceConnectionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SalesforceConnectionOptions>(name).Configure(configure).ValidateOnStart();
        return services.AddClient(name);
    }

    private static IHttpClientBuilder AddClient(this IServiceCollection services, string name)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SalesforceConnectionOptions>, SalesforceConnectionValidator>());
        if (name.Length == 0)
        {
            services.AddSingleton(provider => new SalesforceConnection(provider, name));
            services.AddSingleton(provider => provider.GetRequiredService<SalesforceConnection>().Client);
        }
        else
        {
            services.AddKeyedSingleton(name, (provider, _) => new SalesforceConnection(provider, name));
            services.AddKeyedSingleton(name, (provider, key) => provider.GetRequiredKeyedService<SalesforceConnection>(key).Client);
        }

        // The client lives as long as the container, so its handlers must too; the transport renews its connections
        // every 5 minutes itself, which is what the factory's handler rotation is for.
        return services.AddHttpClient(SalesforceConnection.HttpClientName(name))
            .ConfigurePrimaryHttpMessageHandler(SalesforceClientOptions.CreateDefaultTransport)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
    }
}
