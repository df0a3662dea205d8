using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Orleans;
using Orleans.Runtime;
using ProfileGrid.Storage.Archive;
using ProfileGrid.Storage.AzureTables.Journals;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Archive;

/// <summary>
/// Archive keys in an Azure table (<see cref="DefaultTableName"/>): a row per customer, partition = the service and a
/// hash bucket of the customer (as the journals' rows: services sharing an account and its tables never share a
/// customer's key, so one service's erasure cannot shred another's archive, nor its replay open another's records),
/// row key = the customer's escaped key, holding its key id and key. Created by an insert that fails if the row exists
/// (the loser of a race reads the winner's), the inserts of a partition sent together (<see cref="KeyInserts"/>);
/// deleted on erasure.
/// </summary>
public sealed class AzureTableArchiveKeys(TableClient table, string serviceId, int partitionCount) : IArchiveKeys, ILifecycleParticipant<ISiloLifecycle>
{
    public const string DefaultTableName = "ProfileGridArchiveKeys";
    private const string KeyProperty = "Key";
    private readonly int _partitionCount = partitionCount;
    private readonly JournalKeys _rows = new(serviceId, partitionCount);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, KeyInserts> _inserts = new(StringComparer.Ordinal);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(AzureTableArchiveKeys), ServiceLifecycleStage.ApplicationServices, async cancellationToken => await table.CreateIfNotExistsAsync(cancellationToken));

    public async Task<ArchiveKey> GetOrCreateAsync(string customer, bool likelyExists, CancellationToken cancellationToken = default)
    {
        if (likelyExists && await FindAsync(customer, cancellationToken) is { } found) return found;
        var key = ArchiveKey.New();
        var (partitionKey, rowKey) = Row(customer);
        try
        {
            var inserts = _inserts.GetOrAdd(partitionKey, _ => new KeyInserts(table));
            await Unavailable(async () =>
            {
                await inserts.Add(new TableEntity(partitionKey, rowKey) { [KeyProperty] = key.ToBytes() });
                return true;
            });
            return key;
        }
        catch (RequestFailedException exception) when (exception.Status == TableErrors.Conflict)
        {
            return await FindAsync(customer, cancellationToken)
                ?? throw new StorageUnavailableException($"The archive key of a customer was there when created and gone when read (erased meanwhile); try again.");
        }
    }

    public async Task<ArchiveKey?> FindAsync(string customer, CancellationToken cancellationToken = default)
    {
        var (partitionKey, rowKey) = Row(customer);
        var response = await Unavailable(() => table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, [KeyProperty], cancellationToken));
        return response.HasValue && response.Value!.GetBinary(KeyProperty) is { } bytes ? new ArchiveKey(bytes) : null;
    }

    public async Task DeleteAsync(string customer, CancellationToken cancellationToken = default)
    {
        var (partitionKey, rowKey) = Row(customer);
        await Unavailable(() => table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken));
    }

    /// <summary>
    /// One partition of the table when it is spread as asked (the journals' partition count), else the whole table,
    /// filtered.
    /// </summary>
    public async IAsyncEnumerable<CustomerKey> ListAsync(int partition, int partitionCount, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (from, to) = _rows.ServicePartitions;
        var filter = partitionCount == _partitionCount
            ? TableClient.CreateQueryFilter($"PartitionKey eq {_rows.PartitionKey(partition)}")
            : TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {to}");
        await using var rows = table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey", KeyProperty], cancellationToken: cancellationToken).AsPages().GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            Page<TableEntity> page;
            try
            {
                if (!await rows.MoveNextAsync()) yield break;
                page = rows.Current;
            }
            catch (Exception exception) when (TableErrors.IsUnavailable(exception))
            {
                throw new StorageUnavailableException($"Table '{table.Name}' did not answer a listing of archive keys.", exception);
            }

            foreach (var row in page.Values)
            {
                if (TableKey.TryUnescapePrefix(row.RowKey, suffixChars: 0, out var customer) && JournalPartitions.Of(customer, partitionCount) == partition
                    && row.GetBinary(KeyProperty) is { } bytes)
                {
                    yield return new CustomerKey(customer, new ArchiveKey(bytes));
                }
            }
        }
    }

    private (string PartitionKey, string RowKey) Row(string customer)
    {
        var row = _rows.For(customer);
        return (row.PartitionKey, row.RowKey);
    }

    private async Task<T> Unavailable<T>(Func<Task<T>> request)
    {
        try
        {
            return await request();
        }
        catch (Exception exception) when (TableErrors.IsUnavailable(exception))
        {
            throw new StorageUnavailableException($"Table '{table.Name}' did not answer a request for an archive key.", exception);
        }
    }
}
