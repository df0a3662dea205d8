namespace ProfileGrid.Segments;

/// <summary>
/// Brings a segment's members up to date with customers stored before it was defined (key: the segment name): visits
/// every stored customer, page by page, in the background, and asks each to evaluate its segments.
/// </summary>
[Alias("pg.ISegmentBackfillGrain")]
public interface ISegmentBackfillGrain : IGrainWithStringKey
{
    /// <summary>Starts a back-fill for <paramref name="definition"/> (one already running for it goes on; one for an older definition starts over).</summary>
    [Alias("Start")]
    Task<BackfillStatus> Start(SegmentDefinition definition);

    /// <summary>Progress; resumes a back-fill that an earlier activation left unfinished.</summary>
    [Alias("Status")]
    Task<BackfillStatus> Status();
}

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

public enum BackfillState { None, Running, Done, Failed }
