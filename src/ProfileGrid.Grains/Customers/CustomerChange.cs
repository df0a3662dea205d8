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

/// <summary>The customer entered or left segments: the names it is in from then on (null for none).</summary>
[GenerateSerializer, Alias("pg.SegmentsChange")]
public sealed record SegmentsChange([property: Id(0)] string[]? Segments, DateTimeOffset At) : CustomerChange(At)
{
    public override void ApplyTo(CustomerState state) => state.Segments = Segments;
}
