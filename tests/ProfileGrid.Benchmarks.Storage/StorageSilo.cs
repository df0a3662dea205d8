using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProfileGrid.Hosting;
using ProfileGrid.Storage.AzureTables.Hosting;
using ProfileGrid.Testing;

namespace ProfileGrid.Benchmarks.Storage;

/// <summary>
/// One silo in this process on free loopback ports, holding the two storages the benchmark writes through, both on
/// <paramref name="connectionString"/>: Orleans' table grain storage as ProfileGrid configures it (<see cref="WholeState"/>,
/// table <c>OrleansGrainState</c>) and the customer journal storage (<see cref="Journal"/>, table <c>ProfileGridJournals</c>).
/// </summary>
internal static class StorageSilo
{
    public const string WholeState = "whole-state";
    public const string Journal = "journal";

    public static async Task<IHost> StartAsync(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort.Next(), FreePort.Next(), serviceId: "storage-bench", clusterId: "storage-bench");
            silo.AddOrleansTableGrainStorage(WholeState, new TableServiceClient(connectionString));
            silo.AddAzureTableJournalStorage(Journal, options => options.ConnectionString = connectionString);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
