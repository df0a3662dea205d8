using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Serialization;
using ProfileGrid.Events;
using ProfileGrid.Segments;
using ProfileGrid.Storage;

namespace ProfileGrid.Customers;

/// <summary>
/// Owns one customer's profile and counters. Calls interleave: each applies its change in memory at once, and
/// changes that arrive while a write is in flight are stored together by the next write (<see cref="GroupCommit"/>);
/// every caller is answered after the write that holds its change, pushes show exactly what a write stored, and a
/// read waits for the writes in flight when it arrives. A change that fails anywhere between its arrival and its
/// storage (a rule, arithmetic, the storage itself) leaves memory ahead of storage, so the state is re-read before the
/// next call: event ids count as applied only together with the state that holds their effects. Storage is a journal
/// (<see cref="CustomerJournal"/>): a write carries the changes since the previous one, not the customer's history.
/// </summary>
[Reentrant]
public sealed partial class CustomerGrain : Grain, ICustomerGrain, ICustomerMergeSource
{
    private readonly CustomerJournal _journal;
    private readonly TimeProvider _clock;
    private readonly ILogger<CustomerGrain> _logger;
    private readonly Watchers _watchers = new(TimeProvider.System);
    private readonly GroupCommit _commit;
    private readonly ValueOptions _value;
    private readonly SegmentCatalog _segments;
    // Created by the first announcement: most customers are in no segment, and an activation should cost little.
    private CustomerSegments? _memberships;
    private CustomerState _state = new();
    private Task _merges = Task.CompletedTask;
    private List<CustomerChange> _unstored = [];
    private bool _stale;
    private Task? _reloading;

    public CustomerGrain(
        [FromKeyedServices(StorageNames.Customers)] IJournalStorage storage,
        Serializer serializer,
        [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
        IOptions<ValueOptions> value,
        SegmentCatalog segments,
        ILogger<CustomerGrain> logger)
    {
        (_clock, _logger, _value, _segments) = (clock, logger, value.Value, segments);
        _journal = new CustomerJournal(storage, new CustomerCodec(serializer), this.GetPrimaryKeyString());
        _commit = new GroupCommit(WriteAsync);
    }

    /// <summary>
    /// Applies the events that are new for their producer. An activation does not read its state until it needs
    /// to: events go onto an empty state and the first write assumes a new customer, so a new customer costs no
    /// read. If the customer was stored after all, nothing was written, the state is read, and the events are
    /// applied again (their outcomes may then differ: duplicates of stored events).
    /// </summary>
    public async Task<ApplyEventsResult> ApplyEvents(string producer, CustomerEvent[] events)
    {
        while (true)
        {
            await Fresh();
            if (_state.MergedInto is { } target) return await ForwardEvents(target, producer, events);
            var now = _clock.GetUtcNow();
            var result = Change(() => _state.Apply(producer, events, now));
            try
            {
                if (result.Applied.Count == 0)
                {
                    if (!_journal.Known)
                    {
                        // Nothing changed, so nothing will be written to learn the stored state from: read it, then answer
                        // the events against it (with its seq, not the empty state's).
                        await Known();
                        continue;
                    }

                    // Duplicates of events still being written are answered once those are stored.
                    await _commit.Flushed();
                    return new ApplyEventsResult(result.Outcomes, result.Errors, _state.Seq);
                }

                _unstored.Add(new EventsChange(producer, [.. result.Applied], now));
                return new ApplyEventsResult(result.Outcomes, result.Errors, await _commit.Commit());
            }
            catch (AlreadyStoredException)
            {
                // The state is marked stale and re-read by Fresh: apply again onto what is stored.
            }
        }
    }

    public async Task<CustomerProfile?> GetProfile()
    {
        await Settled();
        if (_state.MergedInto is { } target) return await Customer(target).GetProfile();
        return _state.Exists ? _state.ToProfile(this.GetPrimaryKeyString(), _clock.GetUtcNow(), _value) : null;
    }

    public async Task<TraitsResult> MergeTraits(TraitPatch patch)
    {
        await Known();
        if (_state.MergedInto is { } target) return await Customer(target).MergeTraits(patch);
        var now = _clock.GetUtcNow();
        var merged = Change(() => _state.Merge(patch, now));
        long seq;
        if (merged.Changed)
        {
            _unstored.Add(new TraitsChange(patch, now));
            seq = await _commit.Commit();
        }
        else
        {
            await _commit.Flushed();
            seq = _state.Seq;
        }

        return new TraitsResult(seq, [.. merged.Traits], [.. merged.Consent], [.. merged.Rejected]);
    }

    public async Task<CustomerProfile?> Watch(ICustomerObserver observer, string[] viewers)
    {
        if (_watchers.Renew(observer, viewers)) NotifyViewers();
        return await GetProfile();
    }

    public Task Unwatch(ICustomerObserver observer)
    {
        if (_watchers.Remove(observer)) NotifyViewers();
        return Task.CompletedTask;
    }

    public async Task<CustomerExport?> Export()
    {
        await Settled();
        if (_state.MergedInto is { } target) return await Customer(target).Export();
        return _state.Exists
            ? new CustomerExport(_state.ToProfile(this.GetPrimaryKeyString(), _clock.GetUtcNow(), _value), _state.AppliedEvents.Count, _journal.StoredBytes)
            : null;
    }

    public async Task EraseProfile()
    {
        await Known();
        var now = _clock.GetUtcNow();
        var wasErased = _state.IsErased;
        Change(() =>
        {
            _state.Erase(now);
            return true;
        });
        if (wasErased)
        {
            await _commit.Flushed();
            return;
        }

        _unstored.Add(new ErasureChange(now));
        var seq = await _commit.Commit();
        var customerId = this.GetPrimaryKeyString();
        _watchers.Notify(observer => observer.ProfileErased(customerId, seq));
    }

    public Task<int> GetSubscriptionCount() => Task.FromResult(_watchers.Count);

    public async Task<long> MergeFrom(string source, string by, string[] identifiers)
    {
        var self = this.GetPrimaryKeyString();
        if (source == self) throw new ArgumentException("A customer cannot be merged into itself.", nameof(source));
        // Calls interleave; merges into this customer run one at a time, so a repeated merge finds the first one stored.
        var previous = _merges;
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _merges = mine.Task;
        try
        {
            await previous;
            await Known();
            if (_state.MergedInto is { } elsewhere) throw new InvalidOperationException($"Customer '{self}' was merged into '{elsewhere}'; merge into that one.");
            var from = GrainFactory.GetGrain<ICustomerMergeSource>(source);
            if (!_state.HasMerged(source))
            {
                var handedOver = await from.HandOver(self);
                await Fresh();
                var now = _clock.GetUtcNow();
                await Store(new MergeChange(handedOver, new MergeRecord(source, now, by, identifiers), now));
            }
            else
            {
                await _commit.Flushed();
            }

            // Stored here: the source's copy can go (if this fails, the next merge call drops it).
            await from.DropMerged(self);
            return _state.Seq;
        }
        finally
        {
            mine.SetResult();
        }
    }

    public async Task<CustomerState?> HandOver(string target)
    {
        await Known();
        if (_state.MergedInto is null)
        {
            // An erased customer hands over nothing and stays erased.
            if (_state.IsErased) return null;
            await Store(new MergedAwayChange(target, _clock.GetUtcNow()));
        }
        else if (_state.MergedInto != target)
        {
            throw new InvalidOperationException($"Customer '{this.GetPrimaryKeyString()}' was merged into '{_state.MergedInto}', not '{target}'.");
        }
        else
        {
            await _commit.Flushed();
        }

        // Events that arrived before the mark are in this state; those after it went to the target.
        return _state.HoldsData ? _state : null;
    }

    public async Task DropMerged(string target)
    {
        await Known();
        if (_state.MergedInto != target || !_state.HoldsData)
        {
            await _commit.Flushed();
            return;
        }

        await Store(new MergedDataDroppedChange(_clock.GetUtcNow()));
    }

    /// <summary>
    /// Events for a profile merged away go to its target. Ids this profile applied are answered as duplicates here
    /// while it still holds them; once dropped, the target holds them: either way, a retry counts once.
    /// </summary>
    private async Task<ApplyEventsResult> ForwardEvents(string target, string producer, CustomerEvent[] events)
    {
        var scope = IdempotencyLog.ScopeOf(producer);
        var outcomes = new EventOutcome[events.Length];
        var errors = new string?[events.Length];
        var fresh = new List<int>(events.Length);
        for (var i = 0; i < events.Length; i++)
        {
            if (_state.AppliedEvents.Contains(scope, events[i].Id)) outcomes[i] = EventOutcome.Duplicate;
            else fresh.Add(i);
        }

        if (fresh.Count == 0) return new ApplyEventsResult(outcomes, errors, 0);
        var forwarded = await Customer(target).ApplyEvents(producer, [.. fresh.Select(i => events[i])]);
        for (var j = 0; j < fresh.Count; j++) (outcomes[fresh[j]], errors[fresh[j]]) = (forwarded.Outcomes[j], forwarded.Errors[j]);
        return new ApplyEventsResult(outcomes, errors, forwarded.Seq);
    }

    private ICustomerGrain Customer(string id) => GrainFactory.GetGrain<ICustomerGrain>(id);

    private void Announce(SegmentReview review)
    {
        if (review.Announce.Count == 0) return;
        if (_memberships is not { Idle: false }) _memberships = new CustomerSegments(this.GetPrimaryKeyString(), GrainFactory, _logger);
        _memberships.Announce(review.Announce);
    }

    public async Task ReevaluateSegments(string[]? backfill)
    {
        // A sweep's visit to a customer nothing else had read yet (activated for it) must not hold it in memory until
        // the collection age: a back-fill visits every stored customer.
        var visitOnly = backfill is not null && !_journal.Known;
        var segments = await _segments.CurrentAsync();
        await Known();
        var now = _clock.GetUtcNow();
        var review = CustomerSegments.Review(this.GetPrimaryKeyString(), _state, () => EvaluationProfile(now), segments, now, refreshTimed: true, reassert: backfill);
        if (review.Change is { } change)
        {
            // Stored like any change, so the announcement follows the state that holds it.
            await Store(change);
        }
        else
        {
            await _commit.Flushed();
        }

        Announce(review);
        // Announcements still being sent keep it (they are answered to this activation).
        if (visitOnly && review.Announce.Count == 0) DeactivateOnIdle();
    }

    public async Task<string[]> StoredSegments()
    {
        await Settled();
        return _state.Segments ?? [];
    }

    /// <summary>Applies a change that is its own record (replayed as it is) and stores it with the next write; returns that write's seq.</summary>
    private Task<long> Store(CustomerChange change)
    {
        Change(() =>
        {
            change.ApplyTo(_state);
            return true;
        });
        _unstored.Add(change);
        return _commit.Commit();
    }

    /// <summary>Applies a change in memory; if it throws, nothing unstored is kept and the state is re-read.</summary>
    private T Change<T>(Func<T> change)
    {
        try
        {
            return change();
        }
        catch (Exception exception)
        {
            Discard(exception);
            _commit.Abandon(exception);
            throw;
        }
    }

    /// <summary>Forgets every change not stored yet and marks the state to be re-read before the next call.</summary>
    private void Discard(Exception exception)
    {
        _stale = true;
        _unstored = [];
        // A customer stored after all is the expected way an unread activation learns of its history, not a failure.
        if (exception is not AlreadyStoredException) LogChangeFailed(_logger, exception, this.GetPrimaryKeyString());
    }

    /// <summary>Stores the state as it is now: every change made since the last write, and the segments it puts the customer in or out of.</summary>
    private async Task<long> WriteAsync()
    {
        // Read before the changes are taken: no call may change the state between taking them and preparing the write.
        var segments = await SegmentsForWrite();
        var now = _clock.GetUtcNow();
        var changes = _unstored;
        _unstored = [];
        var events = EventCount(changes);
        using var activity = CustomerTelemetry.StartWrite(this.GetPrimaryKeyString(), events);
        long seq;
        CustomerProfile? profile;
        SegmentReview review;
        try
        {
            _state.Compact(now);
            seq = ++_state.Seq;
            profile = _state.Exists ? ProfileToPush(now) : null;
            review = CustomerSegments.Review(this.GetPrimaryKeyString(), _state, () => profile ?? EvaluationProfile(now), segments, now, refreshTimed: false, reassert: null);
            if (review.Change is { } segmentsChange)
            {
                segmentsChange.ApplyTo(_state);
                changes.Add(segmentsChange);
            }

            // Both taken before the write: changes made while it is in flight are not stored by it, so must not be shown with it.
            var write = _journal.Prepare(_state, new CustomerEntry(seq, now, [.. changes]));
            var started = Stopwatch.GetTimestamp();
            await _journal.WriteAsync(write);
            CustomerTelemetry.Written(write.Kind, events, started);
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            Discard(exception);
            throw;
        }

        Announce(review);
        if (profile is not null) _watchers.Notify(observer => observer.ProfileChanged(profile, [.. EventsOf(changes)]));
        return seq;
    }

    /// <summary>
    /// The segment definitions to evaluate at a write, as this silo's catalog keeps them (at most
    /// <see cref="SegmentCatalog.Freshness"/> old while the registry answers): never a wait on the registry, but for
    /// this silo's first write; none if that first read fails.
    /// </summary>
    private async ValueTask<IReadOnlyList<Segment>> SegmentsForWrite()
    {
        if (_segments.Cached() is { } cached) return cached;
        try
        {
            return await _segments.CurrentAsync();
        }
        catch (Exception exception)
        {
            LogSegmentsUnavailable(_logger, exception, this.GetPrimaryKeyString());
            return [];
        }
    }

    /// <summary>The profile as rules read it: everything but the recent activity, which no rule reads.</summary>
    private CustomerProfile EvaluationProfile(DateTimeOffset now) => _state.ToProfile(this.GetPrimaryKeyString(), now, _value, withActivity: false);

    private CustomerProfile? ProfileToPush(DateTimeOffset now)
    {
        if (_watchers.Count == 0) return null;
        try
        {
            return _state.ToProfile(this.GetPrimaryKeyString(), now, _value);
        }
        catch (Exception exception)
        {
            // The change is stored all the same; watchers catch up at their next renewal.
            LogNotifyFailed(_logger, exception, this.GetPrimaryKeyString());
            return null;
        }
    }

    private void NotifyViewers()
    {
        var viewers = _watchers.AllViewers();
        var customerId = this.GetPrimaryKeyString();
        _watchers.Notify(observer => observer.ViewersChanged(customerId, viewers));
    }

    /// <summary>Waits for the writes in flight when it is called (whatever their outcome), then for a re-read if one failed or nothing was read yet.</summary>
    private async Task Settled()
    {
        await Stored();
        await Known();
    }

    /// <summary>As <see cref="Fresh"/>, and reads the state first if this activation has not read or written it yet.</summary>
    private async ValueTask Known()
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
    private async ValueTask Fresh()
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
        _state = await _journal.ReadAsync();
        _stale = false;
    }

    private static IEnumerable<CustomerEvent> EventsOf(List<CustomerChange> changes) =>
        changes.OfType<EventsChange>().SelectMany(change => change.Events);

    private static int EventCount(List<CustomerChange> changes)
    {
        var count = 0;
        foreach (var change in changes)
        {
            if (change is EventsChange applied) count += applied.Events.Length;
        }

        return count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Changing customer {CustomerId} failed; nothing of the change is kept and its state will be re-read")]
    private static partial void LogChangeFailed(ILogger logger, Exception exception, string customerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Customer {CustomerId} could not read the segment definitions a first time; this write evaluates none")]
    private static partial void LogSegmentsUnavailable(ILogger logger, Exception exception, string customerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifying the watchers of customer {CustomerId} failed; they catch up at their next renewal")]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception, string customerId);
}
