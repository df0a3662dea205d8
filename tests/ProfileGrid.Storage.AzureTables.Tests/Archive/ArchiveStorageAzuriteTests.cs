using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ProfileGrid.Storage.Archive;
using ProfileGrid.Storage.AzureTables.Archive;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Archive;

/// <summary>The archive's keys table and blob store on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ArchiveStorageAzuriteTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Concurrent_creators_of_a_key_all_get_the_winners_and_many_new_customers_get_keys_of_their_own()
    {
        var keys = await KeysAsync();
        var customer = $"c-{Guid.NewGuid():N}";
        var others = Enumerable.Range(0, 150).Select(i => $"n{i}-{Guid.NewGuid():N}").ToArray();

        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => keys.GetOrCreateAsync(customer, likelyExists: false)));
        var created = await Task.WhenAll(others.Select(other => keys.GetOrCreateAsync(other, likelyExists: false)));

        Assert.Single(racing.Select(key => key.IdText).Distinct());
        Assert.Equal(racing[0].IdText, (await keys.FindAsync(customer))!.IdText);
        Assert.Equal(racing[0].IdText, (await keys.GetOrCreateAsync(customer, likelyExists: true)).IdText);
        Assert.Equal(others.Length, created.Select(key => key.IdText).Distinct().Count());
        for (var i = 0; i < others.Length; i++) Assert.Equal(created[i].ToBytes(), (await keys.FindAsync(others[i]))!.ToBytes());
    }

    [Fact]
    public async Task A_deleted_key_is_gone_and_a_new_one_is_another()
    {
        var keys = await KeysAsync();
        var customer = $"c-{Guid.NewGuid():N}";
        var first = await keys.GetOrCreateAsync(customer, likelyExists: false);

        await keys.DeleteAsync(customer);
        await keys.DeleteAsync(customer);

        Assert.Null(await keys.FindAsync(customer));
        Assert.NotEqual(first.IdText, (await keys.GetOrCreateAsync(customer, likelyExists: true)).IdText);
    }

    [Fact]
    public async Task A_blob_is_created_once_gives_back_its_tag_lists_by_prefix_in_order_reads_and_deletes()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient($"archive-{Guid.NewGuid():N}");
        await container.CreateAsync();
        var store = new AzureBlobArchiveStore(container);

        Assert.Null(await store.TryCreateAsync("2026/12/07/0001/b.ndjson.gz", new byte[] { 1, 2, 3 }, "row-7"));
        Assert.Equal("row-7", await store.TryCreateAsync("2026/12/07/0001/b.ndjson.gz", new byte[] { 9 }, "row-9"));
        Assert.Null(await store.TryCreateAsync("2026/12/07/0001/a.ndjson.gz", new byte[] { 4 }, "t"));
        Assert.Null(await store.TryCreateAsync("2026/12/08/0001/a.ndjson.gz", new byte[] { 5 }, "t"));

        Assert.Equal(new byte[] { 1, 2, 3 }, await store.ReadAsync("2026/12/07/0001/b.ndjson.gz"));
        Assert.Equal(["2026/12/07/0001/a.ndjson.gz", "2026/12/07/0001/b.ndjson.gz"], await store.ListAsync("2026/12/07/").ToListAsync());
        await store.DeleteAsync("2026/12/07/0001/a.ndjson.gz");
        await store.DeleteAsync("2026/12/07/0001/a.ndjson.gz");
        Assert.Null(await store.ReadAsync("2026/12/07/0001/a.ndjson.gz"));
        await container.DeleteAsync();
    }

    private async Task<AzureTableArchiveKeys> KeysAsync()
    {
        var table = new TableClient(azurite.ConnectionString, TableNames.Fresh("keys"));
        await table.CreateAsync();
        return new AzureTableArchiveKeys(table, "svc", partitionCount: 4);
    }
}
