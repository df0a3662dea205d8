namespace ProfileGrid.Benchmarks.Floor;

/// <summary>An event as the floor carries it to its grain: the fields ProfileGrid reads, the properties as raw JSON.</summary>
[GenerateSerializer, Immutable, Alias("floor.event")]
public sealed record FloorEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] decimal? Value,
    [property: Id(3)] string? Channel,
    [property: Id(4)] string? Properties);
