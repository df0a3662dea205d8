using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using ProfileGrid.Archive;
using ProfileGrid.Customers;
using ProfileGrid.Storage.Archive;
using ProfileGrid.Storage.AzureTables.Archive;
using ProfileGrid.Storage.AzureTables.Journals;

namespace ProfileGrid.Cluster.Tests.Infrastructure;

/// <summary>
/// A cluster's archive on Azurite, read as a replay reads it and with the product's own code: the customers' keys from
/// the key table (<see cref="AzureTableArchiveKeys"/>), every blob of the container (<see cref="AzureBlobArchiveStore"/>,
/// <see cref="ArchiveBlobs"/>), and each record of a key asked for opened into the journal entry it seals
/// (<see cref="CustomerArchiving.Open"/>).
/// </summary>
/// <param name="serviceId">The cluster's service id (its keys are the service's).</param>
/// <param name="partitions">The journal partition count of the cluster (<c>ProfileGrid:Storage:PartitionCount</c>).</param>
internal sealed class ArchiveReader(string connectionString, string serviceId, int partitions = AzureTableJournalStorageOptions.DefaultPartitionCount)
{
    private readonly AzureTableArchiveKeys _keys = new(new TableClient(connectionString, AzureTableArchiveKeys.DefaultTableName), serviceId, partitions);

    /// <summary>Waits until no outbox row is left in the journal table: every write stored so far is in a blob.</summary>
    public async Task WaitUntilCaughtUpAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        var journals = new TableClient(connectionString, "ProfileGridJournals");
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            // Outbox row keys sort after "!outbox!" and before "!outbox\"" (OutboxRows), apart from the journals' keys.
            var waiting = 0;
            await foreach (var _ in journals.QueryAsync<TableEntity>(row => row.RowKey.CompareTo("!outbox!") >= 0 && row.RowKey.CompareTo("!outbox\"") < 0,
                select: ["RowKey"], cancellationToken: cancellationToken)) waiting++;
            if (waiting == 0) return;
            Assert.True(DateTime.UtcNow < deadline, $"The archive did not catch up within {patience.TotalSeconds:0} s: {waiting} outbox rows waiting.");
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>Every customer that has an archive key, with its key.</summary>
    public async Task<Dictionary<string, ArchiveKey>> KeysAsync(CancellationToken cancellationToken)
    {
        var keys = new Dictionary<string, ArchiveKey>(StringComparer.Ordinal);
        for (var partition = 0; partition < partitions; partition++)
        {
            await foreach (var key in _keys.ListAsync(partition, partitions, cancellationToken)) keys.Add(key.Customer, key.Key);
        }

        return keys;
    }

    /// <summary>
    /// The archived entries of each of <paramref name="customers"/>, in no particular order (an entry archived twice is
    /// there twice); a customer without a key has none. The blobs are read eight at a time.
    /// </summary>
    public async Task<Dictionary<string, List<CustomerEntry>>> EntriesAsync(IEnumerable<string> customers, CancellationToken cancellationToken)
    {
        var keys = await KeysAsync(cancellationToken);
        var entries = customers.ToDictionary(customer => customer, _ => new List<CustomerEntry>(), StringComparer.Ordinal);
        var byKeyId = entries.Keys.Where(keys.ContainsKey).ToDictionary(customer => keys[customer].IdText, customer => (Customer: customer, Key: keys[customer]), StringComparer.Ordinal);
        var archiving = new CustomerArchiving(_keys, Serializer, Options.Create(new ArchiveOptions()));
        var store = new AzureBlobArchiveStore(new Azure.Storage.Blobs.BlobContainerClient(connectionString, ArchiveOptions.DefaultContainerName));
        var names = new List<string>();
        await foreach (var name in store.ListAsync("", cancellationToken)) names.Add(name);
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (name, token) =>
        {
            foreach (var record in ArchiveBlobs.Read(await store.ReadAsync(name, token) ?? []))
            {
                if (!byKeyId.TryGetValue(record.KeyId, out var owner)) continue;
                var entry = archiving.Open(owner.Key, record);
                lock (entries) entries[owner.Customer].Add(entry);
            }
        });

        return entries;
    }

    private static Serializer Serializer { get; } = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(CustomerState).Assembly).AddAssembly(typeof(Events.CustomerEvent).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();
}
