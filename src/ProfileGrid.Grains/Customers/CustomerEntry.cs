namespace ProfileGrid.Customers;

/// <summary>
/// One write of a customer as a journal entry: the changes it stored, in the order they were applied, and the
/// instant the state was aged at before it was stored (<see cref="CustomerState.Compact"/>).
/// </summary>
[GenerateSerializer, Alias("pg.CustomerEntry")]
public sealed record CustomerEntry(
    [property: Id(0)] long Seq,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] CustomerChange[] Changes)
{
    /// <summary>
    /// Whether the write forgets data (erasure, a merged profile's data dropped, or the identifiers of a refused
    /// identify given back): it must replace the stored row, not append to it, so that no earlier entry keeps what was
    /// forgotten (a refused identify leaves no trace of another customer's identifiers). A replay's restore replaces
    /// the whole state, so it is a snapshot too.
    /// </summary>
    public bool Rewrites => Array.Exists(Changes, change =>
        change is ErasureChange or ErasureCompletedChange or MergedDataDroppedChange or IdentifiersChange { Change.Removals.Length: > 0 }
            or ProfileGrid.Replay.RestoreChange);

    /// <summary>Brings a state read up to the write before this one to the state this write stored.</summary>
    public void Replay(CustomerState state)
    {
        foreach (var change in Changes) change.ApplyTo(state);
        state.Compact(At);
        state.Seq = Seq;
    }
}
