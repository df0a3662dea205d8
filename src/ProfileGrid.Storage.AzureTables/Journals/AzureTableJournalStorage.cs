using System.Globalization;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>
/// Journals on one Azure table, a row each (<see cref="JournalRow"/>): every write is one operation on that row under
/// its ETag, so a write that does not extend the version it names fails, and a read is one point read. Writes to
/// one partition share entity-group transactions (<see cref="PartitionWriter"/>); a lone write goes as a plain request.
/// At most <see cref="AzureTableJournalStorageOptions.MaxConcurrentRequests"/> requests are in flight at once.
/// </summary>
[SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The request slots never create a wait handle, so there is nothing to free; disposing them could make a request still in flight at shutdown throw when it gives its slot back.")]
public sealed class AzureTableJournalStorage(
    string name,
    AzureTableJournalStorageOptions options,
    IOptions<ClusterOptions> clusterOptions,
    ILogger<AzureTableJournalStorage> logger) : IJournalStorage, IJournalOutbox, IJournalOutboxChannels, ILifecycleParticipant<ISiloLifecycle>
{
    private IJournalOutbox? _deliveries;
    private readonly JournalKeys _keys = new(clusterOptions.Value.ServiceId, options.PartitionCount);
    private readonly ConcurrentDictionary<string, PartitionWriter> _writers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _requestSlots = new(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
    private TableClient? _table;

    internal JournalMetrics Metrics { get; } = new(name);

    /// <summary>
    /// Whether no partition has a request in flight or a write queued. A write's task ends before its partition's
    /// loop looks for more, so a write queued right after may still join that loop's next request.
    /// </summary>
    internal bool Idle => _writers.Values.All(writer => !writer.Busy);

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
        if (write.Kind == JournalWriteKind.Delete && !expected.Exists) return JournalVersion.None;
        var next = expected.After(write, "pending");
        var row = _keys.For(key);
        var unit = new TransactionUnit(key, expected, Action(row, expected, write), write.Payload.Length,
            write.Kind == JournalWriteKind.Delete ? default : write.Outbox, write.Kind == JournalWriteKind.Delete ? default : write.Deliveries);
        var etag = await _writers.GetOrAdd(row.PartitionKey, NewWriter).WriteAsync(unit);
        return write.Kind == JournalWriteKind.Delete ? JournalVersion.None : next with { Tag = etag.ToString() };
    }

    /// <summary>
    /// One query over this service's partitions, rows in (partition, row key) order; the continuation is the table's.
    /// A row key is the journal key with its escapes (<see cref="TableKey.SanitizePrefix"/>), undone here. A key whose
    /// escaped form exceeds <see cref="TableKey.MaxWholeBytes"/> bytes (955: keys of up to 159 characters always fit,
    /// customer keys far more so) may have been stored under a shortened row key that cannot give the key back:
    /// listing such a row throws <see cref="CorruptStateException"/> rather than leave the journal out unseen.
    /// </summary>
    public Task<JournalKeyPage> ListKeysAsync(string? continuation, int pageSize, CancellationToken cancellationToken = default)
    {
        var first = _keys.PartitionKey(0);
        var last = _keys.PartitionKey(options.PartitionCount - 1);
        return ListAsync(TableClient.CreateQueryFilter($"PartitionKey ge {first} and PartitionKey le {last}"), prefix: "", continuation, pageSize, cancellationToken);
    }

    /// <summary>
    /// The row keys from the prefix's escaped form up to the next string after every string that starts with it (the
    /// escapes go character by character, <see cref="TableKey.SanitizePrefix"/>, so a key starts with the prefix
    /// exactly when its row key starts with the escaped prefix), one partition at a time: a query that names its
    /// partition and a row-key range reads that range, where one over a range of partitions would read them whole. The
    /// continuation is the partition's number and the table's continuation within it.
    /// </summary>
    public async Task<JournalKeyPage> ListKeysStartingWithAsync(string prefix, string? continuation, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        // Never shortened when escaped, so its row keys start with its escaped form.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefix.Length, TableKey.MaxWholeBytes(suffixChars: 0) / 6);
        var from = TableKey.SanitizePrefix(prefix, suffixChars: 0);
        var to = After(from);
        var (partition, token) = PartitionContinuation(continuation);
        for (; partition < options.PartitionCount; partition++, token = null)
        {
            var partitionKey = _keys.PartitionKey(partition);
            var filter = to is null
                ? TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {from}")
                : TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {from} and RowKey lt {to}");
            var page = await ListAsync(filter, prefix, token, pageSize, cancellationToken);
            if (page.Continuation is not null) return new JournalKeyPage(page.Keys, $"{partition}|{page.Continuation}");
            // A partition without such keys is passed over at once, not answered as an empty page.
            if (page.Keys.Count > 0) return new JournalKeyPage(page.Keys, partition + 1 < options.PartitionCount ? $"{partition + 1}|" : null);
        }

        return new JournalKeyPage([], null);
    }

    private static (int Partition, string? Token) PartitionContinuation(string? continuation)
    {
        if (continuation is null) return (0, null);
        var bar = continuation.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && int.TryParse(continuation.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            ? (partition, bar + 1 < continuation.Length ? continuation[(bar + 1)..] : null)
            : throw new ArgumentException($"'{continuation}' is not a continuation of a listing by prefix.", nameof(continuation));
    }

    /// <summary>
    /// A string after every string that starts with <paramref name="prefix"/>: the prefix up to its last ASCII
    /// character, that character one higher (ASCII compares the same as UTF-16 and as UTF-8, whichever the service
    /// uses; what lies between is filtered out after the query). Null when there is no ASCII character to raise.
    /// </summary>
    private static string? After(string prefix)
    {
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] < 0x7F) return string.Concat(prefix.AsSpan(0, i), ((char)(prefix[i] + 1)).ToString());
        }

        return null;
    }

    private async Task<JournalKeyPage> ListAsync(string filter, string prefix, string? continuation, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, JournalKeyPage.MaxSize);
        var query = Table.QueryAsync<TableEntity>(
            filter,
            pageSize,
            [nameof(TableEntity.PartitionKey), nameof(TableEntity.RowKey)],
            cancellationToken);
        try
        {
            await foreach (var page in query.AsPages(continuation, pageSize))
            {
                // The outbox rows next to the journals are not journals (a back-fill over a table with rows waiting in its
                // outbox once failed here, reading one as a key that does not unescape).
                var keys = page.Values.Where(row => !OutboxRows.IsOutboxRow(row.RowKey)).Select(KeyOf);
                return new JournalKeyPage(keys.Where(key => key.StartsWith(prefix, StringComparison.Ordinal)).ToList(), page.ContinuationToken);
            }
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && TableErrors.IsUnavailable(exception))
        {
            throw new StorageUnavailableException($"Table '{options.TableName}' did not answer a listing of journal keys.", exception);
        }

        return new JournalKeyPage([], null);
    }

    private string KeyOf(TableEntity row) =>
        TableKey.TryUnescapePrefix(row.RowKey, suffixChars: 0, out var key)
            ? key
            : throw new CorruptStateException(
                $"Row ({row.PartitionKey}, {row.RowKey}) in table '{options.TableName}' does not give back its journal key: a key past "
                + $"{TableKey.MaxWholeBytes(0)} bytes escaped is shortened, or the row was not written by this storage; move or erase it to list the journals.");

    /// <summary>
    /// One operation on the journal's row: an append merges the new entry and count into it (the rest of the row
    /// stays as it is), a snapshot replaces the whole row (dropping the entries), a first snapshot adds it, a delete
    /// removes it; all but the first under the row's ETag.
    /// </summary>
    private static TableTransactionAction Action(JournalRow row, JournalVersion expected, JournalWrite write)
    {
        var entity = new TableEntity(row.PartitionKey, row.RowKey);
        if (write.Kind == JournalWriteKind.Delete) return new(TableTransactionActionType.Delete, entity, new ETag(expected.Tag!));
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

    public int PartitionCount => options.PartitionCount;

    public int PartitionOf(string key) => _keys.Bucket(key);

    /// <summary>The outbox of <paramref name="channel"/>: this storage itself for the archive's.</summary>
    public IJournalOutbox Outbox(OutboxChannel channel) =>
        channel == OutboxChannel.Archive ? this : _deliveries ??= new ChannelOutbox(this, channel);

    /// <summary>The archive's outbox: one query of the partition's outbox row range, which table order gives oldest first.</summary>
    public Task<IReadOnlyList<OutboxRow>> ReadOldestAsync(int partition, int max, CancellationToken cancellationToken = default) =>
        ReadOldestAsync(OutboxChannel.Archive, partition, max, cancellationToken);

    /// <summary>Deletes rows of the archive's outbox.</summary>
    public Task DeleteAsync(int partition, IReadOnlyList<OutboxRow> rows, CancellationToken cancellationToken = default) =>
        DeleteAsync(OutboxChannel.Archive, partition, rows, cancellationToken);

    /// <summary>One query of the partition's row range of <paramref name="channel"/> (<see cref="OutboxRow"/>), which table order gives oldest first.</summary>
    private async Task<IReadOnlyList<OutboxRow>> ReadOldestAsync(OutboxChannel channel, int partition, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var partitionKey = _keys.PartitionKey(partition);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {OutboxRows.First(channel)} and RowKey lt {OutboxRows.Last(channel)}");
        var rows = new List<OutboxRow>();
        try
        {
            await foreach (var page in Table.QueryAsync<TableEntity>(filter, Math.Min(max, 1000), cancellationToken: cancellationToken).AsPages(pageSizeHint: Math.Min(max, 1000)))
            {
                rows.AddRange(page.Values.Select(entity => OutboxRows.Read(channel, entity)));
                if (rows.Count >= max || page.ContinuationToken is null) break;
            }
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && TableErrors.IsUnavailable(exception))
        {
            throw new StorageUnavailableException($"Table '{options.TableName}' did not answer a read of outbox partition {partition}.", exception);
        }

        return rows.Count > max ? rows.GetRange(0, max) : rows;
    }

    /// <summary>Deletes by transactions of up to 100 rows; one that finds a row gone (another reader deleted it) goes again row by row.</summary>
    private async Task DeleteAsync(OutboxChannel channel, int partition, IReadOnlyList<OutboxRow> rows, CancellationToken cancellationToken)
    {
        var partitionKey = _keys.PartitionKey(partition);
        foreach (var chunk in rows.Chunk(PartitionWriter.MaxOperations))
        {
            try
            {
                await Table.SubmitTransactionAsync(
                    chunk.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, OutboxRows.RowKey(channel, row.Id)), ETag.All)),
                    cancellationToken);
            }
            catch (TableTransactionFailedException exception) when (exception.Status == 404)
            {
                foreach (var row in chunk) await Table.DeleteEntityAsync(partitionKey, OutboxRows.RowKey(channel, row.Id), ETag.All, cancellationToken);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested && TableErrors.IsUnavailable(exception))
            {
                throw new StorageUnavailableException($"Table '{options.TableName}' did not answer a delete of outbox rows in partition {partition}.", exception);
            }
        }
    }

    private PartitionWriter NewWriter(string partitionKey) => new(Table, partitionKey, _requestSlots, Metrics, logger);

    /// <summary>The outbox of a channel other than the archive's.</summary>
    private sealed class ChannelOutbox(AzureTableJournalStorage storage, OutboxChannel channel) : IJournalOutbox
    {
        public int PartitionCount => storage.PartitionCount;

        public int PartitionOf(string key) => storage.PartitionOf(key);

        public Task<IReadOnlyList<OutboxRow>> ReadOldestAsync(int partition, int max, CancellationToken cancellationToken = default) =>
            storage.ReadOldestAsync(channel, partition, max, cancellationToken);

        public Task DeleteAsync(int partition, IReadOnlyList<OutboxRow> rows, CancellationToken cancellationToken = default) =>
            storage.DeleteAsync(channel, partition, rows, cancellationToken);
    }
}
