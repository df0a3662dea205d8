using Azure.Data.Tables;
using ProfileGrid.Hosting;
using ProfileGrid.Identity;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Hosting;

/// <summary>
/// The small grains' state as ProfileGrid registers it (<see cref="OrleansTableProviders.AddSmallGrainStorage"/>):
/// Orleans' table grain storage, one row per grain and state, deleted when the state is cleared (an erasure leaves
/// no row naming the identifier).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SiloHostingTests(AzuriteFixture azurite)
{
    public const string StorageName = IdentityGrain.StorageName;

    [Fact]
    public Task A_silo_keeps_small_grain_state_in_orleans_table_and_a_clear_deletes_the_row() =>
        SmallGrainCluster.RunAsync(azurite.ConnectionString, async cluster =>
        {
            var key = $"ann-{Guid.NewGuid():N}";
            var grain = cluster.Client.GetGrain<IVisitCounterGrain>(key);
            Assert.Equal(1, await grain.Visit());
            Assert.Equal(2, await grain.Visit());
            await cluster.DeactivateAsync(grain);

            Assert.Equal(2, await cluster.Client.GetGrain<IVisitCounterGrain>(key).GetVisits());
            var row = Assert.Single(await RowsAsync(key));
            Assert.Equal("profile", row.RowKey);
            Assert.NotNull(row.GetBinary("Data"));

            await cluster.Client.GetGrain<IVisitCounterGrain>(key).Forget();
            Assert.Empty(await RowsAsync(key));
        });

    private async Task<List<TableEntity>> RowsAsync(string key)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in new TableClient(azurite.ConnectionString, "OrleansGrainState").QueryAsync<TableEntity>())
        {
            if (row.PartitionKey.EndsWith(key, StringComparison.Ordinal)) rows.Add(row);
        }

        return rows;
    }
}
