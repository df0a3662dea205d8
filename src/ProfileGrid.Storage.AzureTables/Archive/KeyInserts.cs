using Azure;
using Azure.Data.Tables;

namespace ProfileGrid.Storage.AzureTables.Archive;

/// <summary>
/// Group commit of new archive keys for one partition of the key table: inserts queue here, and whenever no request is
/// in flight everything queued (up to 100, one per customer) goes as one entity-group transaction. A new customer's
/// first write needs its key stored before it is sealed; without this, each new customer cost the table a request of
/// its own (on Azurite, a sixteenth of the journal's requests became as many again as events). An insert that finds
/// the key there (another writer won) fails alone, with the table's 409; the others go again at once.
/// </summary>
internal sealed class KeyInserts(TableClient table)
{
    private const int MaxOperations = 100;
    private readonly Lock _gate = new();
    private List<Insert> _queue = [];
    private bool _submitting;

    public Task Add(TableEntity entity)
    {
        var insert = new Insert(entity);
        lock (_gate)
        {
            _queue.Add(insert);
            if (_submitting) return insert.Completion.Task;
            _submitting = true;
        }

        _ = SubmitQueuedAsync();
        return insert.Completion.Task;
    }

    private async Task SubmitQueuedAsync()
    {
        while (TakeBatch() is { Count: > 0 } batch)
        {
            try
            {
                await table.SubmitTransactionAsync(batch.Select(insert => new TableTransactionAction(TableTransactionActionType.Add, insert.Entity))).ConfigureAwait(false);
                foreach (var insert in batch) insert.Completion.TrySetResult();
            }
            catch (TableTransactionFailedException exception) when (exception.FailedTransactionActionIndex is { } index && index >= 0 && index < batch.Count)
            {
                batch[index].Completion.TrySetException(exception);
                batch.RemoveAt(index);
                lock (_gate)
                {
                    _queue.InsertRange(0, batch);
                }
            }
            catch (Exception exception)
            {
                foreach (var insert in batch) insert.Completion.TrySetException(exception);
            }
        }
    }

    private List<Insert> TakeBatch()
    {
        lock (_gate)
        {
            var batch = new List<Insert>();
            var rest = new List<Insert>();
            var rows = new HashSet<string>(StringComparer.Ordinal);
            foreach (var insert in _queue)
            {
                if (batch.Count < MaxOperations && rows.Add(insert.Entity.RowKey)) batch.Add(insert);
                else rest.Add(insert);
            }

            _queue = rest;
            _submitting = batch.Count > 0;
            return batch;
        }
    }

    private sealed class Insert(TableEntity entity)
    {
        public TableEntity Entity => entity;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
