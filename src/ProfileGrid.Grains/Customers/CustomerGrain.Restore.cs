using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using ProfileGrid.Identity;
using ProfileGrid.Replay;
using ProfileGrid.Segments;

namespace ProfileGrid.Customers;

/// <summary>A replay's restore (<see cref="ICustomerRestore"/>).</summary>
public sealed partial class CustomerGrain : ICustomerRestore
{
    public async Task<RestoreResult> Restore(CustomerState rebuilt)
    {
        ArgumentNullException.ThrowIfNull(rebuilt);
        // Activated for the restore (a replay of every customer visits each once): it does not stay in memory after.
        var visitOnly = !_store.IsKnown;
        // Nothing committed may be waiting or in flight when the state is replaced: a change made before the restore
        // and stored after it would be lost with its caller answered. Deferred bookkeeping may wait (it is redone).
        do await _store.Settled();
        while (_store.Writing);

        // From here to the commit, one turn: no call changes the state in between.
        var state = State;
        if (state.IsErased) return new RestoreResult(RestoreOutcome.Erased, state.Seq);
        if (state.Seq > rebuilt.Seq) return new RestoreResult(RestoreOutcome.ArchiveBehind, state.Seq);
        // The live state takes a copy of its own; the change keeps the one it was given, which nothing changes before
        // it is encoded (for the journal and the archive) with the write.
        var copy = ServiceProvider.GetRequiredService<DeepCopier<CustomerState>>().Copy(rebuilt);
        var now = _clock.GetUtcNow();
        _store.Change(live =>
        {
            new RestoreChange(copy, now).ApplyTo(live);
            return true;
        });
        var seq = await _store.Commit(new RestoreChange(rebuilt, now));

        if (State.MergedInto is null && !State.IsErased)
        {
            // The index rows the ledger says the customer holds (an empty cluster has none yet; claiming a row it holds changes nothing).
            var held = State.Identifiers?.Entries.Values.Where(entry => entry is { Indexed: true, FormerTicks: 0 }).ToArray() ?? [];
            await Task.WhenAll(held.Select(entry => GrainFactory.GetGrain<IIdentityGrain>(entry.Key).Claim(entry.Owner)));
        }

        // Every segment the customer is in announces it again: an empty cluster's member sets learn of it.
        var segments = await _segments.CurrentAsync();
        await ReevaluateSegments([.. segments.Select(segment => new SegmentVersion(segment.Definition.Name, segment.Definition.DefinedAt))]);
        // And it is registered for a wake-up where time alone can change an answer (afresh in an empty cluster: RestoreChange
        // keeps this cluster's registrations) before the replay counts it rebuilt.
        if (_wakeups is not null) await _wakeups.Settled();
        if (visitOnly && _memberships is not { Idle: false } && _wakeups is null) DeactivateOnIdle();
        return new RestoreResult(RestoreOutcome.Restored, seq);
    }
}
