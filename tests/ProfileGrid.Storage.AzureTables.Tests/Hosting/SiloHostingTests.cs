using Azure.Data.Tables;
using Orleans.TestingHost;
using ProfileGrid.Storage.AzureTables.Hosting;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Hosting;

[Collection(AzuriteCollection.Name)]
public sealed class SiloHostingTests(AzuriteFixture azurite)
{
    public const string StorageName = "profiles";

    [Fact]
    public async Task A_silo_creates_its_state_table_at_start_up_and_persists_grain_state()
    {
        var stateTable = TableNames.Fresh("hoststate");
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddAzureTableGrainStorage(StorageName, options =>
        {
            options.ConfigureTableServiceClient(azurite.ConnectionString);
            options.TableName = stateTable;
        }));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            Assert.Empty(await RowsAsync(stateTable));
            var grain = cluster.Client.GetGrain<IVisitCounterGrain>("ann");
            Assert.Equal(1, await grain.Visit());
            Assert.Equal(2, await grain.Visit());
            await cluster.DeactivateAsync(grain);

            Assert.Equal(2, await cluster.Client.GetGrain<IVisitCounterGrain>("ann").GetVisits());
            Assert.Equal("profile", Assert.Single(await RowsAsync(stateTable)).RowKey);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_silo_with_no_storage_connection_refuses_to_start_and_names_the_provider()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddAzureTableGrainStorage(StorageName, _ => { }));
        var cluster = builder.Build();
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => cluster.DeployAsync());

            Assert.Contains($"Azure Table provider '{StorageName}'", error.ToString(), StringComparison.Ordinal);
            Assert.Contains("set exactly one of ConnectionString or ServiceUri", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private async Task<List<TableEntity>> RowsAsync(string tableName)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in new TableClient(azurite.ConnectionString, tableName).QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }
}
