using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>
/// Group commit for one partition: writes queue here, and whenever no request is in flight, everything queued
/// (within the transaction limits) goes in one entity-group transaction, or as a plain single-row request when it
/// is one write. Writes that arrive meanwhile go in the next request, so batches grow with the load and an idle
/// partition answers a lone write at once, without timers. A request also needs one of the storage's
/// <paramref name="slots"/> (shared by its partitions); what arrives while the partition waits for one joins its
/// request, so a busy table gets fuller transactions rather than more of them.
/// </summary>
internal sealed class PartitionWriter(TableClient table, string partitionKey, SemaphoreSlim slots, JournalMetrics metrics, ILogger logger)
{
    /// <summary>Azure's limit of operations in one transaction.</summary>
    public const int MaxOperations = 100;

    /// <summary>
    /// Payload bytes per transaction: base64 makes 3 MiB of them 4 MiB on the wire, Azure's limit for a
    /// transaction, so 2 MiB leaves room for the encoding, the headers and the other properties. A single
    /// write, at most one row of payload, always fits on its own.
    /// </summary>
    public const int MaxPayloadBytes = 2 * 1024 * 1024;

    private readonly Lock _gate = new();
    private List<TransactionUnit> _queue = [];
    private bool _submitting;

    /// <summary>Whether a request is in flight or a write queued.</summary>
    public bool Busy
    {
        get
        {
            lock (_gate)
            {
                return _submitting;
            }
        }
    }

    /// <summary>Queues <paramref name="unit"/>; the task ends with the row's new ETag once it commits.</summary>
    public Task<ETag> WriteAsync(TransactionUnit unit)
    {
        lock (_gate)
        {
            _queue.Add(unit);
            if (_submitting)
            {
                return unit.Completion;
            }

            _submitting = true;
        }

        // Starts the request right here, so a lone write pays no hand-off; the loop continues off this caller's
        // scheduler (ConfigureAwait(false)), since it serves every grain of the partition.
        _ = SubmitQueuedAsync();
        return unit.Completion;
    }

    private async Task SubmitQueuedAsync()
    {
        while (true)
        {
            await slots.WaitAsync().ConfigureAwait(false);
            try
            {
                if (TakeBatch() is not { Count: > 0 } batch) return;
                var retry = batch.Count == 1 && !batch[0].HasOutbox ? await SubmitAloneAsync(batch[0]).ConfigureAwait(false) : await SubmitAsync(batch).ConfigureAwait(false);
                if (retry.Count > 0)
                {
                    lock (_gate)
                    {
                        _queue.InsertRange(0, retry);
                    }
                }
            }
            finally
            {
                slots.Release();
            }
        }
    }

    // Takes queued units in order while they fit (a batch whose writes carry outbox records keeps an operation and
    // the row's bytes for each channel's outbox row); a unit whose journal is already in the batch waits for the next.
    private List<TransactionUnit> TakeBatch()
    {
        lock (_gate)
        {
            var batch = new List<TransactionUnit>();
            var rest = new List<TransactionUnit>();
            var rows = new HashSet<string>(StringComparer.Ordinal);
            var (payloadBytes, archiveBytes, deliveryBytes) = (0, 0, 0);
            foreach (var unit in _queue)
            {
                var (unitArchive, unitDeliveries) = (PackedSize(unit.Outbox), PackedSize(unit.Deliveries));
                var operations = batch.Count + 1 + (archiveBytes + unitArchive > 0 ? 1 : 0) + (deliveryBytes + unitDeliveries > 0 ? 1 : 0);
                var fits = batch.Count == 0
                    || (operations <= MaxOperations
                        && payloadBytes + archiveBytes + deliveryBytes + unit.PayloadBytes + unitArchive + unitDeliveries <= MaxPayloadBytes
                        && archiveBytes + unitArchive <= OutboxRows.MaxBytes && deliveryBytes + unitDeliveries <= OutboxRows.MaxBytes);
                if (fits && rows.Add(unit.RowKey))
                {
                    batch.Add(unit);
                    payloadBytes += unit.PayloadBytes;
                    archiveBytes += unitArchive;
                    deliveryBytes += unitDeliveries;
                }
                else
                {
                    rest.Add(unit);
                }
            }

            _queue = rest;
            _submitting = batch.Count > 0;
            return batch;
        }

        static int PackedSize(ReadOnlyMemory<byte> record) => record.IsEmpty ? 0 : OutboxRecords.PackedSize(record.Length);
    }

    /// <summary>Sends one write as a plain request: cheaper for the table than a transaction of one.</summary>
    private async Task<List<TransactionUnit>> SubmitAloneAsync(TransactionUnit unit)
    {
        metrics.Submitted(operations: 1);
        try
        {
            var action = unit.Action;
            var response = action.ActionType switch
            {
                TableTransactionActionType.Add => await table.AddEntityAsync(action.Entity).ConfigureAwait(false),
                TableTransactionActionType.Delete => await table.DeleteEntityAsync(action.Entity, action.ETag).ConfigureAwait(false),
                _ => await table.UpdateEntityAsync(action.Entity, action.ETag,
                    action.ActionType == TableTransactionActionType.UpdateMerge ? TableUpdateMode.Merge : TableUpdateMode.Replace).ConfigureAwait(false),
            };
            Settle(unit, response.Headers.ETag);
            metrics.Committed(1);
        }
        catch (RequestFailedException exception) when (exception.IsContention())
        {
            JournalLog.Stale(logger, partitionKey, unit.RowKey, exception.Status, exception.ErrorCode);
            unit.FailAsStale(exception);
        }
        catch (RequestFailedException exception) when (!TableErrors.IsUnavailable(exception))
        {
            // The table answered and refused this write (as it refuses one inside a transaction).
            JournalLog.WriteRefused(logger, exception, partitionKey, unit.RowKey, exception.Status);
            unit.Fail(exception);
        }
        catch (Exception exception)
        {
            JournalLog.RequestFailed(logger, exception, partitionKey, 1);
            unit.Fail(Unavailable(exception, 1));
        }

        return [];
    }

    /// <summary>
    /// Submits <paramref name="batch"/> as a transaction, with one outbox row per channel after the writes holding their
    /// records for it if they carry any (<see cref="OutboxRows"/>: stored exactly when they are), and settles its units;
    /// returns the units to submit again.
    /// </summary>
    private async Task<List<TransactionUnit>> SubmitAsync(List<TransactionUnit> batch)
    {
        try
        {
            // In the try: a batch that cannot even be built fails its writes, never the loop that serves the partition.
            var actions = new List<TableTransactionAction>(batch.Count + 2);
            actions.AddRange(batch.Select(unit => unit.Action));
            foreach (var channel in Enum.GetValues<OutboxChannel>())
            {
                var records = batch.Select(unit => unit.OutboxOf(channel)).Where(record => !record.IsEmpty).ToList();
                if (records.Count > 0) actions.Add(OutboxRows.Add(channel, partitionKey, OutboxRow.NewId(DateTimeOffset.UtcNow, Guid.NewGuid().ToString("N")), records));
            }
            metrics.Submitted(actions.Count);
            var responses = (await table.SubmitTransactionAsync(actions).ConfigureAwait(false)).Value;
            for (var index = 0; index < batch.Count; index++) Settle(batch[index], responses[index].Headers.ETag);
            metrics.Committed(batch.Count);
            return [];
        }
        catch (TableTransactionFailedException exception) when (exception.FailedTransactionActionIndex is { } index && index >= 0 && index < batch.Count)
        {
            // Azure applied nothing and named the operation it refused: only that write fails, the others go again.
            var failed = batch[index];
            if (exception.IsContention())
            {
                JournalLog.Stale(logger, partitionKey, failed.RowKey, exception.Status, exception.ErrorCode);
                failed.FailAsStale(exception);
            }
            else
            {
                JournalLog.WriteRefused(logger, exception, partitionKey, failed.RowKey, exception.Status);
                failed.Fail(exception);
            }

            batch.RemoveAt(index);
            return batch;
        }
        catch (Exception exception)
        {
            // Nothing says which write is at fault, or whether any was applied: every grain reads its journal again.
            JournalLog.RequestFailed(logger, exception, partitionKey, batch.Count);
            var failure = Unavailable(exception, batch.Count);
            foreach (var unit in batch)
            {
                unit.Fail(failure);
            }

            return [];
        }
    }

    private void Settle(TransactionUnit unit, ETag? etag)
    {
        // A deleted row has no ETag left to return.
        if (unit.Action.ActionType == TableTransactionActionType.Delete) unit.Commit(default);
        else if (etag is { } committed) unit.Commit(committed);
        else unit.Fail(new InvalidOperationException($"Table '{table.Name}' committed a journal write but returned no ETag for its row; read the journal again."));
    }

    private Exception Unavailable(Exception exception, int writes) => TableErrors.IsUnavailable(exception)
        ? new StorageUnavailableException($"Table '{table.Name}' did not answer a request of {writes} journal writes; whether it took effect is unknown.", exception)
        : exception;
}
