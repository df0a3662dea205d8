namespace ProfileGrid.Customers;

/// <summary>
/// Group commit for one grain's state. Changes are applied in memory as calls arrive; the changes made while a write
/// is in flight are stored together by the next write, so concurrent callers share writes instead of each waiting
/// for one of its own. Each caller is answered after the write that holds its change. A write that fails fails its
/// callers and every change made since (memory holds them and storage does not); the grain then re-reads its state.
/// Single-threaded like the grain that owns it: call it only from the grain's turns.
/// </summary>
/// <param name="write">Stores the state as it is now and returns its seq; throws if it could not.</param>
internal sealed class GroupCommit(Func<Task<long>> write)
{
    private Batch? _open;
    private Batch? _writing;

    /// <summary>Whether a change is waiting for a write or being written.</summary>
    public bool Busy => _open is not null || _writing is not null;

    /// <summary>A change was made in memory: completes with the seq of the write that stored it.</summary>
    public Task<long> Commit()
    {
        var batch = _open ??= new Batch();
        if (_writing is null) _ = RunAsync();
        return batch.Stored;
    }

    /// <summary>Completes when every change made so far is stored; throws if one of them could not be.</summary>
    public Task Flushed() => _open?.Stored ?? _writing?.Stored ?? Task.CompletedTask;

    /// <summary>Changes made in memory must not be stored after all (memory is discarded): fails their callers.</summary>
    public void Abandon(Exception reason)
    {
        _open?.Fail(reason);
        _open = null;
    }

    private async Task RunAsync()
    {
        while (_open is { } batch)
        {
            _open = null;
            _writing = batch;
            try
            {
                batch.Succeed(await write());
            }
            catch (Exception exception)
            {
                batch.Fail(exception);
                Abandon(exception);
            }
            finally
            {
                _writing = null;
            }
        }
    }

    private sealed class Batch
    {
        private readonly TaskCompletionSource<long> _stored = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<long> Stored => _stored.Task;

        public void Succeed(long seq) => _stored.SetResult(seq);

        public void Fail(Exception exception) => _stored.SetException(exception);
    }
}
