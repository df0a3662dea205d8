using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Serialization;
using ProfileGrid.Archive;
using ProfileGrid.Events;
using ProfileGrid.Identity;
using ProfileGrid.Segments;
using ProfileGrid.Storage;
using ProfileGrid.Storage.Archive;

namespace ProfileGrid.Customers;

/// <summary>
/// Owns one customer's profile and counters. Its state is kept consistent in memory and storage by
/// <see cref="CustomerStore"/> (changes applied as calls arrive, stored by group commit, re-read after a failure);
/// identify, merges and erasure run through <see cref="CustomerIdentity"/>; segments are evaluated at every write
/// (<see cref="CustomerSegments"/>). Storage is a journal (<see cref="CustomerJournal"/>): a write carries the
/// changes since the previous one, not the customer's history.
/// </summary>
[Reentrant]
public sealed partial class CustomerGrain : Grain, ICustomerGrain, ICustomerMergeSource, CustomerStore.IStateLoaded
{
    private readonly CustomerStore _store;
    // Created by the first identify, merge or erasure: most activations only take events, and each should cost little.
    private CustomerIdentity? _identity;
    private readonly TimeProvider _clock;
    private readonly ILogger<CustomerGrain> _logger;
    private readonly Watchers _watchers = new(TimeProvider.System);
    private readonly ValueOptions _value;
    private readonly SegmentCatalog _segments;
    private readonly CustomerArchiving _archiving;
    // Read or created at the first archived write of the activation, then kept: later writes need no key read.
    private ArchiveKey? _archiveKey;
    // Created by the first announcement: most customers are in no segment, and an activation should cost little.
    private CustomerSegments? _memberships;
    private CustomerWakeups? _wakeups;

    public CustomerGrain(
        [FromKeyedServices(StorageNames.Customers)] IJournalStorage storage,
        Serializer serializer,
        [FromKeyedServices(DomainClock.Key)] TimeProvider clock,
        IOptions<ValueOptions> value,
        SegmentCatalog segments,
        CustomerArchiving archiving,
        ILogger<CustomerGrain> logger)
    {
        (_clock, _logger, _value, _segments, _archiving) = (clock, logger, value.Value, segments, archiving);
        var key = this.GetPrimaryKeyString();
        _store = new CustomerStore(new CustomerJournal(storage, new CustomerCodec(serializer), key), WriteAsync, logger, key, this);
    }

    private CustomerState State => _store.State;

    private CustomerIdentity IdentityProtocol => _identity ??= new CustomerIdentity(_store, this.GetPrimaryKeyString(), GrainFactory, _clock, _segments, _archiving, HandOff, _logger);

    /// <summary>A state read from storage: what it says was not yet announced is sent again.</summary>
    void CustomerStore.IStateLoaded.Loaded(CustomerState state) => Announce(CustomerSegments.Unsent(this.GetPrimaryKeyString(), state));

    /// <summary>The history types as this silo's catalog last read them; before its first read, every type (nothing a definition reads is folded).</summary>
    Counters.HistoryTypes CustomerStore.IStateLoaded.History => History;

    private Counters.HistoryTypes History => _segments.CachedHistory() ?? Counters.HistoryTypes.All;

    /// <summary>Bookkeeping left for the next write (confirmed announcements) is stored as the activation ends, if it can be; otherwise it is redone later.</summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            // A registration in the wake-up schedule on its way is recorded in the state before the activation goes:
            // a bucket holding the customer that its state does not name would outlive its erasure.
            if (_wakeups is not null) await _wakeups.Settled().WaitAsync(cancellationToken);
            await _store.StoreDeferred().WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Nothing is lost: the state still names the announcements, which are sent again when it is next read.
        }
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
            await _store.Fresh();
            if (State.MergedInto is { } target) return await ForwardEvents(target, producer, events);
            var now = _clock.GetUtcNow();
            var result = _store.Change(state => state.Apply(producer, events, now));
            try
            {
                if (result.Applied.Count == 0)
                {
                    if (!_store.IsKnown)
                    {
                        // Nothing changed, so nothing will be written to learn the stored state from: read it, then answer
                        // the events against it (with its seq, not the empty state's).
                        await _store.Known();
                        continue;
                    }

                    // Duplicates of events still being written are answered once those are stored.
                    await _store.Flushed();
                    return new ApplyEventsResult(result.Outcomes, result.Errors, State.Seq);
                }

                return new ApplyEventsResult(result.Outcomes, result.Errors, await _store.Commit(new EventsChange(producer, [.. result.Applied], now)));
            }
            catch (AlreadyStoredException)
            {
                // The state is marked stale and re-read by Fresh: apply again onto what is stored.
            }
        }
    }

    public async Task<CustomerProfile?> GetProfile()
    {
        await _store.Settled();
        if (State.MergedInto is { } target) return await Customer(target).GetProfile();
        // Shown with the year of the types the catalog knows now (a definition read since the last change may have added one).
        State.History = History;
        return State.Exists ? State.ToProfile(this.GetPrimaryKeyString(), _clock.GetUtcNow(), _value, logger: _logger) : null;
    }

    /// <summary>
    /// A patch that touches no identifier trait merges at once; one that sets or removes <c>email</c> or <c>phone</c>
    /// is an identify (the identifier is claimed, a replaced one released), so that it links all or nothing.
    /// </summary>
    public async Task<TraitsResult> MergeTraits(TraitPatch patch)
    {
        if (patch.Traits.Keys.Any(Identifier.Traits.ContainsKey)) return (await Identify(new IdentifyRequest([], null, patch, TraitsOnly: true))).Traits;
        await _store.Known();
        if (State.MergedInto is { } target) return await Customer(target).MergeTraits(patch);
        var now = _clock.GetUtcNow();
        var merged = _store.Change(state => state.Merge(patch, now));
        long seq;
        if (merged.Changed)
        {
            seq = await _store.Commit(new TraitsChange(patch, now));
        }
        else
        {
            await _store.Flushed();
            seq = State.Seq;
        }

        return new TraitsResult(seq, [.. merged.Traits], [.. merged.Consent], [.. merged.Rejected]);
    }

    public Task<IdentifyResult> Identify(IdentifyRequest request) => IdentityProtocol.IdentifyAsync(request);

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
        await _store.Settled();
        if (State.MergedInto is { } target) return await Customer(target).Export();
        return State.Exists
            ? new CustomerExport(State.ToProfile(this.GetPrimaryKeyString(), _clock.GetUtcNow(), _value, logger: _logger), State.AppliedEvents.Count, _store.StoredBytes,
                State.Identifiers?.History() ?? [])
            : null;
    }

    public async Task EraseProfile()
    {
        var customerId = this.GetPrimaryKeyString();
        try
        {
            await IdentityProtocol.EraseAsync(seq => _watchers.Notify(observer => observer.ProfileErased(customerId, seq)));
        }
        catch (Exception)
        {
            // Stopped after the tombstone (as storage has it, read again after the failure): it finishes when
            // repeated, or by itself when the customer is woken.
            if (await ErasureOpenAsync()) Wakeups.EraseAgainAt(_clock.GetUtcNow() + CustomerWakeups.RetryDelay);
            throw;
        }

        // Once erased nothing registers it again; a failure here fails the erasure, which a repeat finishes.
        await Wakeups.UnregisterAsync();
    }

    private async Task<bool> ErasureOpenAsync()
    {
        try
        {
            await _store.Known();
            return State.ErasureOpen;
        }
        catch (Exception)
        {
            // Storage cannot say: the erasure may be open, and waking a customer whose erasure is complete changes nothing.
            return State.IsErased;
        }
    }

    public Task<int> GetSubscriptionCount() => Task.FromResult(_watchers.Count);

    public Task<long> MergeFrom(string source, string by, string[] identifiers) => IdentityProtocol.MergeFromAsync(source, by, identifiers);

    public Task<CustomerState?> HandOver(string target) => IdentityProtocol.HandOverAsync(target);

    public Task DropMerged(string target) => IdentityProtocol.DropMergedAsync(target);

    public async Task Purge(string target, string[] via)
    {
        // The buckets to leave are those its state names: read it first (an activation started for the purge has not).
        await _store.Known();
        await Wakeups.UnregisterAsync();
        await IdentityProtocol.PurgeAsync(target, via);
        // Its target's erasure deletes the key; a later profile under this id gets a new one.
        _archiveKey = null;
        DeactivateOnIdle();
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
        var now = _clock.GetUtcNow();
        for (var i = 0; i < events.Length; i++)
        {
            // Checked first, as the target checks it: one the rules refuse is rejected there, not a duplicate here.
            if (CustomerState.EventRefusal(events[i], now) is null && State.AppliedEvents.Contains(scope, events[i].Id)) outcomes[i] = EventOutcome.Duplicate;
            else fresh.Add(i);
        }

        if (fresh.Count == 0) return new ApplyEventsResult(outcomes, errors, 0);
        var forwarded = await Customer(target).ApplyEvents(producer, [.. fresh.Select(i => events[i])]);
        for (var j = 0; j < fresh.Count; j++) (outcomes[fresh[j]], errors[fresh[j]]) = (forwarded.Outcomes[j], forwarded.Errors[j]);
        return new ApplyEventsResult(outcomes, errors, forwarded.Seq);
    }

    private ICustomerGrain Customer(string id) => GrainFactory.GetGrain<ICustomerGrain>(id);

    private void Announce(SegmentReview review) => Announce(review.Announce);

    private void Announce(IReadOnlyList<MembershipChange> changes)
    {
        if (changes.Count == 0) return;
        if (_memberships is not { Idle: false }) _memberships = new CustomerSegments(this.GetPrimaryKeyString(), GrainFactory, _logger, Confirmed, AnnounceAgainLater);
        _memberships.Announce(changes);
    }

    /// <summary>A member set took an announcement: the state forgets it with the next write (if that is lost, it is sent again, which changes nothing).</summary>
    private void Confirmed(MembershipChange change)
    {
        var at = change.At.UtcTicks;
        if (State.Unannounced?.GetValueOrDefault(change.Segment) == at) _store.Defer(new AnnouncedChange(change.Segment, at, _clock.GetUtcNow()));
    }

    /// <summary>An announcement failed every try: the customer asks to be woken within a minute to send it again.</summary>
    private void AnnounceAgainLater() =>
        Wakeups.AnnounceAgainAt(_clock.GetUtcNow() + CustomerWakeups.RetryDelay, _segments.Cached() ?? []);

    public async Task ReevaluateSegments(SegmentVersion[]? backfill)
    {
        // A sweep's visit to a customer nothing else had read yet (activated for it) must not hold it in memory until
        // the collection age: a back-fill visits every stored customer.
        var visitOnly = backfill is not null && !_store.IsKnown;
        var segments = await _segments.AtLeastAsync(backfill ?? []);
        await _store.Known();
        var now = _clock.GetUtcNow();
        // Evaluated with the history types of the definitions just read, so that a rule reading a year finds it (as
        // counted so far: a type that just became a history type has its year back once its replay restored the customer).
        State.History = History;
        // What an earlier activation did not get confirmed goes first, as the state has it.
        Announce(CustomerSegments.Unsent(this.GetPrimaryKeyString(), State));
        var review = CustomerSegments.Review(this.GetPrimaryKeyString(), State, () => EvaluationProfile(now), segments, now, reassert: backfill is null ? null : Array.ConvertAll(backfill, version => version.Name), _logger);
        if (review.Change is { } change)
        {
            // Stored like any change, so the announcement follows the state that holds it.
            await _store.Store(change);
        }
        else
        {
            await _store.Flushed();
        }

        Announce(review);
        ReviewWakeups(segments, now);
        // Unless announcements (this visit's or ones sent again) or a wake-up registration are on their way (answered to this activation).
        if (visitOnly && _memberships is not { Idle: false } && _wakeups is null) DeactivateOnIdle();
    }

    public async Task<string[]> StoredSegments()
    {
        await _store.Settled();
        return State.Segments ?? [];
    }

    public async Task Wake()
    {
        await _store.Known();
        if (State.ErasureOpen)
        {
            await EraseProfile();
            return;
        }

        await ReevaluateSegments(backfill: null);
        await Wakeups.ReviewAsync(await _segments.CurrentAsync());
    }

    /// <summary>Stores a change once the state holds nothing that failed to be stored (a background registration's record).</summary>
    private async Task StoreFresh(CustomerChange change)
    {
        await _store.Fresh();
        await _store.Store(change);
    }

    private CustomerWakeups Wakeups => _wakeups ??= new CustomerWakeups(this.GetPrimaryKeyString(), this, GrainFactory, _clock, _value, () => State, StoreFresh, _store.Defer, _logger);

    /// <summary>
    /// Registers the next wake-up if time can change a segment answer evaluated at <paramref name="evaluatedAt"/>; a
    /// customer with nothing to register keeps no helper for it.
    /// </summary>
    private void ReviewWakeups(IReadOnlyList<Segment> segments, DateTimeOffset evaluatedAt)
    {
        if (_wakeups is not null || CustomerWakeups.Needed(this.GetPrimaryKeyString(), State, segments, _value, evaluatedAt, _clock.GetUtcNow()) is not null)
        {
            Wakeups.Review(segments, evaluatedAt);
        }
    }

    /// <summary>Stores the state as it is now: every change made since the last write, and the segments it puts the customer in or out of.</summary>
    private async Task<long> WriteAsync()
    {
        // Read before the changes are taken: no call may change the state between taking them and preparing the write.
        var segments = await SegmentsForWrite();
        var archiveKey = _archiveKey = await _archiving.KeyForWriteAsync(this.GetPrimaryKeyString(), State, _store.IsKnown, _archiveKey);
        var now = _clock.GetUtcNow();
        var changes = _store.TakeChanges();
        var events = EventCount(changes);
        using var activity = CustomerTelemetry.StartWrite(events);
        long seq;
        CustomerProfile? profile;
        SegmentReview review;
        List<ProfileGrid.Destinations.OwedDelivery>? owed;
        try
        {
            var state = State;
            // Aged by the history types of the definitions this write evaluates (all types, should they be unknown).
            state.History = History;
            state.Compact(now);
            seq = ++state.Seq;
            profile = state.Exists ? ProfileToPush(now) : null;
            // The segments and the destinations' rules read one profile, made only when one of them reads it.
            CustomerProfile? evaluation = null;
            CustomerProfile Evaluated() => profile ?? (evaluation ??= EvaluationProfile(now));
            review = CustomerSegments.Review(this.GetPrimaryKeyString(), state, Evaluated, segments, now, reassert: null, _logger);
            if (review.Change is { } segmentsChange)
            {
                segmentsChange.ApplyTo(state);
                changes.Add(segmentsChange);
            }

            owed = OwedBy(seq, now, changes, state, Evaluated);
            var started = Stopwatch.GetTimestamp();
            var entry = new CustomerEntry(seq, now, [.. changes]);
            // An erased customer's writes are not archived (its key is deleted); those of this write's erasure neither.
            if (state.IsErased) archiveKey = _archiveKey = null;
            var write = _store.Prepare(entry);
            if (archiveKey is not null) write = write with { Outbox = ArchiveRecordOf(archiveKey, entry, write, state) };
            if (owed is not null) write = write with { Deliveries = DeliveriesRecordOf(owed, seq) };
            await _store.WriteAsync(write);
            CustomerTelemetry.Written(write.Kind, events, started);
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            _store.Discard(exception);
            throw;
        }

        Announce(review);
        if (owed is not null) NudgeDeliveries();
        ReviewWakeups(segments, now);
        if (profile is not null) _watchers.Notify(observer => observer.ProfileChanged(profile, [.. EventsOf(changes)]));
        return seq;
    }

    /// <summary>
    /// The write's archive record: its entry sealed, or, when that is past what an outbox record holds (a batch of
    /// large, incompressible properties, or several at once), the state the write stores, as a restore: a replay still
    /// ends where live processing did, without those events' raw properties. The state fits, as its snapshot does, but
    /// for the largest states; then the write goes unarchived, logged, and a replay of the customer reports the gap
    /// rather than rebuild it wrongly. Never a refused write: the archive must not cost a producer an event.
    /// </summary>
    private ReadOnlyMemory<byte> ArchiveRecordOf(ArchiveKey key, CustomerEntry entry, JournalWrite write, CustomerState state)
    {
        // An appended entry is encoded already: the record reuses its bytes rather than serialize the entry again.
        var record = _archiving.Seal(key, entry, write.Kind == JournalWriteKind.Append ? write.Payload : default);
        if (record.Length <= JournalVersion.MaxOutboxBytes) return record;
        var restore = _archiving.Seal(key, new CustomerEntry(entry.Seq, entry.At, [new Replay.RestoreChange(state, entry.At)]));
        LogArchivedAsState(_logger, this.GetPrimaryKeyString(), entry.Seq, record.Length, restore.Length);
        if (restore.Length <= JournalVersion.MaxOutboxBytes) return restore;
        LogNotArchived(_logger, this.GetPrimaryKeyString(), entry.Seq);
        return default;
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
    private CustomerProfile EvaluationProfile(DateTimeOffset now) => State.ToProfile(this.GetPrimaryKeyString(), now, _value, withActivity: false, _logger);

    private CustomerProfile? ProfileToPush(DateTimeOffset now)
    {
        if (_watchers.Count == 0) return null;
        try
        {
            return State.ToProfile(this.GetPrimaryKeyString(), now, _value, logger: _logger);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Customer {CustomerId} could not read the segment definitions a first time; this write evaluates none")]
    private static partial void LogSegmentsUnavailable(ILogger logger, Exception exception, string customerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Customer {CustomerId}'s write {Seq} is archived as the state it stored: its entry seals to {EntryBytes} bytes, past an outbox record's bound ({StateBytes} as a state)")]
    private static partial void LogArchivedAsState(ILogger logger, string customerId, long seq, int entryBytes, int stateBytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Customer {CustomerId}'s write {Seq} is stored but not archived: neither its entry nor its state fits an outbox record; a replay of the customer reports the gap")]
    private static partial void LogNotArchived(ILogger logger, string customerId, long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifying the watchers of customer {CustomerId} failed; they catch up at their next renewal")]
    private static partial void LogNotifyFailed(ILogger logger, Exception exception, string customerId);
}
