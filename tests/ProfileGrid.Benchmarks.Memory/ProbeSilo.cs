using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using ProfileGrid.Archive;
using ProfileGrid.Customers;
using ProfileGrid.Identity;
using ProfileGrid.Segments;
using ProfileGrid.Storage;
using ProfileGrid.Testing;

namespace ProfileGrid.Benchmarks.Memory;

/// <summary>
/// One silo in this process on free loopback ports, with the grains' services as ProfileGrid's memory mode registers
/// them (memory journal storage, memory grain storage for the segment registry and identities, the domain clock). Activations are never collected on their own during a run: the
/// probe collects them itself when it means to.
/// </summary>
internal static class ProbeSilo
{
    public static async Task<IHost> StartAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddKeyedSingleton(DomainClock.Key, TimeProvider.System);
        builder.Services.AddMemoryJournalStorage(StorageNames.Customers);
        builder.Services.AddMemoryJournalStorage(StorageNames.SegmentMembers);
        builder.Services.AddMemoryJournalStorage(StorageNames.Wakeups);
        builder.Services.AddSegments();
        // Archiving on, as in memory mode: each customer written holds its archive key.
        builder.Services.AddArchive();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(FreePort.Next(), FreePort.Next(), serviceId: "memory-probe", clusterId: "memory-probe")
            .AddMemoryGrainStorage(SegmentRegistryGrain.StorageName)
            .AddMemoryGrainStorage(IdentityGrain.StorageName)
            .Configure<GrainCollectionOptions>(options =>
            {
                options.CollectionAge = TimeSpan.FromDays(1);
                options.EnableActivationSheddingOnMemoryPressure = false;
            }));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
