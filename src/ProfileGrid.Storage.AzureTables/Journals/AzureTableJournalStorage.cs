using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using ProfileGrid.Storage.AzureTables.Storage;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>
/// Journals on one Azure table, a row each (<see cref="JournalRow"/>): every write is one operation on that row under
/// its ETag, so a write that does not extend the version it names fails, and a read is one point read. Writes to
/// one partition share entity-group transactions (<see cref="PartitionWriter"/>); a lone write goes as a plain request.
/// </summary>
public sealed class AzureTableJournalStorage(
    string name,
    AzureTableJournalStorageOptions options,
    IOptions<ClusterOptions> clusterOptions,
    ILogger<AzureTableJournalStorage> logger) : IJournalStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly JournalKeys _keys = new(clusterOptions.Value.ServiceId, options.PartitionCount);
    private readonly ConcurrentDictionary<string, PartitionWriter> _writers = new(StringComparer.Ordinal);
    private TableClient? _table;

    internal JournalMetrics Metrics { get; } = new(name);

    private TableClient Table =>
        _table ?? throw new InvalidOperationException($"Journal storage '{name}' was used before the silo initialized it.");

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe($"{nameof(AzureTableJournalStorage)}-{name}", options.InitStage, InitializeAsync);

    internal async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var client = TableClientFactory.Create(options);
        await client.CreateIfNotExistsAsync(cancellationToken);
        _table = client;
        JournalLog.Initialized(logger, name, options.TableName, options.PartitionCount);
    }

    public async Task<JournalRead> ReadAsync(string key)
    {
        var row = _keys.For(key);
        NullableResponse<TableEntity> response;
        try
        {
            response = await Table.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey);
        }
        catch (Exception exception) when (TableErrors.IsUnavailable(exception))
        {
            throw new StorageUnavailableException($"Table '{options.TableName}' did not answer a read of journal '{key}'.", exception);
        }

        if (!response.HasValue) return JournalRead.Empty;
        var entity = response.Value!;
        var count = entity.GetInt32(JournalRow.EntriesProperty) ?? 0;
        var entries = new byte[Math.Clamp(count, 0, JournalVersion.MaxEntries)][];
        for (var number = 1; number <= entries.Length; number++)
        {
            entries[number - 1] = StatePayload.Read(entity, JournalRow.EntryProperty(number))!;
        }

        if (count is < 0 or > JournalVersion.MaxEntries || entries.Any(entry => entry is null))
        {
            throw new CorruptStateException(
                $"Journal '{key}' in table '{options.TableName}' ({row.PartitionKey}, {row.RowKey}) counts {count} entries but not all of them are stored; repair or erase it.");
        }

        var version = new JournalVersion(count, entries.Sum(entry => entry.Length), entity.ETag.ToString());
        return new JournalRead(version, StatePayload.Read(entity) ?? [], entries);
    }

    public async Task<JournalVersion> WriteAsync(string key, JournalVersion expected, JournalWrite write)
    {
        var next = expected.After(write, "pending");
        var row = _keys.For(key);
        var unit = new TransactionUnit(key, expected, Action(row, expected, write), write.Payload.Length);
        var etag = await _writers.GetOrAdd(row.PartitionKey, NewWriter).WriteAsync(unit);
        return next with { Tag = etag.ToString() };
    }

    /// <summary>
    /// One operation on the journal's row: an append merges the new entry and count into it (the rest of the row
    /// stays as it is), a snapshot replaces the whole row (dropping the entries), a first snapshot adds it.
    /// </summary>
    private static TableTransactionAction Action(JournalRow row, JournalVersion expected, JournalWrite write)
    {
        var entity = new TableEntity(row.PartitionKey, row.RowKey);
        if (write.Kind == JournalWriteKind.Append)
        {
            var number = expected.Entries + 1;
            entity[JournalRow.EntriesProperty] = number;
            StatePayload.Write(entity, write.Payload, JournalRow.EntryProperty(number));
            return new(TableTransactionActionType.UpdateMerge, entity, new ETag(expected.Tag!));
        }

        entity[JournalRow.EntriesProperty] = 0;
        StatePayload.Write(entity, write.Payload);
        return expected.Exists
            ? new(TableTransactionActionType.UpdateReplace, entity, new ETag(expected.Tag!))
            : new(TableTransactionActionType.Add, entity);
    }

    private PartitionWriter NewWriter(string partitionKey) => new(Table, partitionKey, Metrics, logger);
}
