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
/// Journals on one Azure table. A journal is a head row (the snapshot and the number of entries after it) and one
/// row per entry; every write changes the head row under its ETag, so a write that does not extend the version it
/// names fails whole. Writes to one partition share entity-group transactions (<see cref="PartitionWriter"/>).
/// </summary>
public sealed class AzureTableJournalStorage(
    string name,
    AzureTableJournalStorageOptions options,
    IOptions<ClusterOptions> clusterOptions,
    ILogger<AzureTableJournalStorage> logger) : IJournalStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private const string EntriesProperty = "Entries";

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
        var rows = _keys.For(key);
        TableEntity? head = null;
        var entries = new byte[JournalVersion.MaxEntries][];
        try
        {
            await foreach (var row in Table.QueryAsync<TableEntity>(rows.Filter))
            {
                if (row.RowKey == rows.HeadRowKey)
                {
                    head = row;
                }
                else if (rows.EntryNumber(row.RowKey) is { } number)
                {
                    entries[number - 1] = StatePayload.Read(row) ?? [];
                }
            }
        }
        catch (Exception exception) when (TableErrors.IsUnavailable(exception))
        {
            throw new StorageUnavailableException($"Table '{options.TableName}' did not answer a read of journal '{key}'.", exception);
        }

        if (head is null)
        {
            return JournalRead.Empty;
        }

        var count = head.GetInt32(EntriesProperty) ?? 0;
        if (count is < 0 or > JournalVersion.MaxEntries || entries.Take(count).Any(entry => entry is null))
        {
            throw new CorruptStateException(
                $"Journal '{key}' in table '{options.TableName}' ({rows.PartitionKey}, {rows.HeadRowKey}) counts {count} entries but not all of them are stored; repair or erase it.");
        }

        // Rows past the count cannot outlive the write that dropped them (it deletes them in the same transaction).
        return new JournalRead(new JournalVersion(count, head.ETag.ToString()), StatePayload.Read(head) ?? [], entries[..count]);
    }

    public async Task<JournalVersion> WriteAsync(string key, JournalVersion expected, JournalWrite write)
    {
        var next = expected.After(write, "pending");
        var rows = _keys.For(key);
        var unit = new TransactionUnit(key, expected, Actions(rows, expected, write), write.Payload.Length);
        var etag = await _writers.GetOrAdd(rows.PartitionKey, NewWriter).WriteAsync(unit);
        return next with { Tag = etag.ToString() };
    }

    private static List<TableTransactionAction> Actions(JournalRows rows, JournalVersion expected, JournalWrite write)
    {
        if (write.Kind == JournalWriteKind.Append)
        {
            var number = expected.Entries + 1;
            var head = new TableEntity(rows.PartitionKey, rows.HeadRowKey) { [EntriesProperty] = number };
            return
            [
                new(TableTransactionActionType.UpdateMerge, head, new ETag(expected.Tag!)),
                new(TableTransactionActionType.Add, Payload(new TableEntity(rows.PartitionKey, rows.EntryRowKey(number)), write.Payload)),
            ];
        }

        var snapshot = Payload(new TableEntity(rows.PartitionKey, rows.HeadRowKey) { [EntriesProperty] = 0 }, write.Payload);
        if (!expected.Exists)
        {
            return [new(TableTransactionActionType.Add, snapshot)];
        }

        List<TableTransactionAction> actions = [new(TableTransactionActionType.UpdateReplace, snapshot, new ETag(expected.Tag!))];
        for (var number = 1; number <= expected.Entries; number++)
        {
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(rows.PartitionKey, rows.EntryRowKey(number)), ETag.All));
        }

        return actions;
    }

    private static TableEntity Payload(TableEntity entity, ReadOnlyMemory<byte> payload)
    {
        StatePayload.Write(entity, payload);
        return entity;
    }

    private PartitionWriter NewWriter(string partitionKey) => new(Table, partitionKey, Metrics, logger);
}
