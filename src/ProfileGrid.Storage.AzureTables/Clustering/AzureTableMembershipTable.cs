using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Clustering;

/// <summary>
/// Cluster membership in one Azure table: a partition per cluster holding a row per silo and a version row.
/// Every membership change is one entity-group transaction with a conditional update of the version row.
/// </summary>
public sealed class AzureTableMembershipTable(
    IOptions<ClusterOptions> clusterOptions,
    IOptions<AzureTableClusteringOptions> options,
    ILogger<AzureTableMembershipTable> logger) : IMembershipTable
{
    private const int MaxBatchSize = 100;
    private readonly string _partitionKey = TableKey.Sanitize(clusterOptions.Value.ClusterId);
    private TableClient? _table;

    private TableClient Table =>
        _table ?? throw new InvalidOperationException("The membership table is used before InitializeMembershipTable.");

#pragma warning disable CS0618 // 10.4.2 marks these members obsolete yet abstract; the *Async defaults call them.
    public async Task InitializeMembershipTable(bool tryInitTableVersion)
    {
        var client = TableClientFactory.Create(options.Value);
        await client.CreateIfNotExistsAsync();
        _table = client;
        if (tryInitTableVersion)
        {
            try
            {
                await client.AddEntityAsync(MembershipRow.Version(_partitionKey, 0));
            }
            catch (RequestFailedException exception) when (exception.Status == TableErrors.Conflict)
            {
                // Another silo created it first.
            }
        }

        MembershipLog.Initialized(logger, options.Value.TableName, clusterOptions.Value.ClusterId);
    }

    public async Task DeleteMembershipTableEntries(string clusterId)
    {
        var client = _table ?? TableClientFactory.Create(options.Value);
        var partition = TableKey.Sanitize(clusterId);
        var rows = new List<TableEntity>();
        try
        {
            await foreach (var entity in client.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["RowKey"]))
            {
                rows.Add(entity);
            }
        }
        catch (RequestFailedException exception) when (exception.Status == TableErrors.NotFound)
        {
            return;
        }

        foreach (var batch in rows.Chunk(MaxBatchSize))
        {
            await client.SubmitTransactionAsync(batch.Select(row =>
                new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, row.RowKey), ETag.All)));
        }

        MembershipLog.ClusterDeleted(logger, rows.Count, clusterId);
    }

    public async Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate)
    {
        var snapshot = await ReadAll();
        var defunct = snapshot.Members
            .Where(member => member.Item1.Status != SiloStatus.Active && member.Item1.IAmAliveTime < beforeDate.UtcDateTime)
            .ToList();
        var deleted = 0;
        foreach (var (entry, etag) in defunct)
        {
            try
            {
                // If-Match: a silo row that changed since the read is not defunct any more.
                await Table.DeleteEntityAsync(_partitionKey, MembershipRow.RowKey(entry.SiloAddress), new ETag(etag));
                deleted++;
            }
            catch (RequestFailedException exception) when (exception.IsContention())
            {
                MembershipLog.Contention(logger, "cleanup", entry, snapshot.Version, exception.Status);
            }
        }

        MembershipLog.DefunctDeleted(logger, deleted, clusterOptions.Value.ClusterId, beforeDate);
    }

    public Task<MembershipTableData> ReadRow(SiloAddress key) =>
        MembershipSnapshot.ReadAsync(
            Table,
            TableClient.CreateQueryFilter($"PartitionKey eq {_partitionKey} and (RowKey eq {MembershipRow.RowKey(key)} or RowKey eq {MembershipRow.VersionRowKey})"),
            logger);

    public Task<MembershipTableData> ReadAll() =>
        MembershipSnapshot.ReadAsync(Table, TableClient.CreateQueryFilter($"PartitionKey eq {_partitionKey}"), logger);

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) =>
        TrySubmitAsync(
            "insert",
            entry,
            tableVersion,
            new TableTransactionAction(TableTransactionActionType.Add, MembershipRow.ToEntity(_partitionKey, entry)));

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) =>
        TrySubmitAsync(
            "update",
            entry,
            tableVersion,
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, MembershipRow.ToEntity(_partitionKey, entry), new ETag(etag)));

    public async Task UpdateIAmAlive(MembershipEntry entry) =>
        await Table.UpdateEntityAsync(MembershipRow.IAmAlive(_partitionKey, entry), ETag.All, TableUpdateMode.Merge);
#pragma warning restore CS0618

    private async Task<bool> TrySubmitAsync(string operation, MembershipEntry entry, TableVersion tableVersion, TableTransactionAction siloChange)
    {
        var version = MembershipRow.Version(_partitionKey, tableVersion.Version);
        var versionChange = string.IsNullOrEmpty(tableVersion.VersionEtag)
            ? new TableTransactionAction(TableTransactionActionType.Add, version)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, version, new ETag(tableVersion.VersionEtag));
        try
        {
            await Table.SubmitTransactionAsync([siloChange, versionChange]);
            return true;
        }
        catch (RequestFailedException exception) when (exception.IsContention())
        {
            MembershipLog.Contention(logger, operation, entry, tableVersion, exception.Status);
            return false;
        }
    }
}
