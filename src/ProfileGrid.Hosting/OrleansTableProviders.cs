using Azure.Data.Tables;
using Orleans.Serialization;
using Orleans.Storage;
using ProfileGrid.Identity;
using ProfileGrid.Segments;

namespace ProfileGrid.Hosting;

/// <summary>
/// Orleans' own Azure Table providers on the account of <c>ProfileGrid:Storage</c>: cluster membership and the gateway
/// list (table <c>OrleansSiloInstances</c>), and the state of the small grains (table <c>OrleansGrainState</c>). The
/// customer journals are the project's own storage (docs/storage.md says why).
/// </summary>
public static class OrleansTableProviders
{
    /// <summary>The grain storages of the small grains: the segment registry and sweep, the identifier index, the imports, the destination registry, and the destinations' queues and dead letters.</summary>
    public static readonly IReadOnlyList<string> SmallGrainStorageNames = [SegmentRegistryGrain.StorageName, IdentityGrain.StorageName, ProfileGrid.Importing.ImportGrain.StorageName,
        ProfileGrid.Destinations.DestinationRegistryGrain.StorageName, ProfileGrid.Destinations.DeliveryQueueGrain.StorageName];

    public static ISiloBuilder UseProfileGridClustering(this ISiloBuilder silo, TableServiceClient tables) =>
        silo.UseAzureStorageClustering(options => options.Configure(clustering => clustering.TableServiceClient = tables));

    public static IClientBuilder UseProfileGridClustering(this IClientBuilder client, TableServiceClient tables) =>
        client.UseAzureStorageClustering(options => options.Configure(gateways => gateways.TableServiceClient = tables));

    /// <summary>Orleans' table grain storage for each of <see cref="SmallGrainStorageNames"/> (<see cref="AddOrleansTableGrainStorage"/>).</summary>
    public static ISiloBuilder AddSmallGrainStorage(this ISiloBuilder silo, TableServiceClient tables)
    {
        foreach (var name in SmallGrainStorageNames) silo.AddOrleansTableGrainStorage(name, tables);
        return silo;
    }

    /// <summary>
    /// Orleans' table grain storage named <paramref name="name"/>, as ProfileGrid uses it: the state is written with
    /// Orleans' binary serializer (the state types are <c>[GenerateSerializer]</c> with fixed ids), and a cleared
    /// state deletes its row (an identifier's partition key names the identifier, so an erasure must leave no row behind).
    /// </summary>
    public static ISiloBuilder AddOrleansTableGrainStorage(this ISiloBuilder silo, string name, TableServiceClient tables) =>
        silo.AddAzureTableGrainStorage(name, options => options.Configure<Serializer>((storage, serializer) =>
        {
            storage.TableServiceClient = tables;
            storage.DeleteStateOnClear = true;
            storage.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
}
