using Azure.Data.Tables;
using Orleans.TestingHost;
using ProfileGrid.Hosting;

namespace ProfileGrid.Storage.AzureTables.Tests.Hosting;

/// <summary>One silo in this process with the small grains' storage as ProfileGrid registers it (Orleans' table grain storage).</summary>
internal static class SmallGrainCluster
{
    public static async Task RunAsync(string connectionString, Func<InProcessTestCluster, Task> test)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddSmallGrainStorage(new TableServiceClient(connectionString)));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            await test(cluster);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
