namespace ProfileGrid.Counters;

/// <summary>The events of one time slot: a minute, an hour or a day, numbered from the Unix epoch.</summary>
[GenerateSerializer, Alias("pg.Bucket")]
public record struct Bucket(
    [property: Id(0)] int Index,
    [property: Id(1)] int Count,
    [property: Id(2)] decimal Sum);
