using Azure;
using Azure.Data.Tables;
using ProfileGrid.Cluster.Tests.Infrastructure;
using ProfileGrid.Testing;

namespace ProfileGrid.Cluster.Tests;

/// <summary>The storage outage the cluster tests rely on: Azurite stops, and starts again with its data, on the same port.</summary>
[Collection(ProcessCollection.Name)]
public sealed class AzuriteProcessTests
{
    [Fact]
    public async Task A_restart_on_the_same_port_and_folder_keeps_the_tables()
    {
        await using var azurite = AzuriteProcess.OnDisk();
        await azurite.StartAsync();
        var table = new TableClient(azurite.ConnectionString, "restart" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["Value"] = 42 });

        await azurite.StopAsync();

        Assert.False(azurite.IsRunning);
        Assert.False(await FreePort.IsListeningAsync(azurite.Port));
        await Assert.ThrowsAnyAsync<RequestFailedException>(() => NoRetries(azurite).GetTableClient(table.Name).GetEntityAsync<TableEntity>("p", "r"));

        await azurite.StartAsync();

        var entity = await table.GetEntityAsync<TableEntity>("p", "r");
        Assert.Equal(42, entity.Value.GetInt32("Value"));
    }

    [Fact]
    public async Task An_in_memory_instance_starts_empty_again()
    {
        await using var azurite = AzuriteProcess.InMemory();
        await azurite.StartAsync();
        var table = new TableClient(azurite.ConnectionString, "memory" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateAsync();

        await azurite.StopAsync();
        await azurite.StartAsync();

        var missing = await Assert.ThrowsAsync<RequestFailedException>(() => table.GetEntityAsync<TableEntity>("p", "r"));
        Assert.Equal(404, missing.Status);
        Assert.Null(azurite.Location);
    }

    private static TableServiceClient NoRetries(AzuriteProcess azurite)
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 0;
        return new TableServiceClient(azurite.ConnectionString, options);
    }
}
