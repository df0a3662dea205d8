namespace ProfileGrid.Segments;

/// <summary>
/// A segment's reconciliation: the stored customers it visited (each announced its membership again), the members
/// it checked against their customers, and how many of those it took out because their customer is not in the segment.
/// </summary>
[GenerateSerializer, Immutable, Alias("pg.ReconcileStatus")]
public sealed record ReconcileStatus(
    [property: Id(0)] BackfillState State,
    [property: Id(1)] long Visited,
    [property: Id(2)] long MembersChecked,
    [property: Id(3)] long MembersRemoved,
    [property: Id(4)] DateTimeOffset? StartedAt,
    [property: Id(5)] DateTimeOffset? FinishedAt,
    [property: Id(6)] string? Error)
{
    public static readonly ReconcileStatus None = new(BackfillState.None, 0, 0, 0, null, null, null);
}
