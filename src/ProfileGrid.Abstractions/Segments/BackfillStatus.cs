namespace ProfileGrid.Segments;

/// <summary>
/// A segment's back-fill: whether it runs, how many customers it evaluated, and when it started and finished.
/// <see cref="BackfillState.Failed"/> means it went round, but <see cref="Error"/> names customers it could not evaluate.
/// </summary>
[GenerateSerializer, Immutable, Alias("pg.BackfillStatus")]
public sealed record BackfillStatus(
    [property: Id(0)] BackfillState State,
    [property: Id(1)] long Visited,
    [property: Id(2)] DateTimeOffset? StartedAt,
    [property: Id(3)] DateTimeOffset? FinishedAt,
    [property: Id(4)] string? Error,
    [property: Id(5)] DateTimeOffset? DefinedAt = null)
{
    public static readonly BackfillStatus None = new(BackfillState.None, 0, null, null, null);
}

/// <summary>Where a back-fill or a reconciliation stands (the API writes it in lower case).</summary>
public enum BackfillState { None, Running, Done, Failed }
