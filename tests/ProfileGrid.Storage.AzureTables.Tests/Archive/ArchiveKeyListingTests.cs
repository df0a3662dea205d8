using Azure.Data.Tables;
using ProfileGrid.Storage.Archive;
using ProfileGrid.Storage.AzureTables.Archive;
using ProfileGrid.Storage.AzureTables.Tests.Infrastructure;

namespace ProfileGrid.Storage.AzureTables.Tests.Archive;

/// <summary>
/// A replay of every customer lists the archive keys partition by partition: the table's listing gives every
/// customer with a key (escaped ids included) with its key, in the partition the journals put it, as the memory keys
/// do, whether or not the partition count asked is the table's; a deleted (erased) key is not listed. Two services
/// sharing the table never see, list or delete each other's keys.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ArchiveKeyListingTests(AzuriteFixture azurite)
{
    private const int Partitions = 4;

    [Theory]
    [InlineData(Partitions)]
    [InlineData(3)]
    public async Task Every_customer_with_a_key_is_listed_once_in_its_partition_with_its_key(int partitionCount)
    {
        var table = new TableClient(azurite.ConnectionString, TableNames.Fresh("keys"));
        await table.CreateAsync();
        var azure = new AzureTableArchiveKeys(table, "service-a", Partitions);
        var other = new AzureTableArchiveKeys(table, "service-b", Partitions);
        var memory = new MemoryArchiveKeys();
        string[] customers = [.. Enumerable.Range(0, 40).Select(i => $"c-{i}"), "anon:a~b", "with#hash", "erased-1"];
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var customer in customers)
        {
            var key = await azure.GetOrCreateAsync(customer, likelyExists: false);
            keys[customer] = key.IdText;
            await memory.GetOrCreateAsync(customer, likelyExists: false);
        }

        // Another service with the same customers, in the same table: keys of its own.
        var others = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var customer in customers) others[customer] = (await other.GetOrCreateAsync(customer, likelyExists: false)).IdText;
        Assert.All(customers, customer => Assert.NotEqual(keys[customer], others[customer]));

        await azure.DeleteAsync("erased-1");
        await memory.DeleteAsync("erased-1");

        var listed = new List<CustomerKey>();
        for (var partition = 0; partition < partitionCount; partition++)
        {
            var fromAzure = new List<CustomerKey>();
            await foreach (var key in azure.ListAsync(partition, partitionCount)) fromAzure.Add(key);
            var fromMemory = new List<string>();
            await foreach (var key in memory.ListAsync(partition, partitionCount)) fromMemory.Add(key.Customer);
            Assert.All(fromAzure, key => Assert.Equal(partition, JournalPartitions.Of(key.Customer, partitionCount)));
            Assert.Equal(fromMemory.Order(StringComparer.Ordinal), fromAzure.Select(key => key.Customer).Order(StringComparer.Ordinal));
            listed.AddRange(fromAzure);
        }

        Assert.Equal(customers.Where(customer => customer != "erased-1").Order(StringComparer.Ordinal), listed.Select(key => key.Customer).Order(StringComparer.Ordinal));
        Assert.All(listed, key => Assert.Equal(keys[key.Customer], key.Key.IdText));

        // The erasure in the first service left the other's key; the other's listing holds its own keys only.
        Assert.Equal(others["erased-1"], (await other.FindAsync("erased-1"))!.IdText);
        var otherListed = new List<CustomerKey>();
        for (var partition = 0; partition < partitionCount; partition++)
        {
            await foreach (var key in other.ListAsync(partition, partitionCount)) otherListed.Add(key);
        }

        Assert.Equal(customers.Order(StringComparer.Ordinal), otherListed.Select(key => key.Customer).Order(StringComparer.Ordinal));
        Assert.All(otherListed, key => Assert.Equal(others[key.Customer], key.Key.IdText));
        await table.DeleteAsync();
    }
}
