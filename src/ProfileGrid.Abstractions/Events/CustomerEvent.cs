namespace ProfileGrid.Events;

/// <summary>One customer action as a producer sent it, validated by the gateway.</summary>
/// <param name="Id">The producer's idempotency key.</param>
/// <param name="Properties">The producer's properties object as raw JSON text, or null.</param>
[GenerateSerializer, Immutable, Alias("pg.CustomerEvent")]
public sealed record CustomerEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset Timestamp,
    [property: Id(3)] decimal? Value,
    [property: Id(4)] string? Channel,
    [property: Id(5)] string? Properties);
