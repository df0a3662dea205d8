using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProfileGrid.Customers;
using ProfileGrid.Segments;
using ProfileGrid.Storage;
using ProfileGrid.Testing;

namespace ProfileGrid.Benchmarks.Members;

/// <summary>One silo in this process on free loopback ports, with segment members in <paramref name="storage"/> (memory journal storage) and the default member options.</summary>
internal static class MembersSilo
{
    public static async Task<IHost> StartAsync(IJournalStorage storage)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Services.AddKeyedSingleton(StorageNames.SegmentMembers, storage);
        builder.Services.AddSegments();
        builder.UseOrleans(silo => silo.UseLocalhostClustering(FreePort.Next(), FreePort.Next(), serviceId: "members-bench", clusterId: "members-bench"));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
