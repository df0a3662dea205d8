namespace ProfileGrid.Events;

/// <summary>What a customer grain did with each event of one call, in the order they were sent.</summary>
/// <param name="Outcomes">One outcome per event.</param>
/// <param name="Errors">The reason for each rejected event, at the same index; null elsewhere.</param>
[GenerateSerializer, Immutable, Alias("pg.ApplyEventsResult")]
public sealed record ApplyEventsResult(
    [property: Id(0)] EventOutcome[] Outcomes,
    [property: Id(1)] string?[] Errors,
    [property: Id(2)] long Seq);
