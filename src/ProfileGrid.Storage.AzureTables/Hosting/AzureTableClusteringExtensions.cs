using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;
using Orleans.Messaging;
using ProfileGrid.Storage.AzureTables.Clustering;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Hosting;

public static class AzureTableClusteringExtensions
{
    private const string ProviderName = "clustering";

    /// <summary>Keeps the silo's cluster membership in an Azure table.</summary>
    public static ISiloBuilder UseAzureTableClustering(this ISiloBuilder builder, Action<AzureTableClusteringOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddOptions(builder.Services, configureOptions);
        builder.Services.AddSingleton<IMembershipTable, AzureTableMembershipTable>();
        return builder;
    }

    /// <summary>Finds the cluster's gateways in the silos' Azure membership table.</summary>
    public static IClientBuilder UseAzureTableClustering(this IClientBuilder builder, Action<AzureTableClusteringOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddOptions(builder.Services, configureOptions);
        builder.Services.AddSingleton<IGatewayListProvider, AzureTableGatewayListProvider>();
        return builder;
    }

    private static void AddOptions(IServiceCollection services, Action<AzureTableClusteringOptions> configureOptions)
    {
        services.AddOptions<AzureTableClusteringOptions>().Configure(configureOptions);
        services.AddTransient<IConfigurationValidator>(sp =>
            new AzureTableConnectionValidator(sp.GetRequiredService<IOptions<AzureTableClusteringOptions>>().Value, ProviderName));
    }
}
