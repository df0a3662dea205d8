using Microsoft.Extensions.Logging;
using ProfileGrid.Archive;
using ProfileGrid.Identity;
using ProfileGrid.Segments;

namespace ProfileGrid.Customers;

/// <summary>
/// One customer's identity protocol: identify (link identifiers, merge a profile in, merge traits), merges from
/// both sides, and erasure. Operations run one at a time per customer; events interleave with them, and only the
/// erased and merged-away states refuse or forward those. Calls for a profile merged away go to its target outside
/// the queue, so that a target erasing its merged profiles never waits on a profile that waits on it.
/// <para>
/// Identify is all or nothing, by claim, confirm, and release on failure: the identifiers are first recorded in the
/// customer's ledger (<see cref="IdentifierLedger"/>, stored), then claimed in the index (each identifier grain keeps
/// the first claimant); if any belongs to another customer, or the profile to merge cannot be merged, the claims this
/// call made are released and their ledger entries removed, and the call answers the conflict having changed
/// nothing. Otherwise the profile is merged, then the traits are merged; a replaced email or phone becomes a former
/// identifier and is released. A failure part-way (storage) leaves the ledger a superset of what the index holds, so
/// a retry completes the identify and erasure still finds every row.
/// </para>
/// <para>
/// Erasure first stores a tombstone that refuses everything and keeps the ledger, then deletes the rows of the merged
/// profiles, releases every identifier, tells every segment's member set to forget the customer, deletes its archive keys (and those of its merged profiles),
/// has the destinations' queues and dead letters drop what they hold about them, and only then stores the final tombstone; a failure leaves the first one, and erasing again completes the rest.
/// </para>
/// </summary>
internal sealed partial class CustomerIdentity(
    CustomerStore store, string self, IGrainFactory grains, TimeProvider clock, SegmentCatalog segments, CustomerArchiving archiving,
    ProfileGrid.Destinations.DestinationHandOff? destinations, ILogger logger)
{
    public static string ErasedConflict(string customerId) => $"Customer '{customerId}' was erased: nothing can be linked to it or merged into it.";

    private Task _running = Task.CompletedTask;

    public async Task<IdentifyResult> IdentifyAsync(IdentifyRequest request)
    {
        await store.Known();
        if (store.State.MergedInto is { } target) return await Customer(target).Identify(request);
        var (result, forward) = await OneAtATime(async () =>
        {
            await store.Known();
            if (store.State.MergedInto is { } later) return ((IdentifyResult?)null, (string?)later);
            return (await IdentifyNow(request), null);
        });
        return result ?? await Customer(forward!).Identify(request);
    }

    /// <summary>Merges <paramref name="source"/> in (no identifiers claimed); the seq after it.</summary>
    public Task<long> MergeFromAsync(string source, string by, string[] identifiers) => OneAtATime(async () =>
    {
        if (source == self) throw new ArgumentException("A customer cannot be merged into itself.", nameof(source));
        await store.Known();
        if (store.State.MergedInto is { } elsewhere) throw new InvalidOperationException($"Customer '{self}' was merged into '{elsewhere}'; merge into that one.");
        if (store.State.IsErased) throw new InvalidOperationException(ErasedConflict(self));
        if (await MergeIn(source, by, identifiers) is { } conflict) throw new InvalidOperationException(conflict);
        return store.State.Seq;
    });

    /// <param name="erased">Called with the seq of the tombstone once stored (watchers are told).</param>
    public async Task EraseAsync(Action<long> erased)
    {
        await store.Known();
        // The profile was merged into another: erasing it erases that one, the person.
        if (store.State.MergedInto is { } target)
        {
            await Customer(target).EraseProfile();
            return;
        }

        var forward = await OneAtATime(async () =>
        {
            await store.Known();
            if (store.State.MergedInto is { } later) return later;
            if (!store.State.IsErased) erased(await store.Store(new ErasureChange(clock.GetUtcNow())));
            if (store.State.ErasureOpen) await CompleteErasure();
            else await store.Flushed();
            return null;
        });
        if (forward is not null) await Customer(forward).EraseProfile();
    }

    /// <summary>The profile is merged into <paramref name="target"/>: marks it so (stored) and hands its state over.</summary>
    public Task<CustomerState?> HandOverAsync(string target) => OneAtATime(async () =>
    {
        await store.Known();
        var state = store.State;
        if (state.MergedInto is null)
        {
            if (state.IsErased) throw new InvalidOperationException(ErasedConflict(self));
            await store.Store(new MergedAwayChange(target, clock.GetUtcNow()));
        }
        else if (state.MergedInto != target)
        {
            throw new InvalidOperationException($"Customer '{self}' was merged into '{state.MergedInto}', not '{target}'.");
        }
        else
        {
            await store.Flushed();
        }

        // Events that arrived before the mark are in this state; those after it went to the target.
        return store.State.HoldsData ? store.State : null;
    });

    public Task DropMergedAsync(string target) => OneAtATime(async () =>
    {
        await store.Known();
        if (store.State.MergedInto != target || !store.State.HoldsData) await store.Flushed();
        else await store.Store(new MergedDataDroppedChange(clock.GetUtcNow()));
        return true;
    });

    /// <summary>
    /// The profile's target is being erased: every segment's member set forgets this profile, and its row is deleted,
    /// key and all. A later call starts a new, empty profile that nothing links to. The target may be the one this
    /// profile was merged into, or one that the latter was merged into in turn (<paramref name="via"/>: every profile
    /// merged into the target, as its ledger has them).
    /// </summary>
    public Task PurgeAsync(string target, string[] via) => OneAtATime(async () =>
    {
        await store.Known();
        if (store.State.MergedInto is { } into && into != target && !via.Contains(into, StringComparer.Ordinal))
            throw new InvalidOperationException($"Customer '{self}' was merged into '{into}', not '{target}': only its target's erasure deletes it.");
        // A profile erased on its own since (a retry that reached it after its first purge) holds nothing: it goes too.
        if (store.State.MergedInto is null && store.State.Seq > 0 && !store.State.IsErased)
            throw new InvalidOperationException($"Customer '{self}' was not merged into '{target}': erase it on its own.");
        await ForgetInSegments(self);
        await store.DeleteAsync();
        return true;
    });

    private async Task<IdentifyResult> IdentifyNow(IdentifyRequest request)
    {
        var state = store.State;
        if (state.IsErased)
        {
            // A trait write is refused trait by trait, as for any erased customer; an identify is a conflict.
            if (request.TraitsOnly)
                return new IdentifyResult(TraitsFrom(state.Seq, state.Merge(request.Patch)), [], []);
            return IdentifyResult.Refused(state.Seq, ErasedConflict(self));
        }

        var patch = request.Patch;
        var merge = request.Merge;
        if (merge == self) return IdentifyResult.Refused(state.Seq, $"Customer '{self}' cannot be merged into itself.", merge);

        // The identifiers the call names (an anonymous profile first), then those its traits hold.
        var wanted = new List<string>();
        if (merge is not null && merge.StartsWith(Identifier.Anonymous + ":", StringComparison.Ordinal)) Want(wanted, merge);
        foreach (var key in request.Identifiers) Want(wanted, key);
        var named = wanted.ToArray();
        foreach (var (trait, json) in patch.Traits)
        {
            if (Identifier.FromTrait(trait, json) is { } identifier) Want(wanted, identifier.Key);
        }

        await ReleaseFormer();
        var (claims, conflict) = await Claim(wanted);
        if (conflict is not null) return IdentifyResult.Refused(store.State.Seq, conflict.Value.Reason, conflict.Value.Key);

        var merged = Array.Empty<string>();
        if (merge is not null)
        {
            if (!store.State.HasMerged(merge) && await MergeIn(merge, patch.By ?? "", named) is { } refused)
            {
                await GiveBack(claims, claims.Fresh, claims.Fresh);
                return IdentifyResult.Refused(store.State.Seq, refused, merge);
            }

            merged = [merge];
        }

        var traits = await MergeTraitsNow(patch, claims);
        var linked = wanted.Where(Holds).ToArray();
        return new IdentifyResult(traits with { Seq = store.State.Seq }, linked, merged);
    }

    /// <summary>
    /// Merges traits: the identifiers the patch's email and phone traits hold were claimed before (those in
    /// <paramref name="claims"/> by this call); a trait the customer refused gives its fresh claim back, and an
    /// identifier the patch replaced or removed becomes former and is released.
    /// </summary>
    private async Task<TraitsResult> MergeTraitsNow(TraitPatch patch, Claims claims)
    {
        var now = clock.GetUtcNow();
        var before = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var trait in Identifier.Traits.Keys)
        {
            if (store.State.Traits.TryGetValue(trait, out var json)) before[trait] = json;
        }

        var result = store.Change(state => state.Merge(patch, now));
        var refused = new List<string>();
        var former = new List<LedgerEntry>();
        foreach (var (trait, json) in patch.Traits)
        {
            var identifier = Identifier.FromTrait(trait, json);
            if (!result.Traits.Contains(trait))
            {
                if (identifier is not null && claims.Fresh.Contains(identifier.Key)) refused.Add(identifier.Key);
                continue;
            }

            if (Identifier.FromTrait(trait, before.GetValueOrDefault(trait)) is { } old && old != identifier
                && store.State.Identifiers?.Entries.GetValueOrDefault(old.Key) is { FormerTicks: 0 } entry && Owns(entry.Owner))
                former.Add(entry with { FormerTicks = now.UtcTicks });
        }

        // A replaced identifier becomes former in the same write as the trait that replaced it: stored together or
        // not at all, so that a retry after a failed write still finds the old one to release.
        if (former.Count > 0) store.Defer(new IdentifiersChange(new LedgerChange([.. former], []), now));
        if (result.Changed) await store.Commit(new TraitsChange(patch, now));
        else await store.Flushed();

        if (refused.Count > 0) await GiveBack(claims, refused, refused);
        if (former.Count > 0) await ReleaseFormer();

        return TraitsFrom(store.State.Seq, result);
    }

    private static TraitsResult TraitsFrom(long seq, TraitsMerged merged) => new(seq, [.. merged.Traits], [.. merged.Consent], [.. merged.Rejected]);

    /// <summary>
    /// Records the identifiers the ledger does not hold yet (stored first), then claims every identifier wanted: an
    /// entry the ledger holds may be the intent of a claim that failed or was given back, so only the index says who
    /// holds it. Returns the claims this call made, or the first conflict, after giving back what this call linked and
    /// putting the ledger back as it was (without entries the index showed were never this customer's).
    /// </summary>
    private async Task<(Claims Claims, (string Reason, string Key)? Conflict)> Claim(List<string> wanted)
    {
        if (wanted.Count == 0) return (Claims.None, null);
        var ledger = store.State.Identifiers;
        var missing = wanted.Where(key => !Holds(key)).ToList();
        // What the ledger held for each before this call (the ledger is changed in place by the write below).
        var before = wanted.ToDictionary(key => key, key => ledger?.Entries.GetValueOrDefault(key), StringComparer.Ordinal);
        var added = missing.Count(key => before[key] is null);
        if ((ledger?.Count ?? 0) + added > IdentifierLedger.MaxEntries) return (Claims.None, (IdentifierLedger.FullRule, wanted[0]));

        if (missing.Count > 0)
        {
            var now = clock.GetUtcNow().UtcTicks;
            var intents = missing.Select(key => before[key] is { } known
                ? known with { Owner = self, Indexed = true, FormerTicks = 0 }
                : new LedgerEntry(key, self, Indexed: true, Profile: false, now, 0)).ToArray();
            // Recorded before claimed: whatever fails after this, erasure finds the rows this call may have written.
            await store.Store(new IdentifiersChange(new LedgerChange(intents, []), clock.GetUtcNow()));
        }

        var claims = await Task.WhenAll(wanted.Select(key => Identity(key).Claim(self)));
        var made = new Claims([.. wanted.Where((_, i) => claims[i].Fresh)], before);
        var taken = Array.FindIndex(claims, claim => !Owns(claim.Owner));
        if (taken < 0)
        {
            // A row that already named a profile merged into this customer keeps naming it: the entry says so, so that
            // erasure releases the row as it stands.
            var theirs = wanted.Select((key, i) => (Key: key, claims[i].Owner))
                .Where(claim => claim.Owner != self && store.State.Identifiers!.Entries[claim.Key].Owner != claim.Owner)
                .Select(claim => store.State.Identifiers!.Entries[claim.Key] with { Owner = claim.Owner }).ToArray();
            if (theirs.Length > 0) await store.Store(new IdentifiersChange(new LedgerChange(theirs, []), clock.GetUtcNow()));
            return (made, null);
        }

        // Given back: this call's own claims; every entry it made goes back to what it was (or away), and an entry it
        // found saying an identifier was this customer's, where the index names another, goes away.
        var notOurs = wanted.Where((key, i) => !Owns(claims[i].Owner) && !missing.Contains(key)).ToList();
        await GiveBack(made, made.Fresh, [.. missing.Union(made.Fresh)], notOurs);
        return (Claims.None, ($"The identifier '{wanted[taken]}' belongs to another customer; an identifier links to one customer only.", wanted[taken]));
    }

    /// <summary>
    /// Releases the claims of <paramref name="claimed"/> this call made, puts the ledger entries of
    /// <paramref name="entries"/> back as they were before the call, and removes those of <paramref name="stale"/>
    /// (only once released: the ledger stays a superset of the index). Removals rewrite the stored row
    /// (<see cref="CustomerEntry.Rewrites"/>): nothing stored keeps an identifier this customer did not get.
    /// </summary>
    private async Task GiveBack(Claims claims, List<string> claimed, List<string> entries, List<string>? stale = null)
    {
        if (entries.Count + (stale?.Count ?? 0) == 0) return;
        await Task.WhenAll(claimed.Select(key => Identity(key).Release(self)));
        // An entry that said the customer held an identifier this call claimed afresh was the intent of an earlier
        // claim that was given back (or never made): it goes, with the claim.
        bool Stale(LedgerEntry entry) => entry is { Indexed: true, FormerTicks: 0 } && claimed.Contains(entry.Key);
        var restored = entries.Select(key => claims.Before.GetValueOrDefault(key)).OfType<LedgerEntry>().Where(entry => !Stale(entry)).ToArray();
        string[] removed =
        [
            .. entries.Where(key => claims.Before.GetValueOrDefault(key) is not { } entry || Stale(entry)), .. stale ?? [],
        ];
        await store.Store(new IdentifiersChange(new LedgerChange(restored, removed), clock.GetUtcNow()));
    }

    /// <summary>The index rows an identify claimed afresh, and what the ledger held for every key it claimed before the call.</summary>
    private sealed record Claims(List<string> Fresh, Dictionary<string, LedgerEntry?> Before)
    {
        public static readonly Claims None = new([], new Dictionary<string, LedgerEntry?>(StringComparer.Ordinal));
    }

    /// <summary>Releases former identifiers whose index rows may still name their owner, then records them released.</summary>
    private async Task ReleaseFormer()
    {
        var pending = store.State.Identifiers?.PendingReleases().ToArray() ?? [];
        if (pending.Length == 0) return;
        await Task.WhenAll(pending.Select(entry => Identity(entry.Key).Release(entry.Owner)));
        // Goes with the next write: if it is lost, the releases are made again, which changes nothing.
        store.Defer(new IdentifiersChange(new LedgerChange([.. pending.Select(entry => entry with { Indexed = false })], []), clock.GetUtcNow()));
    }

    /// <summary>Merges the profile <paramref name="source"/> in; null when merged, else why it could not be.</summary>
    private async Task<string?> MergeIn(string source, string by, string[] identifiers)
    {
        var from = grains.GetGrain<ICustomerMergeSource>(source);
        if (!store.State.HasMerged(source))
        {
            CustomerState? handedOver;
            try
            {
                handedOver = await from.HandOver(self);
            }
            catch (InvalidOperationException exception)
            {
                return exception.Message;
            }

            await store.Fresh();
            var now = clock.GetUtcNow();
            await store.Store(new MergeChange(handedOver, new MergeRecord(source, now, by, identifiers), now));
        }
        else
        {
            await store.Flushed();
        }

        // Stored here: the source's copy can go (if this fails, the next merge call drops it).
        await from.DropMerged(self);
        return null;
    }

    private async Task CompleteErasure()
    {
        var entries = store.State.Identifiers?.Entries.Values.ToArray() ?? [];
        var merged = entries.Where(entry => entry.Profile).Select(entry => entry.Key).ToArray();
        foreach (var profile in merged)
        {
            await grains.GetGrain<ICustomerMergeSource>(profile).Purge(self, merged);
        }

        await Task.WhenAll(entries.Where(entry => entry.Indexed).Select(entry => Identity(entry.Key).Release(entry.Owner)));
        await ForgetInSegments(self);
        // Its archive keys and those of the profiles merged into it: what was archived of them (and what waits in the
        // outbox) no longer opens. Before the final tombstone, so a failure leaves the erasure open and it is done again.
        await archiving.ForgetAsync([self, .. merged]);
        // What the destinations' queues and dead letters hold about them (docs/destinations.md, "Erasure").
        if (destinations is not null) await destinations.ForgetAsync([self, .. merged]);
        await store.Store(new ErasureCompletedChange(clock.GetUtcNow()));
        var (profiles, identifiers) = (entries.Count(entry => entry.Profile), entries.Count(entry => entry.Indexed));
        LogErased(logger, profiles, identifiers);
    }

    /// <summary>
    /// Every segment's member set forgets <paramref name="customerId"/>: it leaves (if a member) and the shard
    /// rewrites its storage so that no earlier entry keeps the id (one that left long ago, too).
    /// </summary>
    private async Task ForgetInSegments(string customerId)
    {
        var now = clock.GetUtcNow();
        var shard = SegmentShards.Of(customerId);
        foreach (var segment in await segments.CurrentAsync())
        {
            var name = segment.Definition.Name;
            await grains.For(name, shard).Update([new MembershipChange(name, customerId, Entered: false, [], now, Erased: true)]);
        }
    }

    private async Task<T> OneAtATime<T>(Func<Task<T>> operation)
    {
        var previous = _running;
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _running = mine.Task;
        try
        {
            await previous;
            return await operation();
        }
        finally
        {
            mine.SetResult();
        }
    }

    /// <summary>Whether the index names this customer for <paramref name="key"/>, or a profile merged into it (which forwards here), as far as the ledger knows.</summary>
    private bool Holds(string key) =>
        store.State.Identifiers?.Entries.GetValueOrDefault(key) is { Indexed: true, FormerTicks: 0 } entry && Owns(entry.Owner);

    /// <summary>Whether an index row naming <paramref name="owner"/> finds this customer: it is this one, or a profile merged into it.</summary>
    private bool Owns(string owner) => owner == self || store.State.HasMerged(owner);

    private static void Want(List<string> wanted, string key)
    {
        if (!wanted.Contains(key)) wanted.Add(key);
    }

    private IIdentityGrain Identity(string key) => grains.GetGrain<IIdentityGrain>(key);

    private ICustomerGrain Customer(string id) => grains.GetGrain<ICustomerGrain>(id);

    [LoggerMessage(Level = LogLevel.Information, Message = "A customer was erased: {Profiles} merged profiles deleted, {Identifiers} identifiers released, every segment told")]
    private static partial void LogErased(ILogger logger, int profiles, int identifiers);
}
