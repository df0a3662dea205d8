using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using ProfileGrid.Storage.AzureTables.Journals;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Hosting;

public static class AzureTableJournalStorageExtensions
{
    /// <summary>Adds journal storage named <paramref name="name"/> on an Azure table.</summary>
    public static ISiloBuilder AddAzureTableJournalStorage(this ISiloBuilder builder, string name, Action<AzureTableJournalStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddAzureTableJournalStorage(name, configure);
        return builder;
    }

    /// <summary>
    /// Adds journal storage named <paramref name="name"/> on an Azure table: a keyed <see cref="IJournalStorage"/>
    /// that creates its table when the silo starts.
    /// </summary>
    public static IServiceCollection AddAzureTableJournalStorage(this IServiceCollection services, string name, Action<AzureTableJournalStorageOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddOptions<AzureTableJournalStorageOptions>(name).Configure(configure);
        services.AddTransient<IConfigurationValidator>(sp => new AzureTableConnectionValidator(Options(sp, name), name));
        services.AddTransient<IConfigurationValidator>(sp => new AzureTableJournalStorageOptionsValidator(Options(sp, name), name));
        services.AddKeyedSingleton(name, (sp, _) => new AzureTableJournalStorage(
            name,
            Options(sp, name),
            sp.GetRequiredService<IOptions<ClusterOptions>>(),
            sp.GetRequiredService<ILogger<AzureTableJournalStorage>>()));
        services.AddKeyedSingleton<IJournalStorage>(name, (sp, _) => sp.GetRequiredKeyedService<AzureTableJournalStorage>(name));
        services.AddKeyedSingleton<IJournalOutbox>(name, (sp, _) => sp.GetRequiredKeyedService<AzureTableJournalStorage>(name));
        services.AddKeyedSingleton<IJournalOutbox>(OutboxChannels.ServiceKey(name, OutboxChannel.Deliveries), (sp, _) => sp.GetRequiredKeyedService<AzureTableJournalStorage>(name).Outbox(OutboxChannel.Deliveries));
        return services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredKeyedService<AzureTableJournalStorage>(name));
    }

    private static AzureTableJournalStorageOptions Options(IServiceProvider services, string name) =>
        services.GetRequiredService<IOptionsMonitor<AzureTableJournalStorageOptions>>().Get(name);
}
