using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using ProfileGrid.Storage.AzureTables.Hosting;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Journals;

[Collection(AzuriteCollection.Name)]
public sealed class JournalSiloHostingTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_silo_creates_the_journal_table_at_start_up_and_serves_the_keyed_storage()
    {
        var tableName = TableNames.Fresh("hostjournal");
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddAzureTableJournalStorage("journals", options =>
        {
            options.ConfigureTableServiceClient(azurite.ConnectionString);
            options.TableName = tableName;
        }));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            var storage = cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IJournalStorage>("journals");
            await storage.WriteAsync("ann", JournalVersion.None, JournalWrite.Snapshot("ann"u8.ToArray()));

            var rows = new List<TableEntity>();
            await foreach (var row in new TableClient(azurite.ConnectionString, tableName).QueryAsync<TableEntity>())
            {
                rows.Add(row);
            }

            Assert.Equal("ann", Assert.Single(rows).RowKey);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
