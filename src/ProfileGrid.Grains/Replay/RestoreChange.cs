using ProfileGrid.Customers;

namespace ProfileGrid.Replay;

/// <summary>
/// A replay rebuilt the customer from the archive: the state becomes <paramref name="State"/>, every stored part of it
/// (<see cref="CustomerState"/>'s members with an <c>[Id]</c>; <c>CustomerRebuildTests</c> checks that none is left out)
/// but the wake-up registrations, which say which buckets of this cluster's schedule hold the customer, not what the
/// customer did: they stay as the restored state has them (none in an empty cluster, where the restore's segment
/// review registers the customer afresh; in place, the buckets that hold it, so that erasure still finds them).
/// It is a change like any other, so it is stored as a snapshot (<see cref="CustomerEntry.Rewrites"/>), archived, and
/// replaying it gives back the same state: the archive holds, after the writes it was rebuilt from, a write that
/// changes nothing they do not already say, and a later replay yields the same profile.
/// </summary>
/// <remarks>
/// Applying takes <paramref name="State"/>'s parts as they are (no copy): a state read from storage or the archive
/// owns the change it was decoded with. A live customer applies a copy and stores the change (see
/// <see cref="CustomerGrain"/>'s <c>Restore</c>), so that later changes to the live state cannot reach the change
/// before it is encoded.
/// </remarks>
[GenerateSerializer, Alias("pg.RestoreChange")]
public sealed record RestoreChange([property: Id(0)] CustomerState State, DateTimeOffset At) : CustomerChange(At)
{
    public override void ApplyTo(CustomerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var from = State;
        state.Seq = from.Seq;
        state.Traits = from.Traits;
        state.TraitTimes = from.TraitTimes;
        state.Consent = from.Consent;
        state.FirstSeen = from.FirstSeen;
        state.LastSeen = from.LastSeen;
        state.Channels = from.Channels;
        state.Counters = from.Counters;
        state.Activity = from.Activity;
        state.AppliedEvents = from.AppliedEvents;
        state.ConsentRecords = from.ConsentRecords;
        state.ErasedTicks = from.ErasedTicks;
        state.Segments = from.Segments;
        state.MergedInto = from.MergedInto;
        state.Merges = from.Merges;
        state.Identifiers = from.Identifiers;
        state.ErasureOpen = from.ErasureOpen;
        state.Unannounced = from.Unannounced;
    }
}
