using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;
using ProfileGrid.Storage.AzureTables.Storage;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Hosting;

public static class AzureTableGrainStorageExtensions
{
    /// <summary>Adds a named grain storage provider on an Azure table.</summary>
    public static ISiloBuilder AddAzureTableGrainStorage(this ISiloBuilder builder, string name, Action<AzureTableGrainStorageOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddAzureTableGrainStorage(name, configureOptions);
        return builder;
    }

    /// <summary>Adds the default grain storage provider on an Azure table.</summary>
    public static ISiloBuilder AddAzureTableGrainStorageAsDefault(this ISiloBuilder builder, Action<AzureTableGrainStorageOptions> configureOptions) =>
        builder.AddAzureTableGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    /// <summary>Adds a named grain storage provider on an Azure table.</summary>
    public static IServiceCollection AddAzureTableGrainStorage(this IServiceCollection services, string name, Action<AzureTableGrainStorageOptions> configureOptions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddOptions<AzureTableGrainStorageOptions>(name).Configure(configureOptions);
        services.TryAddEnumerable(ServiceDescriptor.Transient<IPostConfigureOptions<AzureTableGrainStorageOptions>, DefaultGrainStorageSerializer>());
        services.AddTransient<IConfigurationValidator>(sp =>
            new AzureTableConnectionValidator(sp.GetRequiredService<IOptionsMonitor<AzureTableGrainStorageOptions>>().Get(name), name));

        // The factory returns the concrete type so the silo also runs it as a lifecycle participant.
        return services.AddGrainStorage(name, (sp, providerName) => new AzureTableGrainStorage(
            providerName,
            sp.GetRequiredService<IOptionsMonitor<AzureTableGrainStorageOptions>>().Get(providerName),
            sp.GetRequiredService<IOptions<ClusterOptions>>(),
            sp.GetRequiredService<IActivatorProvider>(),
            sp.GetRequiredService<ILogger<AzureTableGrainStorage>>()));
    }
}
