using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using ProfileGrid.Storage.AzureTables.Tables;

namespace ProfileGrid.Storage.AzureTables.Journals;

/// <summary>
/// Group commit for one partition: writes queue here, and whenever no transaction is in flight, everything queued
/// (within the transaction limits) goes in one entity-group transaction. Writes that arrive meanwhile go in the
/// next one, so the batch grows with the load and an idle partition answers a lone write at once, without timers.
/// </summary>
internal sealed class PartitionWriter(TableClient table, string partitionKey, JournalMetrics metrics, ILogger logger)
{
    /// <summary>Azure's limit of operations in one transaction.</summary>
    public const int MaxOperations = 100;

    /// <summary>
    /// Payload bytes per transaction: base64 makes 3 MiB of them 4 MiB on the wire, Azure's limit for a
    /// transaction, so 2 MiB leaves room for the encoding, the headers and the other properties. A single
    /// write, at most one row of payload (960 KiB), always fits on its own.
    /// </summary>
    public const int MaxPayloadBytes = 2 * 1024 * 1024;

    private readonly Lock _gate = new();
    private List<TransactionUnit> _queue = [];
    private bool _submitting;

    /// <summary>Queues <paramref name="unit"/>; the task ends with the head row's new ETag once it commits.</summary>
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

        // Starts the transaction right here, so a lone write pays no hand-off; the loop continues off this caller's
        // scheduler (ConfigureAwait(false)), since it serves every grain of the partition.
        _ = SubmitQueuedAsync();
        return unit.Completion;
    }

    private async Task SubmitQueuedAsync()
    {
        while (TakeBatch() is { Count: > 0 } batch)
        {
            var retry = await SubmitAsync(batch).ConfigureAwait(false);
            if (retry.Count > 0)
            {
                lock (_gate)
                {
                    _queue.InsertRange(0, retry);
                }
            }
        }
    }

    // Takes queued units in order while they fit; a unit whose journal is already in the batch waits for the next.
    private List<TransactionUnit> TakeBatch()
    {
        lock (_gate)
        {
            var batch = new List<TransactionUnit>();
            var rest = new List<TransactionUnit>();
            var heads = new HashSet<string>(StringComparer.Ordinal);
            int operations = 0, payloadBytes = 0;
            foreach (var unit in _queue)
            {
                var fits = batch.Count == 0
                    || (operations + unit.Actions.Count <= MaxOperations && payloadBytes + unit.PayloadBytes <= MaxPayloadBytes);
                if (fits && heads.Add(unit.HeadRowKey))
                {
                    batch.Add(unit);
                    operations += unit.Actions.Count;
                    payloadBytes += unit.PayloadBytes;
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
    }

    /// <summary>Submits <paramref name="batch"/> and settles its units; returns the units to submit again.</summary>
    private async Task<List<TransactionUnit>> SubmitAsync(List<TransactionUnit> batch)
    {
        var actions = batch.SelectMany(unit => unit.Actions).ToList();
        metrics.Submitted(actions.Count);
        try
        {
            var responses = (await table.SubmitTransactionAsync(actions).ConfigureAwait(false)).Value;
            var index = 0;
            foreach (var unit in batch)
            {
                if (responses[index].Headers.ETag is { } etag)
                {
                    unit.Commit(etag);
                }
                else
                {
                    unit.Fail(new InvalidOperationException($"Table '{table.Name}' committed a journal write but returned no ETag for its head row; read the journal again."));
                }

                index += unit.Actions.Count;
            }

            metrics.Committed(batch.Count);
            return [];
        }
        catch (TableTransactionFailedException exception) when (UnitAt(batch, exception.FailedTransactionActionIndex) is { } failed)
        {
            // Azure applied nothing and named the operation it refused: only that operation's write fails.
            if (exception.IsContention())
            {
                JournalLog.Stale(logger, partitionKey, failed.HeadRowKey, exception.Status, exception.ErrorCode);
                failed.FailAsStale(exception);
            }
            else
            {
                JournalLog.WriteRefused(logger, exception, partitionKey, failed.HeadRowKey, exception.Status);
                failed.Fail(exception);
            }

            batch.Remove(failed);
            return batch;
        }
        catch (Exception exception)
        {
            // Nothing says which write is at fault, or whether any was applied: every grain reads its journal again.
            JournalLog.TransactionFailed(logger, exception, partitionKey, batch.Count, actions.Count);
            var failure = TableErrors.IsUnavailable(exception)
                ? new StorageUnavailableException($"Table '{table.Name}' did not answer a transaction of {batch.Count} journal writes; whether it took effect is unknown.", exception)
                : exception;
            foreach (var unit in batch)
            {
                unit.Fail(failure);
            }

            return [];
        }
    }

    private static TransactionUnit? UnitAt(List<TransactionUnit> batch, int? actionIndex)
    {
        if (actionIndex is not { } index || index < 0)
        {
            return null;
        }

        foreach (var unit in batch)
        {
            if (index < unit.Actions.Count)
            {
                return unit;
            }

            index -= unit.Actions.Count;
        }

        return null;
    }
}
