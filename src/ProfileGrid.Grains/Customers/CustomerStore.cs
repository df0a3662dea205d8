using Microsoft.Extensions.Logging;
using ProfileGrid.Storage;

namespace ProfileGrid.Customers;

/// <summary>
/// One customer's state, in memory and in its journal, kept consistent. Calls interleave: each applies its change
/// in memory at once (<see cref="Change{T}"/>), and changes that arrive while a write is in flight are stored
/// together by the next write (<see cref="GroupCommit"/>); every caller is answered after the write that holds its
/// change, and a read waits for the writes in flight when it arrives (<see cref="Settled"/>). A change that fails
/// anywhere between its arrival and its storage (a rule, arithmetic, the storage itself) leaves memory ahead of
/// storage, so the state is marked stale and re-read before the next call (<see cref="Fresh"/>): event ids count as
/// applied only together with the state that holds their effects. An activation does not read its state until it
/// needs to: a new customer costs no read (<see cref="CustomerJournal.Known"/>). Single-threaded like the grain that
/// owns it: call it only from the grain's turns.
/// </summary>
internal sealed partial class CustomerStore
{
    private readonly CustomerJournal _journal;
    private readonly GroupCommit _commit;
    private readonly ILogger _logger;
    private readonly string _customerId;
    private List<CustomerChange> _unstored = [];
    private bool _stale;
    private Task? _reloading;

    /// <param name="journal">The customer's journal.</param>
    /// <param name="write">Stores the changes made so far (taking them with <see cref="TakeChanges"/>) and returns the write's seq.</param>
    /// <param name="logger">Logs failed changes.</param>
    /// <param name="customerId">The customer, for the log.</param>
    /// <param name="loaded">Told after the state was read from storage (to send again what it says was not sent), and
    /// asked for the history types before each change and read: the grain itself, not a delegate, since every
    /// activation holds its store (a closure and its delegate were 96 B of each).</param>
    public CustomerStore(CustomerJournal journal, Func<Task<long>> write, ILogger logger, string customerId, IStateLoaded loaded)
    {
        (_journal, _logger, _customerId, _loaded) = (journal, logger, customerId, loaded);
        _commit = new GroupCommit(write);
    }

    /// <summary>What a store tells its owner once it read the state from storage, and asks it for the history types.</summary>
    public interface IStateLoaded
    {
        void Loaded(CustomerState state);

        /// <summary>The event types whose days the counters keep for a year (<see cref="CustomerState.History"/>), as known now.</summary>
        Counters.HistoryTypes History { get; }
    }

    private readonly IStateLoaded _loaded;

    public CustomerState State { get; private set; } = new();

    /// <summary>Bytes stored now: the snapshot and the entries after it.</summary>
    public int StoredBytes => _journal.StoredBytes;

    /// <summary>Whether a committed change waits for a write or is being written.</summary>
    public bool Writing => _commit.Busy;

    /// <summary>Whether this activation read or wrote the state, so knows what is stored.</summary>
    public bool IsKnown => _journal.Known;

    /// <summary>Applies a change in memory; if it throws, nothing unstored is kept and the state is re-read.</summary>
    public T Change<T>(Func<CustomerState, T> change)
    {
        try
        {
            State.History = _loaded.History;
            return change(State);
        }
        catch (Exception exception)
        {
            Discard(exception);
            _commit.Abandon(exception);
            throw;
        }
    }

    /// <summary>A change already applied in memory (by <see cref="Change{T}"/>) goes with the next write; returns that write's seq.</summary>
    public Task<long> Commit(CustomerChange change)
    {
        _unstored.Add(change);
        return _commit.Commit();
    }

    /// <summary>Applies a change that is its own record (replayed as it is) and stores it with the next write; returns that write's seq.</summary>
    public Task<long> Store(CustomerChange change)
    {
        Change(state =>
        {
            change.ApplyTo(state);
            return true;
        });
        return Commit(change);
    }

    /// <summary>
    /// Applies a change that may wait for the next write rather than cause one: bookkeeping that is safe to lose with
    /// the activation (it is redone when found undone), such as marking a released identifier released. Nothing while
    /// the state waits to be re-read after a failed write: it would go on top of a state that does not hold it.
    /// </summary>
    public void Defer(CustomerChange change)
    {
        if (_stale) return;
        Change(state =>
        {
            change.ApplyTo(state);
            return true;
        });
        _unstored.Add(change);
    }

    /// <summary>Stores what <see cref="Defer"/> left for the next write, if anything (the activation ends).</summary>
    public Task StoreDeferred() => _unstored.Count > 0 && !_stale ? _commit.Commit() : Task.CompletedTask;

    /// <summary>Completes when every change made so far is stored; throws if one of them could not be.</summary>
    public Task Flushed() => _commit.Flushed();

    /// <summary>For the write: the changes made since the last one (the state already holds them).</summary>
    public List<CustomerChange> TakeChanges()
    {
        var changes = _unstored;
        _unstored = [];
        return changes;
    }

    /// <summary>
    /// Encodes one write now (the state goes on changing while it is stored): its entry, or a snapshot; the caller adds
    /// the write's outbox record, if any (<see cref="JournalWrite.Outbox"/>), and stores it with <see cref="WriteAsync"/>.
    /// </summary>
    public JournalWrite Prepare(CustomerEntry entry) => _journal.Prepare(State, entry);

    /// <summary>Stores a prepared write, with its outbox record (the entry as archived, or nothing) in the same atomic step.</summary>
    public Task WriteAsync(JournalWrite write) => _journal.WriteAsync(write);

    /// <summary>
    /// Deletes the customer's row and forgets the state (a merged profile erased with its target), with whatever
    /// <see cref="Defer"/> left for a later write: nothing written after the delete brings the row back.
    /// </summary>
    public async Task DeleteAsync()
    {
        await Flushed();
        _unstored = [];
        await _journal.DeleteAsync();
        State = new CustomerState();
    }

    /// <summary>Forgets every change not stored yet and marks the state to be re-read before the next call.</summary>
    public void Discard(Exception exception)
    {
        _stale = true;
        _unstored = [];
        // A customer stored after all is the expected way an unread activation learns of its history, not a failure.
        if (exception is not AlreadyStoredException) LogChangeFailed(_logger, exception, _customerId);
    }

    /// <summary>Waits for the writes in flight when it is called (whatever their outcome), then for a re-read if one failed or nothing was read yet.</summary>
    public async Task Settled()
    {
        await Stored();
        await Known();
    }

    /// <summary>As <see cref="Fresh"/>, and reads the state first if this activation has not read or written it yet.</summary>
    public async ValueTask Known()
    {
        if (!_journal.Known)
        {
            // A write in flight either stores the state (which is then known) or fails (and it is re-read).
            await Stored();
            if (!_journal.Known) _stale = true;
        }

        await Fresh();
    }

    /// <summary>
    /// Returns when the state holds nothing that failed to be stored. Callers change the state in the same turn as
    /// this returns, with no await between: a write that fails meanwhile would otherwise leave them changing memory
    /// that is about to be re-read.
    /// </summary>
    public async ValueTask Fresh()
    {
        while (_stale)
        {
            if (_reloading is null || _reloading.IsCompleted) _reloading = Reload();
            await _reloading;
        }
    }

    private async Task Stored()
    {
        try
        {
            await _commit.Flushed();
        }
        catch (Exception)
        {
            // Waiting on a write does not fail with it: the caller then finds the state stale and re-read.
        }
    }

    private async Task Reload()
    {
        // A write still in flight would set the ETag after the read and so overwrite its own changes next time.
        while (_commit.Busy) await Stored();
        State = await _journal.ReadAsync(_loaded.History);
        _stale = false;
        _loaded.Loaded(State);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Changing customer {CustomerId} failed; nothing of the change is kept and its state will be re-read")]
    private static partial void LogChangeFailed(ILogger logger, Exception exception, string customerId);
}
