using Azure;
using Azure.Data.Tables;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Journals;

/// <summary>The journal storage relies on these emulator behaviours (a transaction applies whole or not at all); prove them before trusting other tests.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteBatchSmokeTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_batch_with_a_stale_if_match_fails_and_applies_nothing()
    {
        var table = new TableClient(azurite.ConnectionString, TableNames.Fresh("smoke"));
        await table.CreateAsync();
        var staleEtag = (await table.AddEntityAsync(new TableEntity("p", "version") { ["V"] = 1 })).Headers.ETag!.Value;
        var currentEtag = (await table.UpdateEntityAsync(new TableEntity("p", "version") { ["V"] = 2 }, staleEtag, TableUpdateMode.Replace)).Headers.ETag!.Value;

        var error = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "silo") { ["S"] = "x" }),
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "version") { ["V"] = 3 }, staleEtag),
        ]));

        Assert.Equal(412, error.Status);
        Assert.False((await table.GetEntityIfExistsAsync<TableEntity>("p", "silo")).HasValue);
        var version = (await table.GetEntityAsync<TableEntity>("p", "version")).Value;
        Assert.Equal(2, version.GetInt32("V"));
        Assert.Equal(currentEtag, version.ETag);
        await table.DeleteAsync();
    }

    [Fact]
    public async Task A_batch_adding_an_existing_row_fails_with_conflict_and_applies_nothing()
    {
        var table = new TableClient(azurite.ConnectionString, TableNames.Fresh("smoke"));
        await table.CreateAsync();
        var etag = (await table.AddEntityAsync(new TableEntity("p", "version") { ["V"] = 1 })).Headers.ETag!.Value;
        await table.AddEntityAsync(new TableEntity("p", "silo") { ["S"] = "old" });

        var error = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "silo") { ["S"] = "new" }),
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "version") { ["V"] = 2 }, etag),
        ]));

        Assert.Equal(409, error.Status);
        Assert.Equal("old", (await table.GetEntityAsync<TableEntity>("p", "silo")).Value.GetString("S"));
        Assert.Equal(1, (await table.GetEntityAsync<TableEntity>("p", "version")).Value.GetInt32("V"));
        await table.DeleteAsync();
    }
}
