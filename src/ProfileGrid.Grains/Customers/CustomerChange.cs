using ProfileGrid.Events;

namespace ProfileGrid.Customers;

/// <summary>
/// One change to a customer as its journal keeps it: the input, which reading the journal applies again. Applying
/// is deterministic (the same state, input and instant give the same result), so a replayed change does exactly
/// what it did when it was first applied.
/// </summary>
[GenerateSerializer, Alias("pg.CustomerChange")]
public abstract record CustomerChange([property: Id(0)] DateTimeOffset At)
{
    public abstract void ApplyTo(CustomerState state);
}

/// <summary>Events a producer sent that were new and within the rules when they arrived.</summary>
[GenerateSerializer, Alias("pg.EventsChange")]
public sealed record EventsChange(
    [property: Id(0)] string Producer,
    [property: Id(1)] CustomerEvent[] Events,
    DateTimeOffset At) : CustomerChange(At)
{
    public override void ApplyTo(CustomerState state) => state.Apply(Producer, Events, At);
}

/// <summary>A trait and consent patch that changed something.</summary>
[GenerateSerializer, Alias("pg.TraitsChange")]
public sealed record TraitsChange([property: Id(0)] TraitPatch Patch, DateTimeOffset At) : CustomerChange(At)
{
    public override void ApplyTo(CustomerState state) => state.Merge(Patch, At);
}

/// <summary>The customer was erased: everything before is forgotten (the entry is always stored as a snapshot).</summary>
[GenerateSerializer, Alias("pg.ErasureChange")]
public sealed record ErasureChange(DateTimeOffset At) : CustomerChange(At)
{
    public override void ApplyTo(CustomerState state) => state.Erase(At);
}

/// <summary>What erasure removes outside the row is gone: the tombstone forgets its identifier ledger (a snapshot too).</summary>
[GenerateSerializer, Alias("pg.ErasureCompletedChange")]
public sealed record ErasureCompletedChange(DateTimeOffset At) : CustomerChange(At)
{
    public override void ApplyTo(CustomerState state) => state.CompleteErasure();
}

/// <summary>Identifiers recorded before they are claimed, given back after a refused claim, or marked former and released.</summary>
[GenerateSerializer, Alias("pg.IdentifiersChange")]
public sealed record IdentifiersChange([property: Id(0)] ProfileGrid.Identity.LedgerChange Change, DateTimeOffset At) : CustomerChange(At)
{
    public override void ApplyTo(CustomerState state) => state.Apply(Change);
}

/// <summary>
/// The customer entered or left segments: the names it is in from then on (null for none), and those whose member
/// sets are to be told (<paramref name="Announce"/>; null for none), which stay unannounced until they confirm.
/// </summary>
[GenerateSerializer, Alias("pg.SegmentsChange")]
public sealed record SegmentsChange([property: Id(0)] string[]? Segments, DateTimeOffset At, [property: Id(1)] string[]? Announce = null) : CustomerChange(At)
{
    public override void ApplyTo(CustomerState state)
    {
        state.Segments = Segments;
        foreach (var segment in Announce ?? []) state.Unconfirmed(segment, At.UtcTicks);
    }
}

/// <summary>The member set of <paramref name="Segment"/> confirmed the change made at <paramref name="ChangedTicks"/>.</summary>
[GenerateSerializer, Alias("pg.AnnouncedChange")]
public sealed record AnnouncedChange([property: Id(0)] string Segment, [property: Id(1)] long ChangedTicks, DateTimeOffset At) : CustomerChange(At)
{
    public override void ApplyTo(CustomerState state) => state.Confirmed(Segment, ChangedTicks);
}

/// <summary>This profile was merged into <paramref name="Target"/>: from then on calls go there.</summary>
[GenerateSerializer, Alias("pg.MergedAwayChange")]
public sealed record MergedAwayChange([property: Id(0)] string Target, DateTimeOffset At) : CustomerChange(At)
{
    public override void ApplyTo(CustomerState state) => state.MergeAway(Target);
}

/// <summary>The target of this profile's merge stored it: its data is dropped (a snapshot, so no earlier entry keeps it).</summary>
[GenerateSerializer, Alias("pg.MergedDataDroppedChange")]
public sealed record MergedDataDroppedChange(DateTimeOffset At) : CustomerChange(At)
{
    public override void ApplyTo(CustomerState state) => state.DropMerged();
}

/// <summary>
/// Another profile was merged into this one: its state as handed over (null when it held nothing) and the record of
/// the merge. Replaying it absorbs the same state at the same instant, so it counts exactly as it did.
/// </summary>
[GenerateSerializer, Alias("pg.MergeChange")]
public sealed record MergeChange([property: Id(0)] CustomerState? Absorbed, [property: Id(1)] MergeRecord Record, DateTimeOffset At) : CustomerChange(At)
{
    public override void ApplyTo(CustomerState state)
    {
        if (Absorbed is not null)
        {
            state.Absorb(Absorbed, Record);
            return;
        }

        (state.Identifiers ??= new()).Absorb(null, Record.From, At.UtcTicks);
        (state.Merges ??= []).Add(Record);
        if (state.Merges.Count > CustomerState.MaxMerges) state.Merges.RemoveAt(0);
    }
}
