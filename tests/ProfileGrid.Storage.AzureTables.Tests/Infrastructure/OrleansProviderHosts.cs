using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Clustering.AzureStorage;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Storage;
using ProfileGrid.Hosting;
using ProfileGrid.Identity;

namespace ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

/// <summary>
/// Orleans' Azure Table providers taken from silo and client hosts configured with ProfileGrid's registrations
/// (<see cref="OrleansTableProviders"/>), each on a table the test names. The hosts are built, never started: no silo
/// joins, the providers are initialized as a silo or client would before first use.
/// </summary>
internal sealed class OrleansProviderHosts(string connectionString) : IAsyncDisposable
{
    public const string ServiceId = "profilegrid-tests";

    /// <summary>The grain storage under test: the identifier index's, whose keys are the most varied.</summary>
    public const string StorageName = IdentityGrain.StorageName;

    private readonly List<IHost> _hosts = [];

    public async Task<IMembershipTable> StartMembershipTableAsync(string tableName, string clusterId)
    {
        var table = BuildSilo(clusterId, silo => silo
            .UseProfileGridClustering(new TableServiceClient(connectionString))
            .Configure<AzureStorageClusteringOptions>(options => options.TableName = tableName))
            .GetRequiredService<IMembershipTable>();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, CancellationToken.None);
        return table;
    }

    public async Task<IGatewayListProvider> StartGatewayListAsync(string tableName, string clusterId, TimeSpan refreshPeriod)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client => client
            .UseProfileGridClustering(new TableServiceClient(connectionString))
            .Configure<AzureStorageGatewayOptions>(options => options.TableName = tableName)
            .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (clusterId, ServiceId))
            .Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = refreshPeriod));
        var provider = Build(builder).GetRequiredService<IGatewayListProvider>();
        await provider.InitializeGatewayListProviderAsync(CancellationToken.None);
        return provider;
    }

    public async Task<IGrainStorage> StartGrainStorageAsync(string tableName)
    {
        var storage = BuildSilo("storage", silo =>
        {
            silo.AddSmallGrainStorage(new TableServiceClient(connectionString));
            silo.Services.Configure<AzureTableStorageOptions>(StorageName, options => options.TableName = tableName);
        }).GetRequiredKeyedService<IGrainStorage>(StorageName);
        await ProviderLifecycle.StartAsync(storage);
        return storage;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await ((IAsyncDisposable)host).DisposeAsync();
        }
    }

    private IServiceProvider BuildSilo(string clusterId, Action<ISiloBuilder> configure)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (clusterId, ServiceId));
            configure(silo);
        });
        return Build(builder);
    }

    private IServiceProvider Build(HostApplicationBuilder builder)
    {
        var host = builder.Build();
        _hosts.Add(host);
        return host.Services;
    }
}
